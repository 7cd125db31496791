/**
 * A seed detector: the generic `Detector` over the reference's `Session`, plus
 * what the reference's report needs from it — its waste patterns, its share of
 * the report's header line and its proposals. The report (`report.ts`) assembles these
 * in registry order (`detectors.ts`), which is the reference's creation order.
 */
import type { WastePattern } from '../../analysis/patterns.js';
import type { ImprovementProposal } from '../../analysis/proposals.js';
import type { Session } from '../../session.js';
import type { Detector } from '../types.js';

/** What a detector adds to "Based on analysis of N waste events across M repos". */
export interface SeedTally {
  events: number;
  /** repos as Python-equality keys */
  repos: Iterable<string>;
}

export interface SeedDetector<S, R, K extends string = string> extends Detector<Session, S, R> {
  /** the `pattern_type` of this detector's waste patterns */
  readonly patternType: K;
  /** this detector's waste patterns, in the reference's creation order */
  patterns(result: R): WastePattern<K>[];
  /** its share of the header line; `patterns` are the ones `patterns(result)` made */
  tally(result: R, patterns: readonly WastePattern<K>[]): SeedTally;
  /** its proposals; `patterns` are its own, in the report's order (hours descending, stable) */
  proposals(result: R, patterns: readonly WastePattern<K>[], overhead: number): ImprovementProposal[];
}

/** The usual tally: every pattern's occurrences and affected repos. */
export function tallyPatterns(patterns: readonly WastePattern[]): SeedTally {
  let events = 0;
  const repos: string[] = [];
  for (const p of patterns) {
    events += p.occurrences;
    repos.push(...p.affected_repos);
  }
  return { events, repos };
}
