import type { Session } from '../session.js';

/**
 * Position in the global input order, compared lexicographically: e.g.
 * [state file, shard, record, index inside the record]. First-seen order decides
 * the reference's dict order (and so the order of equal-hour patterns), so merges
 * keep the smallest ordinal, never the arrival order.
 */
export type Ordinal = readonly number[];

export function compareOrdinal(a: Ordinal, b: Ordinal): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

/** One detector. State is plain, structured-cloneable data (Maps of primitives and
 * plain objects): it crosses worker threads and is written to state files. */
export interface Accumulator<S, R> {
  /** stable key in state files */
  readonly name: string;
  /** identity element for merge */
  init(): S;
  /** O(size of this session); may mutate and return `state`; keeps nothing per session */
  add(state: S, session: Session, at: Ordinal): S;
  /** associative and commutative (ordinals carry the order); does not mutate its inputs */
  merge(a: S, b: S): S;
  finalize(state: S): R;
  /** a copy with every ordinal replaced by `f(ordinal)`; `f` must keep their order
   * (prefixing them when states of separate runs merge; ranking them in state files) */
  mapOrdinals(state: S, f: (o: Ordinal) => Ordinal): S;
}

/** Keep the smaller of two ordinals. */
export function minOrdinal(a: Ordinal, b: Ordinal): Ordinal {
  return compareOrdinal(a, b) <= 0 ? a : b;
}
