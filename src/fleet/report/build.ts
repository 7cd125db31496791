/**
 * The fleet report: finalized detector results -> one FleetReport object, the
 * document both renderers (and the HTML report) read. Its JSON is the shape in
 * json.ts's header; keep the two in step.
 */
import type { FailedRetryResult } from '../detectors/failed-retry.js';
import type { ErrorClusterResult } from '../detectors/error-clusters.js';
import type { ToolTableRow, ToolTimeResult } from '../detectors/tool-time.js';
import type { FrictionResult } from '../detectors/friction.js';
import type { ToilResult } from '../detectors/toil.js';
import { price, type CostResult, type PricedUsage } from '../detectors/cost.js';
import type { OverviewResult } from '../detectors/overview.js';
import { failedRetry } from '../detectors/failed-retry.js';
import { errorClusters } from '../detectors/error-clusters.js';
import { toolTime } from '../detectors/tool-time.js';
import { friction } from '../detectors/friction.js';
import { toil } from '../detectors/toil.js';
import { cost } from '../detectors/cost.js';
import { roundHours, type FleetContext, type FleetFinding } from '../finding.js';
import { DEFAULT_PRICES, type PriceTable } from '../pricing.js';
import { sumWeeks, weeksBetween } from '../_weeks.js';
import { reportPriority, whereToLookFirst, type TopList } from './rank.js';

/** What buildFleetReport reads: each detector's finalize() output, by detector name. */
export interface FleetResults {
  overview: OverviewResult;
  failed_retry: FailedRetryResult[];
  error_clusters: ErrorClusterResult[];
  tool_time: ToolTimeResult;
  friction: FrictionResult;
  toil: ToilResult;
  cost: CostResult;
}

export interface FleetReportOptions {
  /** --hourly-rate: dollars per hour of a person's time */
  hourlyRate?: number;
  /** --prices: the price table (default: the shipped one) */
  prices?: PriceTable;
}

interface TokenCounts {
  input: number;
  output: number;
  /** all cache writes; cache_write_1h is the part written for one hour */
  cache_write: number;
  cache_write_1h: number;
  cache_read: number;
}

/** `usd` = `logged_usd` + `table_usd` (each in cents): the dollars the agents logged for their
 * sessions, and the table's price of the tokens of the sessions that logged none (null: no price);
 * `usd` is null only when neither is known. */
export interface CostRow extends TokenCounts {
  usd: number | null;
  logged_usd: number;
  table_usd: number | null;
}

/** One week of the span (a Monday, UTC): its sessions, the time the findings lost in
 * it and the token cost, each counted in the week its session started (_weeks.ts). */
export interface WeekRow {
  week: string;
  sessions: number;
  seconds_lost: number;
  hours_lost: number;
  cost_usd: number;
}

export interface FleetReport {
  profile: 'fleet';
  span: { from: string | null; to: string | null; weeks: number; untimed_sessions: number };
  sessions: number;
  agents: Record<string, number>;
  hourly_rate: number | null;
  /** hours: the sum over findings, which overlap (a failing command's wait is its tool time, its
   * loop's and its error cluster's): an upper bound; active_hours: the sessions' active time */
  totals: { hours: number; hours_per_week: number; dollars_per_week: number | null; active_hours: number };
  cost: {
    prices: { as_of: string; source: string };
    total_usd: number;
    /** the part of total_usd the agents logged themselves, and the part priced with the table */
    logged_usd: number;
    table_usd: number;
    usd_per_week: number;
    sessions_with_usage: number;
    sessions_without_usage: number;
    /** sessions counted at the cost their log states */
    sessions_with_logged_cost: number;
    tokens: TokenCounts;
    models: Array<CostRow & { model: string; sessions: number; logged_sessions: number; logged_at_table_usd: number | null }>;
    repos: Array<CostRow & { repo: string; model: string }>;
    top_sessions: Array<{ session_id: string; repo: string; file: string; line: number; usd: number | null; logged_usd: number }>;
    /** models with tokens that neither a logged cost nor the table prices (not counted) */
    unpriced_models: string[];
  };
  findings: FleetFinding[];
  /** per kind, the findings to read first by what that kind is about (rank.ts) */
  where_to_look_first: TopList[];
  /** every week of the span, in order, zeros included; empty without timestamps */
  weekly: WeekRow[];
  tools: ToolTableRow[];
  files: Array<{ file: string; sessions: number; calls: number; failed: number; unknown: number }>;
}

const WEEK_US = 7 * 24 * 3600 * 1e6;

function iso(us: number | null): string | null {
  return us === null ? null : new Date(Math.floor(us / 1000)).toISOString();
}

function tokens(u: PricedUsage): CostRow {
  return {
    input: u.input,
    output: u.output,
    cache_write: u.cacheWrite,
    cache_write_1h: u.cacheWrite1h,
    cache_read: u.cacheRead,
    usd: u.usd,
    logged_usd: u.logged_usd,
    table_usd: u.table_usd,
  };
}

function byKey(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Findings by time lost (descending, in seconds: hours are rounded to 2 decimals),
 * then key, kind and category: a total order. */
export function compareFindings(a: FleetFinding, b: FleetFinding): number {
  return b.seconds_lost - a.seconds_lost || byKey(a.key, b.key) || byKey(a.kind, b.kind) || byKey(a.category ?? '', b.category ?? '');
}

/** Every week of the span with its sessions, lost time (summed in µs, rounded once per
 * week) and token cost (priced per week and model, summed in cents). */
function weeklySeries(results: FleetResults, prices: PriceTable, lostWeeks: ReadonlyMap<string, number>): WeekRow[] {
  const o = results.overview;
  if (o.first_us === null || o.last_us === null) return [];
  const cents = new Map<string, number>();
  for (const [k, u] of results.cost.weeks) {
    const [week, model] = k.split('\u0000') as [string, string];
    const usd = price(prices, model, u).usd;
    // whole cents, so the sum does not depend on the order the shards were merged in
    if (usd !== null) cents.set(week, (cents.get(week) ?? 0) + Math.round(usd * 100));
  }
  return weeksBetween(o.first_us, o.last_us).map((week) => {
    const us = lostWeeks.get(week) ?? 0;
    return {
      week,
      sessions: o.weeks.get(week) ?? 0,
      seconds_lost: Math.round(us / 1e6),
      hours_lost: roundHours(us / 3_600_000_000),
      cost_usd: (cents.get(week) ?? 0) / 100,
    };
  });
}

export function buildFleetReport(results: FleetResults, options: FleetReportOptions = {}): FleetReport {
  const o = results.overview;
  const prices = options.prices ?? DEFAULT_PRICES;
  // an archive shorter than a week counts as one week: per-week figures never extrapolate
  const spanUs = o.first_us !== null && o.last_us !== null ? o.last_us - o.first_us : 0;
  const weeks = Math.max(1, spanUs / WEEK_US);
  const ctx: FleetContext = { weeks, prices, ...(options.hourlyRate !== undefined ? { hourlyRate: options.hourlyRate } : {}) };

  // each finding's time by week feeds the weekly series, and is not part of the finding's JSON
  let lostWeeks = new Map<string, number>();
  const findings = [
    ...failedRetry.findings(results.failed_retry, ctx),
    ...errorClusters.findings(results.error_clusters, ctx),
    ...toolTime.findings(results.tool_time, ctx),
    ...friction.findings(results.friction, ctx),
    ...toil.findings(results.toil, ctx),
    ...cost.findings(results.cost, ctx),
  ]
    .map(({ lost_weeks, ...f }) => {
      if (lost_weeks !== undefined) lostWeeks = sumWeeks(lostWeeks, lost_weeks);
      return f;
    })
    .sort(compareFindings);

  // summed in whole seconds, so the total does not depend on the findings' order
  let seconds = 0;
  for (const f of findings) seconds += f.seconds_lost;
  const hours = seconds / 3600;
  // priority is relative to this report as well as absolute (rank.ts)
  for (const f of findings) f.proposal.priority = reportPriority(f, seconds, o.sessions);
  const perWeek = hours / weeks;

  const c = results.cost;
  const models: FleetReport['cost']['models'] = [];
  const unpriced: string[] = [];
  const all: TokenCounts = { input: 0, output: 0, cache_write: 0, cache_write_1h: 0, cache_read: 0 };
  // in whole cents, as each row is rounded: logged + table = total exactly
  let loggedCents = 0;
  let tableCents = 0;
  let loggedSessions = 0;
  for (const [model, m] of [...c.models.entries()].sort((x, y) => byKey(x[0], y[0]))) {
    const p = price(prices, model, m);
    if (p.table_usd === null) unpriced.push(model);
    else tableCents += Math.round(p.table_usd * 100);
    loggedCents += Math.round(p.logged_usd * 100);
    loggedSessions += m.loggedSessions;
    models.push({ model, sessions: m.sessions.count, logged_sessions: m.loggedSessions, ...tokens(p), logged_at_table_usd: p.logged_at_table_usd });
    all.input += m.input;
    all.output += m.output;
    all.cache_write += m.cacheWrite;
    all.cache_write_1h += m.cacheWrite1h;
    all.cache_read += m.cacheRead;
  }
  const totalUsd = (loggedCents + tableCents) / 100;
  const repos = [...c.repos.entries()]
    .map(([k, u]) => {
      const [repo, model] = k.split('\u0000') as [string, string];
      return { repo, model, ...tokens(price(prices, model, u)) };
    })
    .sort((x, y) => (y.usd ?? 0) - (x.usd ?? 0) || byKey(x.repo, y.repo) || byKey(x.model, y.model));
  const top = c.top.map((t) => {
    let usd: number | null = 0;
    let logged = 0;
    for (const [model, u] of t.usage) {
      const p = price(prices, model, u);
      usd = p.usd === null || usd === null ? null : usd + p.usd;
      logged += p.logged_usd;
    }
    const cents = (x: number) => Math.round(x * 100) / 100;
    return { session_id: t.session_id, repo: t.repo, file: t.file, line: t.line, usd: usd === null ? null : cents(usd), logged_usd: cents(logged) };
  });

  return {
    profile: 'fleet',
    span: { from: iso(o.first_us), to: iso(o.last_us), weeks: Math.round(weeks * 100) / 100, untimed_sessions: o.untimed },
    sessions: o.sessions,
    agents: Object.fromEntries([...o.agents.entries()].sort((x, y) => byKey(x[0], y[0]))),
    hourly_rate: options.hourlyRate ?? null,
    totals: {
      hours: roundHours(hours),
      hours_per_week: roundHours(perWeek),
      dollars_per_week: options.hourlyRate === undefined ? null : Math.round(perWeek * options.hourlyRate * 100) / 100,
      active_hours: roundHours(o.active_us / 3_600_000_000),
    },
    cost: {
      prices: { as_of: prices.as_of, source: prices.source },
      total_usd: totalUsd,
      logged_usd: loggedCents / 100,
      table_usd: tableCents / 100,
      usd_per_week: Math.round((totalUsd / weeks) * 100) / 100,
      sessions_with_usage: c.with_usage,
      sessions_without_usage: c.without_usage,
      sessions_with_logged_cost: loggedSessions,
      tokens: all,
      models,
      repos,
      top_sessions: top,
      unpriced_models: unpriced,
    },
    findings,
    where_to_look_first: whereToLookFirst(findings),
    weekly: weeklySeries(results, prices, lostWeeks),
    tools: results.tool_time.table,
    files: [...o.files.entries()]
      .sort((x, y) => byKey(x[0], y[0]))
      .map(([file, r]) => ({ file, sessions: r.sessions, calls: r.calls, failed: r.failed, unknown: r.unknown })),
  };
}
