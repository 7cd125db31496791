/**
 * The fleet profile's Markdown report. Every string from a log goes through
 * escape.ts (cell/escapeMarkdown); numbers are formatted here.
 */
import type { FleetFinding, FindingKind } from '../finding.js';
import type { FleetReport } from './build.js';
import { cell, escapeMarkdown } from './escape.js';

/** Findings shown with their proposal and evidence; the table lists them all. */
const DETAILED = 20;

const num = (n: number): string => n.toLocaleString('en-US', { maximumFractionDigits: 2 });
const usd = (n: number | null): string => (n === null ? 'n/a' : `$${n.toFixed(2)}`);
/** A duration in seconds for people: "42 s", "12.5 min", "3.2 h". */
const secText = (sec: number): string =>
  sec < 60 ? `${Math.round(sec)} s` : sec < 3600 ? `${(sec / 60).toFixed(1)} min` : `${(sec / 3600).toFixed(1)} h`;
/** Time lost: "–" when the logs timed none of it (SWE-agent steps, interruptions), never "0 s". */
const lostText = (sec: number): string => (sec === 0 ? '–' : secText(sec));
/** Per week of a long, sparse span most losses are under a second: say so rather than "0 s". */
const perWeekText = (sec: number): string => (sec === 0 ? '–' : sec < 0.1 ? '< 0.1 s' : sec < 10 ? `${sec.toFixed(1)} s` : secText(sec));
/** Hours per week, rounded to 2 decimals: "< 0.01" for a loss the rounding would show as 0 (beside
 * its non-zero dollars per week, "0 h/week, $0.16/week" read as a contradiction). */
const hoursPerWeek = (h: number, lost: number): string => (h === 0 && lost > 0 ? '< 0.01' : num(h));
const msText = (n: number | null): string =>
  n === null ? '–' : n >= 60_000 ? `${(n / 60_000).toFixed(1)} min` : n >= 1000 ? `${(n / 1000).toFixed(1)} s` : `${Math.round(n)} ms`;

/** Where the token cost's dollars come from, when logs stated some: "$X logged by the agents, $Y from the price table; ". */
function costSources(r: FleetReport): string {
  if (r.cost.sessions_with_logged_cost === 0) return '';
  return `${usd(r.cost.logged_usd)} as the agents logged it in ${r.cost.sessions_with_logged_cost} session(s), ${usd(r.cost.table_usd)} from the price table; `;
}

export function renderFleetMarkdown(r: FleetReport): string {
  const out: string[] = [];
  const span = r.span.from === null ? 'no timestamps' : `${r.span.from} to ${r.span.to} (${num(r.span.weeks)} weeks)`;
  out.push('# Fleet report', '');
  out.push(`- Span: ${span}`);
  out.push(
    `- Sessions: ${r.sessions} (${Object.entries(r.agents)
      .map(([a, n]) => `${cell(a)} ${n}`)
      .join(', ')})`,
  );
  const dollars = r.totals.dollars_per_week === null ? '' : ` ≈ ${usd(r.totals.dollars_per_week)}/week at $${num(r.hourly_rate!)}/h`;
  // the findings count the same minutes more than once (a failing `git commit`'s hook wait is its
  // tool time, its loop's and its error cluster's): the sum is said to be a bound, beside the
  // time the sessions were active, so nobody reads it as hours to win back
  out.push(
    `- Hours lost: ${num(r.totals.hours)} (${hoursPerWeek(r.totals.hours_per_week, r.totals.hours)}/week${dollars}), summed over findings that overlap: an upper bound (sessions active ${num(r.totals.active_hours)} h)`,
  );
  const unpriced = r.cost.unpriced_models.length === 0 ? '' : `; not counted: ${r.cost.unpriced_models.map((m) => cell(m)).join(', ')} (no price)`;
  out.push(
    `- Token cost: ${usd(r.cost.total_usd)} (${usd(r.cost.usd_per_week)}/week; ${costSources(r)}prices as of ${cell(r.cost.prices.as_of)}${unpriced})`,
  );
  out.push('');

  out.push(
    `- Priority: the higher of hours per week (≥ 1 h high, ≥ 0.25 h medium) and the share of this report's time lost (≥ 10% high, ≥ 2.5% medium, for a finding of ≥ 5 min); an error in ≥ 3 sessions (and ≥ 10% of them) is at least medium.`,
  );
  if (r.span.untimed_sessions > 0)
    out.push(`- Sessions without timestamps: ${r.span.untimed_sessions} (their time is in the totals, not in the weekly series).`);
  out.push('');
  renderTopLists(r, out);

  out.push('## Findings', '');
  if (r.findings.length === 0) out.push('No findings.', '');
  else {
    out.push('| # | Kind | Key | Category | Sessions | Occurrences | Time lost | Per week | Priority |', '|---|---|---|---|---|---|---|---|---|');
    r.findings.forEach((f, i) => {
      const lost = f.kind === 'cost' ? usd(f.cost_usd ?? null) : lostText(f.seconds_lost);
      const perWeek = f.kind === 'cost' ? usd(Number(f.details['usd_per_week'] ?? 0)) : perWeekText(f.seconds_lost / r.span.weeks);
      out.push(
        `| ${i + 1} | ${f.kind} | ${cell(f.key)} | ${cell(f.category ?? '')} | ${f.session_count} | ${f.occurrences} | ${lost} | ${perWeek} | ${f.proposal.priority} |`,
      );
    });
    out.push('');
    out.push('## Proposals', '');
    r.findings.slice(0, DETAILED).forEach((f, i) => {
      out.push(`### ${i + 1}. ${cell(f.proposal.title, 160)}`, '');
      const money = f.dollars_per_week !== undefined ? `, ${usd(f.dollars_per_week)}/week` : '';
      const cost = f.cost_usd !== undefined ? `, ${usd(f.cost_usd)} in tokens` : '';
      out.push(`${escapeMarkdown(f.proposal.action)}`, '');
      out.push(
        `*${f.kind}, ${f.proposal.priority} priority: ${num(f.hours)} h (${hoursPerWeek(f.hours_per_week, f.seconds_lost)} h/week${money})${cost}, ${f.occurrences} occurrence(s) in ${f.session_count} session(s).*`,
        '',
      );
      if (f.evidence.length > 0) {
        out.push('Evidence:', '');
        for (const e of f.evidence) out.push(`- ${escapeMarkdown(e.file)}:${e.line} (session ${escapeMarkdown(e.session_id)})`);
        out.push('');
      }
    });
  }

  if (r.weekly.some((w) => w.sessions > 0)) {
    out.push('## Weeks', '', 'Weeks with sessions (Monday, UTC); the JSON report lists every week of the span.', '');
    out.push('| Week | Sessions | Time lost | Token cost |', '|---|---|---|---|');
    for (const w of r.weekly) if (w.sessions > 0) out.push(`| ${w.week} | ${w.sessions} | ${lostText(w.seconds_lost)} | ${usd(w.cost_usd)} |`);
    out.push('');
  }

  out.push('## Tools', '');
  out.push(
    'Measured: the duration the agent logged. Waiting: approval, hooks, background tasks. Gap: result time − call time where nothing was measured (execution and waiting mixed, never called slow).',
    '',
  );
  out.push(
    '| Tool / command | Calls | Failed | Rejected | Measured median | Measured p90 | Waiting | Gap total |',
    '|---|---|---|---|---|---|---|---|',
  );
  for (const t of r.tools) {
    const name = t.kind === 'family' ? `↳ ${cell(t.key)}` : cell(t.key);
    out.push(
      `| ${name} | ${t.calls} | ${t.failed} | ${t.rejected} | ${msText(t.measured_median_ms)} | ${msText(t.measured_p90_ms)} | ${msText(t.waiting_ms)} | ${msText(t.gap_total_ms)} |`,
    );
  }
  out.push('');

  out.push('## Cost', '');
  out.push(
    `Prices: ${escapeMarkdown(r.cost.prices.source)}, as of ${escapeMarkdown(r.cost.prices.as_of)}. Sessions with usage: ${r.cost.sessions_with_usage}; without: ${r.cost.sessions_without_usage}.`,
    '',
  );
  if (r.cost.sessions_with_logged_cost > 0)
    out.push(
      `Logged cost: ${r.cost.sessions_with_logged_cost} session(s) state what they cost (SWE-agent, mini-swe-agent \`instance_cost\`), ${usd(r.cost.logged_usd)}, counted as logged; the table prices the tokens of the others, ${usd(r.cost.table_usd)}.`,
      '',
    );
  out.push('| Model | Sessions | Input | Output | Cache write | Cache read | USD | Of which logged |', '|---|---|---|---|---|---|---|---|');
  for (const m of r.cost.models)
    out.push(
      `| ${cell(m.model)} | ${m.sessions} | ${num(m.input)} | ${num(m.output)} | ${num(m.cache_write)} | ${num(m.cache_read)} | ${usd(m.usd)} | ${m.logged_sessions === 0 ? '–' : `${usd(m.logged_usd)} (${m.logged_sessions} session(s))`} |`,
    );
  out.push('');
  if (r.cost.repos.length > 0) {
    out.push('| Repo | Model | USD |', '|---|---|---|');
    for (const x of r.cost.repos) out.push(`| ${cell(x.repo)} | ${cell(x.model)} | ${usd(x.usd)} |`);
    out.push('');
  }
  if (r.cost.top_sessions.length > 0) {
    out.push('| Costliest sessions | Repo | Where | USD |', '|---|---|---|---|');
    for (const x of r.cost.top_sessions)
      out.push(`| ${escapeMarkdown(x.session_id)} | ${cell(x.repo)} | ${cell(x.file, 200)}:${x.line} | ${usd(x.usd)} |`);
    out.push('');
  }
  if (r.cost.unpriced_models.length > 0)
    out.push(
      `Models without a price (their tokens not counted, but where a session logged its cost): ${r.cost.unpriced_models.map((m) => cell(m)).join(', ')}.`,
      '',
    );

  out.push('## Files', '');
  out.push('| File | Sessions | Calls | Failed | Outcome unknown |', '|---|---|---|---|---|');
  for (const f of r.files) out.push(`| ${cell(f.file, 200)} | ${f.sessions} | ${f.calls} | ${f.failed} | ${f.unknown} |`);
  out.push('');
  return out.join('\n');
}

const TOP_TITLES: Record<FindingKind, string> = {
  failed_retry: 'Failure loops',
  error_cluster: 'Recurring errors',
  tool_time: 'Tool time',
  friction: 'Friction',
  toil: 'Toil',
  cost: 'Cost',
};

/** What a finding is, in a few words, for the "where to look first" tables. */
function what(f: FleetFinding): string {
  const d = f.details;
  switch (f.kind) {
    case 'failed_retry': {
      const ends = (['succeeded', 'bypassed', 'abandoned'] as const).filter((k) => Number(d[k]) > 0).map((k) => `${d[k]} ${k}`);
      return `${d['attempts']} failed attempts in ${d['loops']} loop(s), up to ${d['max_attempts']} in a row; ${ends.join(', ')}`;
    }
    case 'error_cluster':
      return `${cell(f.category ?? '')}, ${f.occurrences}×`;
    case 'friction':
      return `${cell(f.category ?? '')}, ${f.occurrences}×`;
    case 'toil':
      return `${f.occurrences} runs`;
    case 'tool_time':
      return cell(f.proposal.action.split(': ')[0] ?? '');
    case 'cost':
      return `${usd(f.cost_usd ?? null)}`;
    default:
      f.kind satisfies never;
      return '';
  }
}

/** "Where to look first": per kind, the findings ranked by what that kind is about (report/rank.ts). */
function renderTopLists(r: FleetReport, out: string[]): void {
  if (r.where_to_look_first.length === 0) return;
  out.push('## Where to look first', '');
  out.push("Per kind, ranked by what that kind is about; # is the finding's row in the Findings table (ordered by time lost).", '');
  for (const list of r.where_to_look_first) {
    out.push(`### ${TOP_TITLES[list.kind]} (by ${list.ranked_by})`, '');
    out.push('| # | Key | What | Sessions | Time lost | Priority |', '|---|---|---|---|---|---|');
    for (const n of list.findings) {
      const f = r.findings[n - 1]!;
      out.push(
        `| ${n} | ${cell(f.key)} | ${what(f)} | ${f.session_count} | ${f.kind === 'cost' ? '–' : lostText(f.seconds_lost)} | ${f.proposal.priority} |`,
      );
    }
    out.push('');
    if (list.kind === 'friction') {
      // every friction finding by category, so that one-off rejections show next to the frequent kinds
      const byCategory = new Map<string, { n: number; subjects: string[] }>();
      for (const f of r.findings)
        if (f.kind === 'friction') {
          const c = byCategory.get(f.category ?? '') ?? { n: 0, subjects: [] };
          c.n += f.occurrences;
          c.subjects.push(f.key);
          byCategory.set(f.category ?? '', c);
        }
      const parts = [...byCategory].map(
        ([c, x]) =>
          `${cell(c)} ${x.n} (${x.subjects
            .slice(0, 6)
            .map((s) => cell(s, 40))
            .join(', ')}${x.subjects.length > 6 ? ', …' : ''})`,
      );
      out.push(`All friction by kind: ${parts.join('; ')}.`, '');
    }
  }
}
