/**
 * Accumulator results -> the reference's waste patterns (`analyze_sessions`),
 * without materialising one pattern per manual session: those are summarised
 * (count, total hours in the reference's summation order, repos) and only the
 * top 20 are kept for the appendix.
 */
import type { AnalyzerResult } from '../accumulators/index.js';
import { cpSlice, formatFixed, pyRound } from '../python/index.js';
import { pyKey } from '../python/py-key.js';

export type PatternType = 'repeated_error' | 'slow_tool' | 'failed_retry' | 'manual_process';

export interface WastePattern {
  pattern_type: PatternType;
  description: string;
  occurrences: number;
  total_time_hours: number;
  /** distinct repos as Python-equality keys (only their number is ever printed) */
  affected_repos: string[];
  example_sessions: string[];
}

export interface PatternSet {
  /** every non-manual pattern and the top manual ones, sorted as the reference sorts
   * (hours descending, stable in creation order) */
  sorted: WastePattern[];
  manual: { count: number; totalHours: number };
  /** sum of occurrences over all patterns, manual ones included */
  wasteEvents: number;
  /** distinct repos over all patterns, manual ones included */
  repoCount: number;
}

const GLOBAL = pyKey('global');

export function buildPatterns(result: AnalyzerResult): PatternSet {
  const created: WastePattern[] = [];
  for (const e of result.repeatedErrors) {
    if (e.count < 3) continue;
    created.push({
      pattern_type: 'repeated_error',
      description: `Error: ${cpSlice(e.key, 100)}`,
      occurrences: e.count,
      total_time_hours: pyRound((e.count * 5) / 60, 1),
      affected_repos: e.repos,
      example_sessions: e.examples,
    });
  }
  for (const t of result.slowTools) {
    if (t.count < 5) continue;
    const avg = t.sum / t.count;
    if (!(avg > 5000)) continue;
    created.push({
      pattern_type: 'slow_tool',
      description: `Tool '${t.tool}' averages ${formatFixed(avg, 0)}ms latency`,
      occurrences: t.count,
      total_time_hours: pyRound(t.sum / 1000 / 3600, 1),
      affected_repos: [GLOBAL],
      example_sessions: [],
    });
  }
  for (const r of result.retryStreaks) {
    if (r.count < 2) continue;
    created.push({
      pattern_type: 'failed_retry',
      description: `Tool '${r.tool}' had ${r.count} retry sequences (3+ consecutive calls)`,
      occurrences: r.count,
      total_time_hours: pyRound((r.count * 10) / 60, 1),
      affected_repos: [GLOBAL],
      example_sessions: [],
    });
  }
  const m = result.manualProcesses;
  for (const p of m.top) {
    created.push({
      pattern_type: 'manual_process',
      description: p.description,
      occurrences: 1,
      total_time_hours: p.hours,
      affected_repos: [p.repo],
      example_sessions: [p.sessionId],
    });
  }
  // Array.prototype.sort is stable: equal hours keep creation order, as Python's sorted(reverse=True)
  const sorted = created.slice().sort((a, b) => (a.total_time_hours === b.total_time_hours ? 0 : a.total_time_hours > b.total_time_hours ? -1 : 1));

  const repos = new Set<string>(m.repos);
  let events = m.count;
  for (const p of created) {
    if (p.pattern_type === 'manual_process') continue;
    events += p.occurrences;
    for (const r of p.affected_repos) repos.add(r);
  }
  return { sorted, manual: { count: m.count, totalHours: m.totalHours }, wasteEvents: events, repoCount: repos.size };
}
