/**
 * The fleet profile's page (see fleet-model.ts for the report it reads). Tables are capped
 * so that a 10,000-finding report stays a page a browser opens at once (FINDING_ROWS rows,
 * PROPOSAL_CARDS cards, with the total said next to them); the JSON report has everything.
 */
import { barChart, lineChart, rangeChart, type Bar } from './charts.js';
import { escapeHtml as e } from './escape.js';
import { renderWhereToLookFirst } from './fleet-top.js';
import type { FleetFinding, FleetPriority, FleetReport, FleetToolRow } from './fleet-model.js';
import {
  formatNumber,
  html,
  priorityBadge,
  renderDocument,
  renderFigure,
  renderMeta,
  renderSection,
  renderTable,
  renderTiles,
  renderPriorityTile,
  type PageContext,
} from './page.js';

/** 1,000 rows (10 evidence lines each) make the 10,000-finding page 1.1 MB; 2,000 made it 2.1 MB and 1.5x slower to open (bench/html-open.ts). */
export const FINDING_ROWS = 1000;
export const PROPOSAL_CARDS = 24;
export const TOP_CHARTED = 15;
/** Tools and command families charted (by calls); the table has them all. */
export const TOOLS_CHARTED = 20;
const EVIDENCE_SHOWN = 3;

const PRIORITY_COLORS: Record<FleetPriority, string> = { critical: '#b91c1c', high: '#ea580c', medium: '#ca8a04', low: '#64748b' };
const CAP_NOTE = 'Sorted by hours lost; the JSON report (--format json) lists every finding.';

function sum(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s;
}

export interface FleetTotals {
  findings: number;
  hoursPerWeek: string;
  costUsd: string;
  byPriority: Record<FleetPriority, number>;
}

/** The report's own totals when it has them, else the sums over its findings. */
export function fleetTotals(r: FleetReport): FleetTotals {
  const byPriority: Record<FleetPriority, number> = { critical: 0, high: 0, medium: 0, low: 0 };
  for (const f of r.findings) byPriority[f.proposal.priority]++;
  const perWeek = r.totals?.hours_per_week ?? sum(r.findings.map((f) => f.hours_per_week));
  return { findings: r.findings.length, hoursPerWeek: formatNumber(perWeek, 2), costUsd: formatNumber(r.cost.total_usd, 2), byPriority };
}

/**
 * What the tiles' sums are: the findings count the same minutes more than once (a failing
 * `git commit`'s hook wait is its tool time, its loop's and its error cluster's), so the hours are
 * a bound, said beside the sessions' active time, as the Markdown report says them; the token
 * cost's dollars the agents logged and those the table priced; and the models it leaves out.
 */
function totalsNote(r: FleetReport): string {
  const active = r.totals?.active_hours;
  const parts = [
    `Hours lost are summed over findings that overlap: an upper bound${active === undefined ? '' : `; the sessions were active ${formatNumber(active, 2)} h`}.`,
  ];
  const logged = r.cost.sessions_with_logged_cost ?? 0;
  if (logged > 0)
    parts.push(
      `Of the token cost, $${formatNumber(r.cost.logged_usd ?? 0, 2)} is what the agents logged in ${logged} session(s), $${formatNumber(r.cost.table_usd ?? 0, 2)} the price table's.`,
    );
  const unpriced = r.cost.unpriced_models ?? [];
  if (unpriced.length > 0) parts.push(`The token cost leaves out ${unpriced.map((m) => `<code>${e(m)}</code>`).join(', ')} (no price).`);
  return `<p class="note" data-note="totals">${parts.join(' ')}</p>`;
}

/** A command family reads as the command (`$ git commit`), a tool as its name. */
export function toolLabel(t: FleetToolRow): string {
  return t.kind === 'family' ? `$ ${t.key}` : t.key;
}

/** Dollars per repo over its models (unpriced models count 0), most first, ties by name. */
export function costByRepo(r: FleetReport): Bar[] {
  const m = new Map<string, number>();
  for (const x of r.cost.repos) m.set(x.repo, (m.get(x.repo) ?? 0) + (x.usd ?? 0));
  return [...m]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([label, value]) => ({ label, value: Math.round(value * 100) / 100 }));
}

/** The tools and families charted: most calls first, ties by name. */
export function chartedTools(r: FleetReport): FleetToolRow[] {
  return r.tools
    .slice()
    .sort((a, b) => b.calls - a.calls || (toolLabel(a) < toolLabel(b) ? -1 : toolLabel(a) > toolLabel(b) ? 1 : 0))
    .slice(0, TOOLS_CHARTED);
}

/** Error-cluster occurrences per taxonomy category, most first, ties by name. */
export function errorsByCategory(r: FleetReport): Bar[] {
  const m = new Map<string, number>();
  for (const f of r.findings) if (f.kind === 'error_cluster') m.set(f.category ?? 'other', (m.get(f.category ?? 'other') ?? 0) + f.occurrences);
  return [...m].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([label, value]) => ({ label, value }));
}

function dollars(v: number): string {
  return `$${formatNumber(v, 2)}`;
}
function hours(v: number): string {
  return `${formatNumber(v, 2)}h`;
}
function seconds(v: number): string {
  return `${formatNumber(v, 1)}s`;
}

function findingLabel(f: FleetFinding): string {
  return `${f.kind}: ${f.key}`;
}

function renderCharts(r: FleetReport): string {
  const top = r.findings.slice(0, TOP_CHARTED);
  const tools = chartedTools(r);
  const timed = tools.filter((t) => t.measured_median_ms !== null && t.measured_p90_ms !== null);
  const cats = errorsByCategory(r);
  const weekly = r.weekly ?? [];
  const noWeekly = r.weekly === undefined ? 'This report has no weekly series.' : 'No weeks in the span.';
  const byRepo = costByRepo(r).slice(0, TOP_CHARTED);
  const byModel = r.cost.models.filter((m) => m.usd !== null).slice(0, TOP_CHARTED);
  const figures = [
    renderFigure(
      'hours-by-finding',
      `Hours lost per week by finding (top ${top.length} of ${formatNumber(r.findings.length)})`,
      top.length
        ? barChart(
            top.map((f, i) => ({
              label: `${i + 1}. ${findingLabel(f)}`,
              value: f.hours_per_week,
              href: `#finding-${i + 1}`,
              color: PRIORITY_COLORS[f.proposal.priority],
              title: `${findingLabel(f)}: ${hours(f.hours_per_week)} per week`,
            })),
            { x: 'hours per week', format: hours },
          )
        : null,
      'No findings.',
    ),
    renderFigure(
      'waste-per-week',
      'Hours lost per week over the span',
      weekly.length
        ? lineChart(
            // from the seconds when the report has them: on a sparse archive most weeks round to 0.00 h
            weekly.map((w) => ({ date: w.week, value: w.seconds_lost !== undefined ? w.seconds_lost / 3600 : w.hours_lost })),
            { y: 'hours lost', format: hours },
          )
        : null,
      noWeekly,
    ),
    renderFigure(
      'cost-per-week',
      'Token cost per week over the span',
      weekly.length
        ? lineChart(
            weekly.map((w) => ({ date: w.week, value: w.cost_usd })),
            { y: 'dollars', color: '#059669', format: dollars },
          )
        : null,
      noWeekly,
    ),
    renderFigure(
      'tool-error-rate',
      'Error rate per tool and shell command family (most used first)',
      tools.length
        ? barChart(
            tools.map((t) => ({
              label: toolLabel(t),
              value: t.calls ? Math.round((1000 * t.failed) / t.calls) / 10 : 0,
              title: `${toolLabel(t)}: ${t.failed} of ${t.calls} calls failed`,
            })),
            { x: '% of calls failed', color: '#dc2626', format: (v) => `${v}%` },
          )
        : null,
      'No tool calls.',
    ),
    renderFigure(
      'tool-time',
      'Measured time per tool and command family: median and p90',
      timed.length
        ? rangeChart(
            timed.map((t) => ({ label: toolLabel(t), low: t.measured_median_ms! / 1000, high: t.measured_p90_ms! / 1000 })),
            { x: 'seconds', lowName: 'median', highName: 'p90', format: seconds },
          )
        : null,
      'No measured durations in these logs.',
    ),
    renderFigure(
      'error-categories',
      'Error clusters by category (occurrences)',
      cats.length ? barChart(cats, { x: 'occurrences', color: '#7c3aed', format: (v) => formatNumber(v) }) : null,
      'No error clusters.',
    ),
    renderFigure(
      'cost-by-repo',
      'Token cost by repo',
      byRepo.length ? barChart(byRepo, { x: 'dollars', color: '#059669', format: dollars }) : null,
      'No token usage in these logs.',
    ),
    renderFigure(
      'cost-by-model',
      'Token cost by model',
      byModel.length
        ? barChart(
            byModel.map((c) => ({ label: c.model, value: c.usd ?? 0 })),
            { x: 'dollars', color: '#0891b2', format: dollars },
          )
        : null,
      'No token usage in these logs.',
    ),
  ];
  return `<div class="charts">${figures.join('')}</div>`;
}

function evidenceHtml(f: FleetFinding): string {
  const line = (v: FleetFinding['evidence'][number]) =>
    `<div class="mono ev"><span>${e(v.session_id)}</span> · <span>${e(v.file)}:${v.line}</span></div>`;
  const shown = f.evidence.slice(0, EVIDENCE_SHOWN).map(line).join('');
  const rest = f.evidence.slice(EVIDENCE_SHOWN);
  return rest.length ? `${shown}<details><summary>${rest.length} more</summary>${rest.map(line).join('')}</details>` : shown;
}

function findingRow(f: FleetFinding, i: number) {
  const sessions = f.session_count ?? f.sessions.length;
  return {
    id: `finding-${i + 1}`,
    cells: [
      { text: String(i + 1), sort: i + 1 },
      { text: f.kind },
      { html: `<span class="mono">${e(f.key)}</span>` },
      { text: f.category ?? '' },
      { html: priorityBadge(f.proposal.priority), sort: ['low', 'medium', 'high', 'critical'].indexOf(f.proposal.priority) },
      { text: formatNumber(sessions), sort: sessions },
      { text: formatNumber(f.occurrences), sort: f.occurrences },
      { text: formatNumber(f.hours_per_week, 2), sort: f.hours_per_week },
      { html: evidenceHtml(f) },
    ],
  };
}

function renderCard(f: FleetFinding, i: number): string {
  const p = f.proposal;
  const sessions = f.session_count ?? f.sessions.length;
  return `<article class="card p-${e(p.priority)}">
<h3>${i + 1}. ${e(p.title)}</h3>
<div>${priorityBadge(p.priority)} <span class="note">${e(f.kind)}${f.category ? ' · ' + e(f.category) : ''}</span></div>
<div class="roi"><span>loses <b>${e(hours(f.hours_per_week))}</b>/week</span><span><b>${formatNumber(f.occurrences)}</b> times in <b>${formatNumber(sessions)}</b> sessions</span></div>
<p><strong>Problem.</strong> <span class="mono">${e(f.key)}</span></p>
<p><strong>Action.</strong> ${e(p.action)}</p>
<p class="note"><a href="#finding-${i + 1}">Evidence</a></p>
</article>`;
}

/** The fleet profile's report as one self-contained HTML page. */
export function renderFleetHtml(r: FleetReport, ctx: PageContext): string {
  const t = fleetTotals(r);
  const prios = (['critical', 'high', 'medium', 'low'] as const).filter((p) => p !== 'critical' || t.byPriority.critical > 0);
  const header = `<header>
<h1>Agent fleet report</h1>
<p class="sub">Where the agents' time and tokens go, and what to change.</p>
${renderMeta([
  ['Inputs', html(ctx.inputs.map((i) => `<code>${e(i)}</code>`).join(', ') || '<span class="empty">none</span>')],
  ['Sessions', formatNumber(r.sessions)],
  [
    'Span',
    r.span.from === null || r.span.to === null
      ? `no timestamps (counted as ${formatNumber(r.span.weeks, 1)} weeks)`
      : `${r.span.from} to ${r.span.to} (${formatNumber(r.span.weeks, 1)} weeks)`,
  ],
  ['Profile', 'fleet'],
  ['Generated', ctx.generatedAt],
  ['Command', html(`<code>${e(ctx.command)}</code>`)],
])}
${renderTiles(
  [
    { name: 'findings', label: 'findings', value: formatNumber(t.findings) },
    { name: 'hours-per-week', label: 'hours lost per week, at most', value: t.hoursPerWeek },
    { name: 'cost-usd', label: `token cost${r.cost.prices ? ` (prices of ${r.cost.prices.as_of})` : ''}`, value: `$${t.costUsd}` },
  ],
  renderPriorityTile(prios.map((p) => [p, t.byPriority[p]])),
)}
${totalsNote(r)}
</header>`;
  const cards = r.findings.slice(0, PROPOSAL_CARDS);
  const cardsHtml = cards.length
    ? (r.findings.length > cards.length
        ? `<p class="note">The ${cards.length} proposals that save the most hours, of ${formatNumber(r.findings.length)}.</p>`
        : '') + `<div class="cards">${cards.map(renderCard).join('\n')}</div>`
    : '<p class="empty">No findings: nothing to propose.</p>';
  const findings = renderTable({
    id: 'findings',
    caption: 'Findings',
    columns: [
      { label: '#', numeric: true },
      { label: 'Kind', nowrap: true },
      { label: 'Key', wide: true },
      { label: 'Category', nowrap: true },
      { label: 'Priority' },
      { label: 'Sessions', numeric: true },
      { label: 'Times', numeric: true },
      { label: 'h/week', numeric: true },
      { label: 'Evidence: session · file:line', className: 'evidence' },
    ],
    rows: r.findings.slice(0, FINDING_ROWS).map(findingRow),
    totalRows: r.findings.length,
    capNote: CAP_NOTE,
    emptyText: 'No findings: these logs show no waste the fleet profile detects.',
  });
  const ms = (v: number | null) => (v === null ? { text: '' } : { text: formatNumber(v), sort: v });
  const tools = renderTable({
    id: 'tools',
    caption: 'Tools and command families',
    columns: [
      { label: 'Kind', nowrap: true },
      { label: 'Tool or command family', wide: true },
      { label: 'Calls', numeric: true },
      { label: 'Failed', numeric: true },
      { label: 'Rejected', numeric: true },
      { label: 'Median ms', numeric: true },
      { label: 'p90 ms', numeric: true },
      { label: 'Waiting ms', numeric: true },
    ],
    rows: r.tools.map((x) => ({
      cells: [
        { text: x.kind },
        { html: `<span class="mono">${e(x.key)}</span>` },
        { text: formatNumber(x.calls), sort: x.calls },
        { text: formatNumber(x.failed), sort: x.failed },
        { text: formatNumber(x.rejected), sort: x.rejected },
        ms(x.measured_median_ms),
        ms(x.measured_p90_ms),
        ms(x.waiting_ms),
      ],
    })),
    emptyText: 'No tool calls.',
  });
  const files = renderTable({
    id: 'files',
    caption: 'Input files',
    columns: [{ label: 'File' }, { label: 'Sessions', numeric: true }, { label: 'Calls', numeric: true }, { label: 'Failed', numeric: true }],
    rows: r.files.map((f) => ({
      cells: [
        { html: `<span class="mono">${e(f.file)}</span>` },
        { text: formatNumber(f.sessions), sort: f.sessions },
        { text: formatNumber(f.calls), sort: f.calls },
        { text: formatNumber(f.failed), sort: f.failed },
      ],
    })),
    emptyText: 'No input files.',
  });
  const main = `<main>
${r.where_to_look_first?.length ? renderSection('where-to-look-first', 'Where to look first', `<p class="note">Per kind, ranked by what that kind is about; # is the finding's row in the findings table (ordered by time lost).</p>${renderWhereToLookFirst(r)}`) : ''}
${renderSection('charts', 'Charts', renderCharts(r))}
${renderSection('proposals', 'Proposals', cardsHtml)}
${renderSection('findings-section', `Findings (${formatNumber(r.findings.length)})`, findings)}
${renderSection('tools-section', `Tools (${formatNumber(r.tools.length)})`, tools)}
${renderSection('files-section', `Files (${formatNumber(r.files.length)})`, files)}
</main>
<footer>fleet-proposals · fleet profile · a self-contained page: no network, no external files.</footer>`;
  return renderDocument('Agent fleet report', header + '\n' + main);
}
