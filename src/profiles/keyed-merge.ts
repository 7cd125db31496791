/**
 * The two merges of a keyed detector state (a Map from key to entry), written once for
 * every seed detector that keeps one; the detector gives only what to do with a key
 * present on both sides.
 */

/**
 * A new Map of both; an entry on one side only is shared, not copied (a key seen in one
 * shard costs nothing to merge). `both` returns a new entry and changes neither input.
 */
export function mergeKeyed<E>(a: Map<string, E>, b: Map<string, E>, both: (o: E, e: E) => E): Map<string, E> {
  const out = new Map(a);
  for (const [key, e] of b) {
    const o = out.get(key);
    out.set(key, o === undefined ? e : both(o, e));
  }
  return out;
}

/**
 * The smaller state into the larger, in place, and the larger returned: folding the shards
 * of a file with 1M keys through `mergeKeyed` built a new Map of every key so far per shard.
 * `bothInto(o, e)` folds `e` into the larger side's `o` and returns it; it must not depend
 * on which side was larger (the entries' own order, their first ordinals, decides).
 */
export function mergeKeyedInto<E>(into: Map<string, E>, from: Map<string, E>, bothInto: (o: E, e: E) => E): Map<string, E> {
  const [big, small] = into.size >= from.size ? [into, from] : [from, into];
  for (const [key, e] of small) {
    const o = big.get(key);
    big.set(key, o === undefined ? e : bothInto(o, e));
  }
  return big;
}
