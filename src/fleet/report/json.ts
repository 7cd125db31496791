/**
 * The fleet profile's JSON report. Stable shape (the HTML report reads it):
 *
 * {
 *   "profile": "fleet",
 *   "span": {"from": ISO|null, "to": ISO|null, "weeks": N,    // first to last event; weeks ≥ 1
 *            "untimed_sessions": N},                         // sessions without any timestamp
 *   "sessions": N,
 *   "agents": {"claude-code": N, ...},
 *   "hourly_rate": N|null,
 *   "totals": {"hours", "hours_per_week", "dollars_per_week"|null,    // sum over findings, which overlap
 *              "active_hours"},                                  // (an upper bound); the sessions' active time
 *   "cost": {"prices": {"as_of", "source"}, "total_usd", "usd_per_week",
 *            "logged_usd", "table_usd",              // total_usd = the dollars the logs state + the table's
 *            "sessions_with_usage", "sessions_without_usage",
 *            "sessions_with_logged_cost",            // counted at the cost their log states (instance_cost)
 *            "tokens": {"input", "output", "cache_write", "cache_write_1h", "cache_read"},   // 1h: part of cache_write
 *            "models": [{"model", "sessions", "logged_sessions", "input", "output", "cache_write", "cache_write_1h",
 *                        "cache_read", "usd"|null, "logged_usd", "table_usd"|null,   // usd null: no price, nothing logged
 *                        "logged_at_table_usd"|null}],   // the table's price of the logged sessions' tokens, not counted
 *            "repos": [{"repo", "model", ...tokens, "usd"|null, "logged_usd", "table_usd"|null}],
 *            "top_sessions": [{"session_id", "repo", "file", "line", "usd"|null, "logged_usd"}],   // at most 10
 *            "unpriced_models": [...]},          // tokens neither a logged cost nor the table prices
 *   "findings": [{                          // by seconds_lost desc, then key, kind, category
 *      "kind": "failed_retry"|"error_cluster"|"tool_time"|"friction"|"toil"|"cost",
 *      "key", "category"?,                   // category: taxonomy (error_cluster), friction kind
 *      "sessions": [ids, sorted, at most 20], "session_count", "occurrences",
 *      "seconds_lost", "hours", "hours_per_week", "dollars_per_week"?, "cost_usd"?,
 *      "proposal": {"title", "action", "priority": "high"|"medium"|"low"},   // absolute or relative to
 *                                         // this report's total, whichever is higher (report/rank.ts)
 *      "evidence": [{"session_id", "file", "line"}],   // at most 10, input order
 *      "details": {...}                      // per kind, see the detectors' headers
 *   }],
 *   "where_to_look_first": [{"kind", "ranked_by",   // per kind, the findings to read first, ranked
 *      "findings": [N, ...]}],               // by what the kind is about (report/rank.ts); N: 1-based
 *                                         // positions in "findings"
 *   "weekly": [{"week": "YYYY-MM-DD",       // every week (Monday, UTC) of the span, zeros included
 *      "sessions", "seconds_lost", "hours_lost", "cost_usd"}],   // each counted in the week its session
 *                                         // started; [] without timestamps; sums equal the totals up to
 *                                         // rounding, less what untimed sessions lost
 *   "tools": [{"kind": "tool"|"family", "key", "calls", "failed", "rejected", "cancelled",
 *              "measured_calls", "measured_median_ms", "measured_p90_ms", "measured_total_ms",
 *              "waiting_ms", "waiting_by": {"approval"?, "hook"?, ...},
 *              "gap_calls", "gap_median_ms", "gap_total_ms"}],   // tools, then families, by total time
 *   "files": [{"file", "sessions", "calls", "failed", "unknown"}]
 * }
 */
import type { FleetReport } from './build.js';

export function renderFleetJson(report: FleetReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
