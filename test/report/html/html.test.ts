import { manualProcesses } from '../../../src/profiles/seed/manual-processes.js';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { parseHTML } from 'linkedom';
import { afterAll, describe, expect, it } from 'vitest';
import { buildReport } from '../../../src/report/index.js';
import {
  escapeHtml,
  neutralize,
  renderFleetHtml,
  renderSeedHtml,
  shellQuote,
  type FleetReport,
  type PageContext,
} from '../../../src/report/html/index.js';
import { costByRepo, fleetTotals, FINDING_ROWS } from '../../../src/report/html/fleet.js';
import type { Report } from '../../../src/report/index.js';
import { runCli } from '../../helpers.js';
import { breakouts, HOSTILE, mapStrings } from './_hostile.js';
import { manyFindings, smallFleetReport } from './fleet-sample.js';

const CTX: PageContext = { command: 'fleet-proposals --format html', inputs: ['a.json'], generatedAt: '2026-01-02T03:04:05.678Z' };
const tmp = mkdtempSync(join(tmpdir(), 'fp-html-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A seed report with every pattern type and every priority, written by hand. */
function seedReport(): Report {
  const pattern = (pattern_type: 'repeated_error' | 'slow_tool' | 'failed_retry' | 'manual_process', description: string, hours: number) => ({
    pattern_type,
    description,
    occurrences: 3,
    total_time_hours: hours,
    affected_repos: ['r1'],
    example_sessions: ['s1', 's2'],
  });
  const proposal = (title: string, priority: 'critical' | 'high' | 'medium' | 'low', weekly: number) => ({
    title,
    problem: `problem of ${title}`,
    proposed_solution: `solution of ${title}`,
    estimated_weekly_hours_saved: weekly,
    estimated_monthly_hours_saved: weekly * 4,
    implementation_hours: 3,
    roi_weeks: 3 / weekly,
    priority,
    affected_area: 'reliability',
    supporting_evidence: [`evidence of ${title}`],
  });
  return {
    patterns: {
      sorted: [
        pattern('repeated_error', 'Error: boom', 4),
        pattern('slow_tool', "Tool 'x' averages 9000ms latency", 2),
        pattern('manual_process', 'Session s9: 20 tool calls', 1),
      ],
      findings: [{ detector: manualProcesses, result: { count: 5, totalHours: 3.5, repos: [], top: [] } }],
      wasteEvents: 12,
      repoCount: 2,
    },
    proposals: [proposal('Fix it', 'critical', 4), proposal('Speed it', 'high', 1), proposal('Automate', 'low', 0.2)],
  };
}

const FLEET_ENUMS = new Set(['kind', 'priority', 'profile', 'week']); // kind: of findings and tool rows

describe('escaping', () => {
  it('neutralize shows controls and bidi overrides as visible codes', () => {
    expect(neutralize('a\u202eb\u001b[0m\tc\nd')).toBe('a\\u{202e}b\\u{1b}[0m\tc\nd');
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });

  it('a hostile string in every field of the seed page stays text', () => {
    const report = mapStrings(seedReport(), (s) => `${s} ${HOSTILE}`, new Set(['priority', 'pattern_type']));
    const page = renderSeedHtml(
      { report, sessions: 3 },
      { command: shellQuote(['fleet-proposals', '--input', HOSTILE]), inputs: [HOSTILE], generatedAt: CTX.generatedAt },
    );
    expect(breakouts(page)).toEqual([]);
    const text = parseHTML(page).document.body.textContent ?? '';
    // every field that is shown whole carries the hostile string through as visible text
    for (const field of ['problem of Fix it', 'solution of Fix it', 'evidence of Fix it', 'Error: boom'])
      expect(text).toContain(`${field} ${neutralize(HOSTILE)}`);
    expect(text).toContain(neutralize(HOSTILE).slice(0, 40));
  });

  it('a hostile string in every field of the fleet page stays text', () => {
    const r = mapStrings(smallFleetReport(), (s) => `${s} ${HOSTILE}`, FLEET_ENUMS);
    const page = renderFleetHtml(r, { ...CTX, inputs: [HOSTILE], command: HOSTILE });
    expect(breakouts(page)).toEqual([]);
    const text = parseHTML(page).document.body.textContent ?? '';
    for (const field of [
      'Push with --set-upstream',
      'Use `git push -u origin HEAD`.',
      'claude-code/ae4a77f8.jsonl',
      'github.com/acme/api',
      'claude-opus-4',
      'git commit',
    ])
      expect(text).toContain(`${field} ${neutralize(HOSTILE)}`.slice(0, 30));
  });

  it('any string as a finding key, category or session id stays text (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 20 }), (key, other) => {
        const base = smallFleetReport();
        const f = base.findings[1]!;
        const r: FleetReport = {
          ...base,
          findings: [{ ...f, key, category: other, sessions: [other], evidence: [{ session_id: other, file: key, line: 1 }] }],
          cost: { ...base.cost, repos: [{ repo: key, usd: 1 }], models: [{ model: other, usd: 2 }] },
          tools: [{ ...base.tools[0]!, key }],
        };
        expect(breakouts(renderFleetHtml(r, CTX))).toEqual([]);
      }),
      { numRuns: 25 },
    );
  });
});

describe('determinism', () => {
  it('same model, same bytes, whatever was rendered before; only the time differs', () => {
    const a = renderFleetHtml(smallFleetReport(), CTX);
    renderSeedHtml({ report: seedReport(), sessions: 3 }, CTX);
    renderFleetHtml(manyFindings(50), CTX);
    expect(renderFleetHtml(smallFleetReport(), CTX)).toBe(a);
    const later = renderFleetHtml(smallFleetReport(), { ...CTX, generatedAt: '2027-05-06T07:08:09.000Z' });
    expect(later).not.toBe(a);
    expect(later.replace('2027-05-06T07:08:09.000Z', CTX.generatedAt)).toBe(a);
  });

  it('the CLI writes the same page twice but for the generation time', async () => {
    const out1 = join(tmp, 'one.html');
    const out2 = join(tmp, 'two.html');
    expect((await runCli(['--input', 'fixtures/sample/sessions.json', '--format', 'html', '--output', out1, '--workers', '1'])).code).toBe(0);
    expect(
      (
        await runCli(['--input', 'fixtures/sample/sessions.json', '--format', 'html', '--output', out2, '--workers', '2'], {
          now: () => new Date('2030-01-01T00:00:00.000Z'),
        })
      ).code,
    ).toBe(0);
    const one = readFileSync(out1, 'utf8');
    const two = readFileSync(out2, 'utf8');
    const strip = (s: string) => s.replace(/<dd>20\d\d-[^<]*<\/dd>/, '<dd>TIME</dd>').replace(/--output \S+ --workers \d/, '');
    expect(one).not.toBe(two);
    expect(strip(one)).toBe(strip(two));
  });
});

describe('fleet totals', () => {
  it('say the hours are an upper bound beside the active time, and name the unpriced models', () => {
    const base = smallFleetReport();
    const r = {
      ...base,
      totals: { hours: 9.5, hours_per_week: 1.56, dollars_per_week: null, active_hours: 31.25 },
      cost: { ...base.cost, unpriced_models: ['local-llama', '<b>x</b>'] },
    };
    const { document } = parseHTML(renderFleetHtml(r, CTX));
    const note = document.querySelector('[data-note="totals"]')!.textContent;
    expect(note).toBe(
      'Hours lost are summed over findings that overlap: an upper bound; the sessions were active 31.25 h. ' +
        'The token cost leaves out local-llama, <b>x</b> (no price).',
    );
    expect(document.querySelector('[data-total="hours-per-week"] .k')!.textContent).toBe('hours lost per week, at most');
    // a report written before these fields existed: the bound is still said, nothing invented
    const old = parseHTML(renderFleetHtml(base, CTX)).document.querySelector('[data-note="totals"]')!.textContent;
    expect(old).toBe('Hours lost are summed over findings that overlap: an upper bound.');
  });

  it('say which dollars the agents logged and which the price table gave', () => {
    const base = smallFleetReport();
    const r = { ...base, cost: { ...base.cost, total_usd: 5.27, logged_usd: 4.27, table_usd: 1, sessions_with_logged_cost: 3 } };
    const note = parseHTML(renderFleetHtml(r, CTX)).document.querySelector('[data-note="totals"]')!.textContent;
    expect(note).toBe(
      "Hours lost are summed over findings that overlap: an upper bound. Of the token cost, $4.27 is what the agents logged in 3 session(s), $1.00 the price table's.",
    );
  });
});

describe('sizes: 0, 1 and 10,000 findings', () => {
  it('0 findings says so', () => {
    const page = renderFleetHtml({ ...smallFleetReport(), findings: [] }, CTX);
    expect(page).toContain('No findings: these logs show no waste the fleet profile detects.');
    expect(page).toContain('No error clusters.');
    expect(breakouts(page)).toEqual([]);
  });

  it('1 finding is one row, one card, one bar', () => {
    const r = { ...smallFleetReport(), findings: smallFleetReport().findings.slice(0, 1) };
    const { document } = parseHTML(renderFleetHtml(r, CTX));
    expect(document.querySelectorAll('#findings tbody tr')).toHaveLength(1);
    expect(document.querySelectorAll('.card')).toHaveLength(1);
    expect(document.querySelectorAll('[data-chart="hours-by-finding"] g[aria-label="bar"] rect')).toHaveLength(1);
  });

  it('10,000 findings: the table is capped with the count said, the page stays under 5 MB', () => {
    const page = renderFleetHtml(manyFindings(10_000), CTX);
    expect(Buffer.byteLength(page)).toBeLessThan(5 * 1024 * 1024);
    const { document } = parseHTML(page);
    expect(document.querySelectorAll('#findings tbody tr')).toHaveLength(FINDING_ROWS);
    const note = document.querySelector('[data-total-rows]')!;
    expect(note.getAttribute('data-total-rows')).toBe('10000');
    expect(note.textContent).toContain('Showing the first 1,000 of 10,000 rows.');
    expect(document.querySelector('[data-total="findings"] .v')!.textContent).toBe('10,000');
  });

  it('seed: no proposals and no patterns says so', () => {
    const empty: Report = { patterns: { sorted: [], findings: [], wasteEvents: 0, repoCount: 0 }, proposals: [] };
    const page = renderSeedHtml({ report: empty, sessions: 1 }, CTX);
    expect(page).toContain('No proposals reach the threshold.');
    expect(page).toContain('No waste patterns found: nothing to report.');
  });
});

describe('seed page', () => {
  it('charts hours by type (manual sessions all counted) and by the four priorities', () => {
    const { document } = parseHTML(renderSeedHtml({ report: seedReport(), sessions: 3 }, CTX));
    const titles = (chart: string) => [...document.querySelectorAll(`[data-chart="${chart}"] g[aria-label="bar"] title`)].map((t) => t.textContent);
    expect(titles('hours-by-type')).toEqual(['Repeated errors: 4h', 'Slow tools: 2h', 'Manual processes: 3.5h']);
    expect(titles('hours-by-priority')).toEqual(['critical: 4h', 'high: 1h', 'medium: 0h', 'low: 0.2h']);
    expect(titles('hours-by-finding')).toHaveLength(3);
  });

  it('the CLI page of fixtures/sample shows the JSON report totals', async () => {
    const json = await runCli(['--input', 'fixtures/sample/sessions.json', '--format', 'json', '--workers', '1']);
    const proposals = JSON.parse(json.stdout) as { estimated_weekly_hours_saved: number; priority: string }[];
    const out = join(tmp, 'sample.html');
    expect((await runCli(['--input', 'fixtures/sample/sessions.json', '--format', 'html', '--output', out, '--workers', '1'])).code).toBe(0);
    const { document } = parseHTML(readFileSync(out, 'utf8'));
    const tile = (name: string) => document.querySelector(`[data-total="${name}"]`)!.textContent!.trim();
    expect(tile('proposals').startsWith(String(proposals.length))).toBe(true);
    const weekly = proposals.reduce((s, p) => s + p.estimated_weekly_hours_saved, 0);
    expect(document.querySelector('[data-total="weekly-hours"] .v')!.textContent).toBe(weekly.toFixed(1));
    for (const p of ['critical', 'high', 'medium', 'low'])
      expect(tile(`priority-${p}`)).toBe(`${p} ${proposals.filter((x) => x.priority === p).length}`);
    expect(document.querySelector('dl.meta')!.textContent).toContain('fleet-proposals --input fixtures/sample/sessions.json --format html --output');
  });
});

describe('fleet page', () => {
  it('sums cost per repo over its models, unpriced models as 0, most first', () => {
    expect(costByRepo(smallFleetReport())).toEqual([
      { label: 'github.com/acme/api', value: 30.02 },
      { label: 'github.com/acme/web', value: 15.5 },
      { label: 'local/scratch', value: 6.2 },
    ]);
  });

  it("shows the report's own totals when it has them, else the sums over findings", () => {
    const r = smallFleetReport();
    expect(fleetTotals(r).hoursPerWeek).toBe('2.30');
    expect(fleetTotals({ ...r, totals: { hours: 20, hours_per_week: 3.25, dollars_per_week: null } }).hoursPerWeek).toBe('3.25');
  });

  it('a span without timestamps says so; tool rows read as tools and $ commands', () => {
    const { document } = parseHTML(renderFleetHtml({ ...smallFleetReport(), span: { from: null, to: null, weeks: 1 } }, CTX));
    expect(document.querySelector('dl.meta')!.textContent).toContain('no timestamps (counted as 1.0 weeks)');
    const labels = [...document.querySelectorAll('[data-chart="tool-error-rate"] g[aria-label="y-axis tick label"] text')].map((t) => t.textContent);
    expect(labels).toEqual(['Read', 'Bash', 'Edit', '$ git commit', '$ npm test', 'WebSearch']);
  });
});

describe('merge --format html', () => {
  it('lists the state files as the inputs and shows the same report as analysing the archive', async () => {
    const state = join(tmp, 'sample.state.json');
    expect((await runCli(['--input', 'fixtures/sample/sessions.json', '--emit-state', state, '--workers', '1', '--quiet'])).code).toBe(0);
    const merged = await runCli(['merge', state, '--format', 'html']);
    expect(merged.code).toBe(0);
    const direct = await runCli(['--input', 'fixtures/sample/sessions.json', '--format', 'html', '--workers', '1']);
    const { document } = parseHTML(merged.stdout);
    expect(document.querySelector('dl.meta dd code')!.textContent).toBe(state);
    const main = (html: string) => parseHTML(html).document.querySelector('main')!.outerHTML;
    expect(main(merged.stdout)).toBe(main(direct.stdout));
  });
});

describe(buildReport.name + ' + html: the seed markdown and json are untouched', () => {
  it('--format html is a choice; markdown stays the default', async () => {
    const md = await runCli(['--input', 'fixtures/sample/sessions.json', '--workers', '1']);
    expect(md.stdout.startsWith('# Improvement Proposals')).toBe(true);
    const bad = await runCli(['--input', 'fixtures/sample/sessions.json', '--format', 'pdf']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('"html"');
  });
});
