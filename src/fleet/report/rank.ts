/**
 * How the fleet report ranks its findings for a reader, beside the findings' own order
 * (time lost, then key: issue 10's deterministic order, kept as it is).
 *
 * Why: on a sparse archive (realdata: 23 sessions over 64 weeks) hours per week are small
 * for everything, so absolute thresholds made every finding "low", and an error that
 * recurs in 4 sessions but costs 17 s of measured time ranked 40th of 60. Two rules:
 *
 * 1. Priority is the higher of
 *    - absolute, at fleet scale: ≥ 1 h/week high, ≥ 0.25 h/week medium (`priorityOf`);
 *    - relative to this report: ≥ 10% of all the time the report finds high, ≥ 2.5%
 *      medium (realdata: the `git commit` hook waits and failure loop are high, the
 *      next nine, down to 6 min, medium), for a finding that lost ≥ 5 min in all
 *      (MIN_RAISED_SECONDS);
 *    - for an error cluster, recurrence: seen in ≥ 3 sessions and ≥ 10% of them is at
 *      least medium. Its measured time (failed call to the next call) undercounts what
 *      a recurring error costs, and one line of instructions removes it.
 *    Cost findings keep their own dollar rule (spend is not time lost).
 * 2. "Where to look first": per kind, the first few findings by what that kind is about,
 *    each a position in `findings` (1-based):
 *    - failed_retry: failed attempts (the retries a fix saves), then time;
 *    - error_cluster: sessions affected, then occurrences, then time (a recurring error
 *      across sessions is what an instruction fix removes);
 *    - friction: occurrences (how often a person was needed), then time;
 *    - toil: sessions, then occurrences;
 *    - tool_time: time; cost: dollars.
 *    Error clusters list the first TOP_ERRORS (every error seen in 2+ sessions on
 *    realdata), other kinds the first TOP_PER_KIND.
 */
import type { FindingKind, FleetFinding, Priority } from '../finding.js';
import { priorityOf } from '../finding.js';

/**
 * The least a finding must lose, in all, for its share of the report to raise it: in a small
 * report every finding is a large share (realdata's mini-swe-agent folder, one session: a 43 s
 * `ed` loop was medium as 5% of 13 min). Realdata's whole report raises findings down to 6 min.
 */
export const MIN_RAISED_SECONDS = 300;
export const HIGH_SHARE = 0.1;
export const MEDIUM_SHARE = 0.025;
export const RECURRING_SESSIONS = 3;
export const RECURRING_SHARE = 0.1;
export const TOP_PER_KIND = 5;
export const TOP_ERRORS = 10;

const LEVEL: Record<Priority, number> = { low: 0, medium: 1, high: 2 };
const higher = (a: Priority, b: Priority): Priority => (LEVEL[a] >= LEVEL[b] ? a : b);

/** A finding's priority in a report whose findings lose `totalSeconds` over `sessions` sessions. */
export function reportPriority(f: FleetFinding, totalSeconds: number, sessions: number): Priority {
  if (f.kind === 'cost') return f.proposal.priority;
  let p = priorityOf(f.hours_per_week);
  const share = totalSeconds > 0 && f.seconds_lost >= MIN_RAISED_SECONDS ? f.seconds_lost / totalSeconds : 0;
  p = higher(p, share >= HIGH_SHARE ? 'high' : share >= MEDIUM_SHARE ? 'medium' : 'low');
  if (f.kind === 'error_cluster' && f.session_count >= RECURRING_SESSIONS && f.session_count >= RECURRING_SHARE * sessions) p = higher(p, 'medium');
  return p;
}

export interface TopList {
  kind: FindingKind;
  /** what the list is ranked by, for the reader */
  ranked_by: string;
  /** 1-based positions in the report's `findings` */
  findings: number[];
}

const num = (f: FleetFinding, k: string): number => {
  const v = f.details[k];
  return typeof v === 'number' ? v : 0;
};

type Measure = (f: FleetFinding) => number;

const LISTS: ReadonlyArray<{ kind: FindingKind; ranked_by: string; measures: Measure[]; size: number }> = [
  {
    kind: 'failed_retry',
    ranked_by: 'failed attempts, then time lost',
    measures: [(f) => num(f, 'attempts'), (f) => f.seconds_lost],
    size: TOP_PER_KIND,
  },
  {
    kind: 'error_cluster',
    ranked_by: 'sessions affected, then occurrences, then time lost',
    measures: [(f) => f.session_count, (f) => f.occurrences, (f) => f.seconds_lost],
    size: TOP_ERRORS,
  },
  { kind: 'tool_time', ranked_by: 'time lost', measures: [(f) => f.seconds_lost], size: TOP_PER_KIND },
  { kind: 'friction', ranked_by: 'occurrences, then time lost', measures: [(f) => f.occurrences, (f) => f.seconds_lost], size: TOP_PER_KIND },
  { kind: 'toil', ranked_by: 'sessions, then occurrences', measures: [(f) => f.session_count, (f) => f.occurrences], size: TOP_PER_KIND },
  { kind: 'cost', ranked_by: 'dollars', measures: [(f) => f.cost_usd ?? 0], size: TOP_PER_KIND },
];

/** The "where to look first" lists of `findings` (already in the report's order, which breaks ties). */
export function whereToLookFirst(findings: readonly FleetFinding[]): TopList[] {
  const out: TopList[] = [];
  for (const list of LISTS) {
    const ranked = findings
      .map((f, i) => ({ f, i }))
      .filter(({ f }) => f.kind === list.kind)
      .sort((a, b) => {
        for (const m of list.measures) {
          const d = m(b.f) - m(a.f);
          if (d !== 0) return d;
        }
        return a.i - b.i;
      });
    if (ranked.length > 0) out.push({ kind: list.kind, ranked_by: list.ranked_by, findings: ranked.slice(0, list.size).map(({ i }) => i + 1) });
  }
  return out;
}
