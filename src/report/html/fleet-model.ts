/**
 * The fleet profile's report as the HTML page reads it: the JSON report's shape from
 * issue 10 ("Output"), with the field names of the fleet branch's `src/fleet/report/json.ts`
 * (read on 2026-12-01 11:30), typed. The page needs only these fields; extra fields in the
 * real report (agents, seconds_lost, details, top_sessions...) are ignored. Optional fields are drawn when present and said to be
 * missing when not, so a report that lacks them still gives a complete page.
 *
 * ```json
 * {"profile": "fleet", "span": {"from", "to", "weeks"}, "sessions", "cost": {...},
 *  "findings": [{kind, key, category, sessions, occurrences, hours_per_week,
 *                proposal: {title, action, priority}, evidence: [{session_id, file, line}]}],
 *  "tools": [...], "files": [...]}
 * ```
 */

export type FleetFindingKind = 'failed_retry' | 'error_cluster' | 'tool_time' | 'friction' | 'toil' | 'cost';

/** The fleet profile ranks high / medium / low; `critical` is accepted for symmetry with seed. */
export type FleetPriority = 'critical' | 'high' | 'medium' | 'low';

/** A log line that shows a finding. */
export interface FleetEvidence {
  session_id: string;
  file: string;
  /** 1-based line (JSON Lines) or record number */
  line: number;
}

export interface FleetProposal {
  title: string;
  action: string;
  priority: FleetPriority;
}

export interface FleetFinding {
  kind: FleetFindingKind;
  /** the tool, command family or normalised error */
  key: string;
  /** taxonomy category (error clusters; friction kinds) */
  category?: string;
  /** session ids, sorted (may be a sample: see session_count) */
  sessions: string[];
  /** all sessions that show the finding, when `sessions` is a sample */
  session_count?: number;
  occurrences: number;
  hours_per_week: number;
  /** hours over the whole span */
  hours?: number;
  /** time lost over the span in whole seconds (the report's sort key) */
  seconds_lost?: number;
  /** token cost in USD (cost findings) */
  cost_usd?: number;
  proposal: FleetProposal;
  /** at most 10, in input order */
  evidence: FleetEvidence[];
  /** kind-specific numbers (failed_retry: loops, attempts...) */
  details?: Record<string, unknown>;
}

export interface TokenCounts {
  input: number;
  output: number;
  cache_write: number;
  cache_read: number;
}

export interface FleetCost {
  /** the pricing table's date and source */
  prices?: { as_of: string; source: string };
  /** dollars over the span */
  total_usd: number;
  /** the part of total_usd the agents logged, and the part the price table priced */
  logged_usd?: number;
  table_usd?: number;
  /** sessions counted at the cost their log states */
  sessions_with_logged_cost?: number;
  usd_per_week?: number;
  tokens: TokenCounts;
  /** usd null: a model without a price */
  models: { model: string; usd: number | null; sessions?: number }[];
  /** one row per repo and model; the page sums a repo's models */
  repos: { repo: string; model?: string; usd: number | null }[];
  /** models whose tokens the total leaves out, for want of a price */
  unpriced_models?: string[];
}

/** Per tool (`kind: "tool"`, key = tool name) or shell command family (`kind: "family"`, key = `git commit`). */
export interface FleetToolRow {
  kind: 'tool' | 'family';
  key: string;
  calls: number;
  failed: number;
  rejected: number;
  /** measured execution time; null when the log records none */
  measured_median_ms: number | null;
  measured_p90_ms: number | null;
  /** time spent waiting (approval, hooks, background tasks), apart from execution */
  waiting_ms: number;
}

export interface FleetFileRow {
  file: string;
  sessions: number;
  calls: number;
  failed: number;
}

/** One week of the span (weeks start on Monday, UTC): the fleet JSON's `weekly` rows
 * (src/fleet/_weeks.ts says which week a session's losses and tokens count in). */
export interface FleetWeek {
  /** YYYY-MM-DD of the week's Monday */
  week: string;
  /** sessions that started in the week */
  sessions?: number;
  /** the exact figure behind hours_lost (2 decimals), when present */
  seconds_lost?: number;
  hours_lost: number;
  cost_usd: number;
}

export interface FleetReport {
  profile: 'fleet';
  /** ISO 8601 times of the first and last event (null without timestamps); weeks >= 1 */
  span: { from: string | null; to: string | null; weeks: number };
  sessions: number;
  /**
   * sums over the findings, which overlap (an upper bound); active_hours: the sessions' active
   * time; the page sums the findings itself when absent
   */
  totals?: { hours: number; hours_per_week: number; dollars_per_week: number | null; active_hours?: number };
  cost: FleetCost;
  /** by time lost, then key */
  findings: FleetFinding[];
  /** per kind, 1-based positions in `findings` ranked by what the kind is about (src/fleet/report/rank.ts) */
  where_to_look_first?: { kind: FleetFindingKind; ranked_by: string; findings: number[] }[];
  tools: FleetToolRow[];
  files: FleetFileRow[];
  /**
   * Waste and cost per week over the span, every week of it (zeros included); a report
   * without it (written before it existed) gets the two "per week" charts' empty text.
   */
  weekly?: FleetWeek[];
}
