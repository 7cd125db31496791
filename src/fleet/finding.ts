/**
 * What every fleet detector reports: one finding per waste pattern, with the
 * evidence a reader opens to check it. The JSON report writes these objects as
 * they are (see report/json.ts for the whole document).
 */
import type { PriceTable } from './pricing.js';

export type FindingKind = 'failed_retry' | 'error_cluster' | 'tool_time' | 'friction' | 'toil' | 'cost';

export type Priority = 'high' | 'medium' | 'low';

export interface Proposal {
  title: string;
  action: string;
  priority: Priority;
}

/** A log line that shows the finding. */
export interface Evidence {
  session_id: string;
  file: string;
  line: number;
}

export interface FleetFinding {
  kind: FindingKind;
  /** the tool, command family or normalised error */
  key: string;
  /** taxonomy category (error clusters; friction kinds) */
  category?: string;
  /** session ids, sorted; at most SESSION_SAMPLE of them, `session_count` has the total */
  sessions: string[];
  /** session records that show the finding (counted per record: never capped) */
  session_count: number;
  occurrences: number;
  /** time lost over the whole span in whole seconds (the sort key: hours are rounded) */
  seconds_lost: number;
  /** hours lost over the whole span, and per week of the span (2 decimals) */
  hours: number;
  hours_per_week: number;
  /** hours_per_week × --hourly-rate, when a rate is given */
  dollars_per_week?: number;
  /** token cost in USD over the span (cost findings) */
  cost_usd?: number;
  proposal: Proposal;
  /** at most 10 lines, in input order */
  evidence: Evidence[];
  /** kind-specific numbers (loops, attempts, endings, quantiles, n-gram...) */
  details: Record<string, unknown>;
  /** time lost (µs) by week (_weeks.ts), for the report's `weekly` series: read and
   * removed by buildFleetReport, never written to the report */
  lost_weeks?: ReadonlyMap<string, number>;
}

/** What findings need from outside their detector. */
export interface FleetContext {
  /** weeks of the archive's real span (first to last event); at least 1 day's worth */
  weeks: number;
  /** dollars per hour of a person's time, when given (--hourly-rate) */
  hourlyRate?: number;
  /** the token price table (the shipped one unless --prices) */
  prices: PriceTable;
}

/** Hours rounded for output: 2 decimals, so small losses stay visible. */
export function roundHours(h: number): number {
  return Math.round(h * 100) / 100;
}

export function priorityOf(hoursPerWeek: number): Priority {
  return hoursPerWeek >= 1 ? 'high' : hoursPerWeek >= 0.25 ? 'medium' : 'low';
}

/** Fill hours, hours_per_week and dollars_per_week from a loss in microseconds. */
export function lossFields(lostUs: number, ctx: FleetContext): Pick<FleetFinding, 'seconds_lost' | 'hours' | 'hours_per_week' | 'dollars_per_week'> {
  const hours = lostUs / 3_600_000_000;
  const perWeek = hours / ctx.weeks;
  const out: Pick<FleetFinding, 'seconds_lost' | 'hours' | 'hours_per_week' | 'dollars_per_week'> = {
    seconds_lost: Math.round(lostUs / 1e6),
    hours: roundHours(hours),
    hours_per_week: roundHours(perWeek),
  };
  if (ctx.hourlyRate !== undefined) out.dollars_per_week = Math.round(perWeek * ctx.hourlyRate * 100) / 100;
  return out;
}
