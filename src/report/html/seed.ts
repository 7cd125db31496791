/**
 * The seed profile's page: the reference's proposals and waste patterns as a dashboard.
 * Totals are summed exactly as the Markdown report sums them, so the two agree digit for digit.
 */
import type { WastePattern } from '../../analysis/patterns.js';
import type { PatternSet, PatternType } from '../../profiles/seed/report.js';
import type { ManualProcessesResult } from '../../profiles/seed/manual-processes.js';
import type { ImprovementProposal, Priority } from '../../analysis/proposals.js';
import { floatRepr, formatFixed } from '../../python/index.js';
import type { Report } from '../index.js';
import { barChart, type Bar } from './charts.js';
import { escapeHtml as e } from './escape.js';
import {
  html,
  priorityBadge,
  renderDocument,
  renderFigure,
  renderMeta,
  renderSection,
  renderTable,
  renderTiles,
  renderPriorityTile,
  formatNumber,
  type PageContext,
} from './page.js';

export interface SeedPageModel {
  report: Report;
  /** session records analysed */
  sessions: number;
}

export const PRIORITIES = ['critical', 'high', 'medium', 'low'] as const satisfies readonly Priority[];
export const PRIORITY_COLORS: Record<Priority, string> = { critical: '#b91c1c', high: '#ea580c', medium: '#ca8a04', low: '#64748b' };
const PATTERN_TYPES = ['repeated_error', 'slow_tool', 'failed_retry', 'manual_process'] as const satisfies readonly PatternType[];
const TYPE_NAMES: Record<PatternType, string> = {
  repeated_error: 'Repeated errors',
  slow_tool: 'Slow tools',
  failed_retry: 'Retry streaks',
  manual_process: 'Manual processes',
};
/** Bars in the "by finding" chart; the table has every pattern. */
export const TOP_FINDINGS_CHARTED = 15;

/** Python's sum() from int 0, left to right: the Markdown report's totals. */
function pySum(values: readonly number[]): number {
  let s = 0;
  for (const v of values) s += v;
  return s;
}

export interface SeedTotals {
  proposals: number;
  weeklyHours: string;
  monthlyHours: string;
  implementationHours: string;
  byPriority: Record<Priority, number>;
}

export function seedTotals(proposals: readonly ImprovementProposal[]): SeedTotals {
  const byPriority = { critical: 0, high: 0, medium: 0, low: 0 };
  for (const p of proposals) byPriority[p.priority]++;
  return {
    proposals: proposals.length,
    weeklyHours: formatFixed(pySum(proposals.map((p) => p.estimated_weekly_hours_saved)), 1),
    monthlyHours: formatFixed(pySum(proposals.map((p) => p.estimated_monthly_hours_saved)), 1),
    implementationHours: formatFixed(pySum(proposals.map((p) => p.implementation_hours)), 1),
    byPriority,
  };
}

/** Every manual-process session, not only the top 20 listed as patterns (the manual detector's result). */
function manualSummary(patterns: PatternSet): { count: number; totalHours: number } {
  const r = patterns.findings.find((f) => f.detector.patternType === 'manual_process')?.result as ManualProcessesResult | undefined;
  return { count: r?.count ?? 0, totalHours: r?.totalHours ?? 0 };
}

/** Hours per pattern type present in the archive; manual processes count every manual session, not only the listed top 20. */
export function hoursByType(report: Report): Bar[] {
  const { sorted } = report.patterns;
  const manual = manualSummary(report.patterns);
  const out: Bar[] = [];
  for (const t of PATTERN_TYPES) {
    const ps = sorted.filter((p) => p.pattern_type === t);
    if (t === 'manual_process' ? manual.count === 0 : ps.length === 0) continue;
    const hours = t === 'manual_process' ? manual.totalHours : pySum(ps.map((p) => p.total_time_hours));
    out.push({ label: TYPE_NAMES[t], value: Number(formatFixed(hours, 1)) });
  }
  return out;
}

export function weeklyHoursByPriority(proposals: readonly ImprovementProposal[]): Bar[] {
  return PRIORITIES.map((pr) => ({
    label: pr,
    value: Number(formatFixed(pySum(proposals.filter((p) => p.priority === pr).map((p) => p.estimated_weekly_hours_saved)), 1)),
    color: PRIORITY_COLORS[pr],
    href: proposals.some((p) => p.priority === pr) ? `#proposal-${proposals.findIndex((p) => p.priority === pr) + 1}` : undefined,
  }));
}

function hoursText(v: number): string {
  return `${v}h`;
}

function renderCharts(model: SeedPageModel): string {
  const { patterns, proposals } = model.report;
  const top = patterns.sorted.slice(0, TOP_FINDINGS_CHARTED);
  const byFinding = top.map((p, i) => ({
    label: `${i + 1}. ${p.description}`,
    value: p.total_time_hours,
    href: `#pattern-${i + 1}`,
    title: `${p.description}: ${p.total_time_hours}h`,
  }));
  const types = hoursByType(model.report);
  const figures = [
    renderFigure(
      'hours-by-finding',
      `Hours lost by finding (top ${top.length} of ${patterns.sorted.length})`,
      top.length ? barChart(byFinding, { x: 'hours over the archive', format: hoursText }) : null,
      'No waste patterns found.',
    ),
    renderFigure(
      'hours-by-type',
      'Hours lost by pattern type',
      types.length ? barChart(types, { x: 'hours over the archive', format: hoursText }) : null,
      'No waste patterns found.',
    ),
    renderFigure(
      'hours-by-priority',
      'Weekly hours recoverable by proposal priority',
      proposals.length ? barChart(weeklyHoursByPriority(proposals), { x: 'hours per week', format: hoursText }) : null,
      'No proposals above the threshold.',
    ),
  ];
  return `<div class="charts">${figures.join('')}</div>`;
}

function renderCard(p: ImprovementProposal, i: number): string {
  const roi = Number.isFinite(p.roi_weeks) ? `${formatFixed(p.roi_weeks, 1)} weeks` : 'never';
  const evidence = p.supporting_evidence.length ? `<ul>${p.supporting_evidence.map((s) => `<li>${e(s)}</li>`).join('')}</ul>` : '';
  return `<article class="card p-${e(p.priority)}" id="proposal-${i + 1}">
<h3>${i + 1}. ${e(p.title)}</h3>
<div>${priorityBadge(p.priority)} <span class="note">${e(p.affected_area)}</span></div>
<div class="roi"><span>break-even <b>${e(roi)}</b></span><span>saves <b>${e(floatRepr(p.estimated_weekly_hours_saved))}h</b>/week</span><span>build <b>${e(floatRepr(p.implementation_hours))}h</b></span></div>
<p><strong>Problem.</strong> ${e(p.problem)}</p>
<p><strong>Action.</strong> ${e(p.proposed_solution)}</p>${evidence}
</article>`;
}

function patternRow(p: WastePattern, i: number) {
  return {
    id: `pattern-${i + 1}`,
    cells: [
      { text: String(i + 1), sort: i + 1 },
      { text: p.pattern_type },
      { text: p.description },
      { text: formatNumber(p.occurrences), sort: p.occurrences },
      { text: floatRepr(p.total_time_hours), sort: p.total_time_hours },
      { text: formatNumber(p.affected_repos.length), sort: p.affected_repos.length },
      { html: p.example_sessions.map((s) => `<code>${e(s)}</code>`).join(' ') },
    ],
  };
}

/** The seed profile's report as one self-contained HTML page. */
export function renderSeedHtml(model: SeedPageModel, ctx: PageContext): string {
  const { patterns, proposals } = model.report;
  const t = seedTotals(proposals);
  const header = `<header>
<h1>Improvement proposals</h1>
<p class="sub">Where the agents' time goes, and what to build to get it back.</p>
${renderMeta([
  ['Inputs', html(ctx.inputs.map((i) => `<code>${e(i)}</code>`).join(', ') || '<span class="empty">none</span>')],
  ['Sessions', formatNumber(model.sessions)],
  ['Profile', 'seed (the reference analysis)'],
  ['Generated', ctx.generatedAt],
  ['Command', html(`<code>${e(ctx.command)}</code>`)],
])}
${renderTiles(
  [
    { name: 'proposals', label: 'proposals', value: String(t.proposals) },
    { name: 'weekly-hours', label: 'hours recoverable per week', value: t.weeklyHours },
    { name: 'monthly-hours', label: 'hours lost per month', value: t.monthlyHours },
    { name: 'implementation-hours', label: 'hours to implement', value: t.implementationHours },
    { name: 'waste-events', label: `waste events in ${formatNumber(patterns.repoCount)} repos`, value: formatNumber(patterns.wasteEvents) },
  ],
  renderPriorityTile(PRIORITIES.map((p) => [p, t.byPriority[p]])),
)}
</header>`;
  const cards = proposals.length
    ? `<div class="cards">${proposals.map(renderCard).join('\n')}</div>`
    : '<p class="empty">No proposals reach the threshold.</p>';
  const manual = manualSummary(patterns);
  const manualNote =
    manual.count > patterns.sorted.filter((p) => p.pattern_type === 'manual_process').length
      ? `<p class="note">${formatNumber(manual.count)} sessions were manual processes (${formatFixed(manual.totalHours, 1)}h); the 20 longest are listed.</p>`
      : '';
  const table = renderTable({
    id: 'findings',
    caption: 'Detected waste patterns',
    columns: [
      { label: '#', numeric: true },
      { label: 'Type', nowrap: true },
      { label: 'Description', wide: true },
      { label: 'Occurrences', numeric: true },
      { label: 'Hours', numeric: true },
      { label: 'Repos', numeric: true },
      { label: 'Example sessions' },
    ],
    rows: patterns.sorted.map(patternRow),
    emptyText: 'No waste patterns found: nothing to report.',
  });
  const main = `<main>
${renderSection('charts', 'Charts', renderCharts(model))}
${renderSection('proposals', `Proposals (${proposals.length})`, cards)}
${renderSection('patterns', `Waste patterns (${patterns.sorted.length})`, manualNote + table)}
</main>
<footer>fleet-proposals · seed profile · a self-contained page: no network, no external files.</footer>`;
  return renderDocument('Improvement proposals', header + '\n' + main);
}
