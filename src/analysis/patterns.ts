/**
 * The reference's waste pattern (`WastePattern` of `improvement_proposals.py`): what every seed
 * detector makes of its result (profiles/seed/), and what the seed report orders and renders
 * (profiles/seed/report.ts, report/). A shape only: it names no detector, so the detectors
 * below it and the report above it both import it.
 */

/**
 * One waste pattern. `K` is its `pattern_type`: a detector's own literal (`'slow_tool'`), or the
 * union over the seed registry (`PatternType`, profiles/seed/detectors.ts) in the report.
 */
export interface WastePattern<K extends string = string> {
  pattern_type: K;
  description: string;
  occurrences: number;
  total_time_hours: number;
  /** distinct repos as Python-equality keys (only their number is ever printed) */
  affected_repos: string[];
  example_sessions: string[];
}
