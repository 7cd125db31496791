/**
 * The fleet profile's report as the HTML page reads it: the JSON report's shape from
 * issue 10 ("Output"), typed. The page needs only these fields; extra fields in the
 * real report are ignored. Optional fields are drawn when present and said to be
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
  proposal: FleetProposal;
  /** at most 10, in input order */
  evidence: FleetEvidence[];
}

export interface TokenCounts {
  input: number;
  output: number;
  cache_write: number;
  cache_read: number;
}

export interface FleetCost {
  /** dollars over the span, from the pricing table */
  usd: number;
  tokens: TokenCounts;
  by_model: { model: string; usd: number; tokens?: TokenCounts }[];
  by_repo: { repo: string; usd: number; sessions?: number }[];
  /** the pricing table's date (YYYY-MM-DD) */
  prices_date?: string;
}

/** Per tool, or per shell command family (`family` set, `tool` the shell tool). */
export interface FleetToolRow {
  tool: string;
  family?: string | null;
  calls: number;
  failed: number;
  rejected: number;
  /** measured execution time; null when the log records none */
  median_ms: number | null;
  p90_ms: number | null;
  /** time spent waiting (approval, hooks, background tasks), apart from execution */
  waiting_ms: number;
}

export interface FleetFileRow {
  file: string;
  sessions: number;
  calls: number;
  failed: number;
}

/** One week of the span (weeks start on Monday, UTC). */
export interface FleetWeek {
  /** YYYY-MM-DD of the week's Monday */
  week: string;
  hours_lost: number;
  cost_usd: number;
}

export interface FleetReport {
  profile: 'fleet';
  /** ISO 8601 times of the first and last event; weeks = (to - from) in weeks */
  span: { from: string; to: string; weeks: number };
  sessions: number;
  cost: FleetCost;
  /** by hours, then key */
  findings: FleetFinding[];
  tools: FleetToolRow[];
  files: FleetFileRow[];
  /** waste and cost per week over the span; the waste-per-week chart says "not in this report" without it */
  weekly?: FleetWeek[];
}
