/**
 * The seed profile's report (the reference's `analyze_sessions` and `generate_proposals`, then
 * main()'s threshold): every seed detector makes its own patterns and proposals
 * (`SeedDetector`, types.ts); this module only keeps the reference's order.
 *
 * Patterns are created in registry order (repeated errors, slow tools, retries, manual
 * processes), then stably sorted by hours. Manual processes are summarised (count, total hours,
 * repos) with only the top 20 as patterns, never one pattern per session. Proposals are collected
 * in registry order, then stably sorted by monthly hours, as the reference does.
 */
import type { WastePattern } from '../../analysis/patterns.js';
import { IMPLEMENTATION_OVERHEAD, type ImprovementProposal } from '../../analysis/proposals.js';
import type { ProfileResult } from '../types.js';
import { SEED_DETECTOR_LIST, type AnySeedDetector, type PatternType } from './detectors.js';

export type { PatternType };

/** The seed profile's report: what report/ renders as Markdown, JSON or HTML. */
export interface Report {
  patterns: PatternSet;
  /** after the threshold filter, in the reference's order */
  proposals: ImprovementProposal[];
}

/** One detector's finalized result, kept for its proposals. */
export interface Finding {
  detector: AnySeedDetector;
  result: unknown;
}

export interface PatternSet {
  /** every non-manual pattern and the top manual ones, sorted as the reference sorts
   * (hours descending, stable in creation order) */
  sorted: WastePattern<PatternType>[];
  /** sum of occurrences over all patterns, manual ones included */
  wasteEvents: number;
  /** distinct repos over all patterns, manual ones included */
  repoCount: number;
  /** every detector with its result, in registry order */
  findings: Finding[];
}

export function buildPatterns(result: ProfileResult): PatternSet {
  const created: WastePattern<PatternType>[] = [];
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

/**
 * `hourlyRate` is accepted for parity with the reference, which takes it and
 * never uses it.
 */
export function generateProposals(patterns: PatternSet, _hourlyRate = 50.0, overhead = IMPLEMENTATION_OVERHEAD): ImprovementProposal[] {
  const out: ImprovementProposal[] = [];
  for (const { detector, result } of patterns.findings) {
    const own = patterns.sorted.filter((p) => p.pattern_type === detector.patternType);
    out.push(...detector.proposals(result, own, overhead));
  }
  return out.sort((a, b) =>
    a.estimated_monthly_hours_saved === b.estimated_monthly_hours_saved
      ? 0
      : a.estimated_monthly_hours_saved > b.estimated_monthly_hours_saved
        ? -1
        : 1,
  );
}

/** main()'s filter: keep proposals whose monthly hours reach the threshold. */
export function applyThreshold(proposals: readonly ImprovementProposal[], threshold: number): ImprovementProposal[] {
  return proposals.filter((p) => p.estimated_monthly_hours_saved >= threshold);
}
