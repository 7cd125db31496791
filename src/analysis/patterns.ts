/**
 * Detector results -> the reference's waste patterns (`analyze_sessions`). Every
 * seed detector makes its own patterns (see profiles/seed/); this module only
 * keeps the reference's order: created in registry order (repeated errors, slow
 * tools, retries, manual processes), then a stable sort by hours.
 * Manual processes are summarised (count, total hours, repos) with only the top
 * 20 as patterns, never one pattern per session.
 */
import { SEED_DETECTOR_LIST, type AnySeedDetector, type PatternType } from '../profiles/seed/detectors.js';
import type { ProfileResult } from '../profiles/types.js';

export type { PatternType };

export interface WastePattern {
  pattern_type: PatternType;
  description: string;
  occurrences: number;
  total_time_hours: number;
  /** distinct repos as Python-equality keys (only their number is ever printed) */
  affected_repos: string[];
  example_sessions: string[];
}

/** One detector's finalized result, kept for its proposals. */
export interface Finding {
  detector: AnySeedDetector;
  result: unknown;
}

export interface PatternSet {
  /** every non-manual pattern and the top manual ones, sorted as the reference sorts
   * (hours descending, stable in creation order) */
  sorted: WastePattern[];
  /** sum of occurrences over all patterns, manual ones included */
  wasteEvents: number;
  /** distinct repos over all patterns, manual ones included */
  repoCount: number;
  /** every detector with its result, in registry order */
  findings: Finding[];
}

export function buildPatterns(result: ProfileResult): PatternSet {
  const created: WastePattern[] = [];
  const findings: Finding[] = [];
  const repos = new Set<string>();
  let events = 0;
  for (const detector of SEED_DETECTOR_LIST) {
    const r = result.results[detector.name];
    const own = detector.patterns(r);
    created.push(...own);
    const t = detector.tally(r, own);
    events += t.events;
    for (const repo of t.repos) repos.add(repo);
    findings.push({ detector, result: r });
  }
  // Array.prototype.sort is stable: equal hours keep creation order, as Python's sorted(reverse=True)
  const sorted = created.sort((a, b) => (a.total_time_hours === b.total_time_hours ? 0 : a.total_time_hours > b.total_time_hours ? -1 : 1));
  return { sorted, wasteEvents: events, repoCount: repos.size, findings };
}
