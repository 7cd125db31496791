/**
 * A small DDSketch (Masson, Rim, Lee, VLDB 2019): values fall into logarithmic
 * bins of relative width 2·ALPHA, each bin keeps an integer count, and a quantile
 * is read back within ALPHA relative error. Merge adds counts, so it is exact,
 * associative and commutative, and a quantile is the same bits whatever the split.
 *
 * Why not @datadog/sketches-js (2.1.1, checked): its sketch is a class instance
 * (no structured clone across workers, state files need its protobuf encoding), and
 * it keeps float `sum`/`min`/`max` next to the bins, whose merge order changes the
 * last bits. Our state must be a plain Map of integers; the mapping itself is 10 lines.
 * Bins are bounded: ALPHA 1% covers 1 ms to 10 days in ~700 bins; values are
 * microseconds, and values under 1 ms share the zero bin.
 */
export const ALPHA = 0.01;
const GAMMA = (1 + ALPHA) / (1 - ALPHA);
const LOG_GAMMA = Math.log(GAMMA);
/** values (µs) below this count in the zero bin */
const MIN_US = 1000;

export interface Sketch {
  /** values below 1 ms */
  zero: number;
  /** bin index -> count (as string keys would be; numbers keep Map order-free) */
  bins: Map<number, number>;
  count: number;
}

export function emptySketch(): Sketch {
  return { zero: 0, bins: new Map(), count: 0 };
}

/** Add a value in microseconds (mutates). */
export function sketchAdd(s: Sketch, us: number): void {
  s.count++;
  if (!(us >= MIN_US)) {
    s.zero++;
    return;
  }
  const i = Math.ceil(Math.log(us) / LOG_GAMMA);
  s.bins.set(i, (s.bins.get(i) ?? 0) + 1);
}

export function sketchMerge(a: Sketch, b: Sketch): Sketch {
  const bins = new Map(a.bins);
  for (const [i, c] of b.bins) bins.set(i, (bins.get(i) ?? 0) + c);
  return { zero: a.zero + b.zero, bins, count: a.count + b.count };
}

/** `b` added into `a` (mutates and returns `a`); equal to `sketchMerge(a, b)`. */
export function sketchMergeInto(a: Sketch, b: Sketch): Sketch {
  a.zero += b.zero;
  a.count += b.count;
  for (const [i, c] of b.bins) a.bins.set(i, (a.bins.get(i) ?? 0) + c);
  return a;
}

export function sketchCopy(s: Sketch): Sketch {
  return { zero: s.zero, bins: new Map(s.bins), count: s.count };
}

/** The q-quantile in microseconds (lower quantile, as DDSketch), or undefined when empty. */
export function sketchQuantile(s: Sketch, q: number): number | undefined {
  if (s.count === 0) return undefined;
  const rank = Math.floor(q * (s.count - 1));
  if (rank < s.zero) return 0;
  let seen = s.zero;
  const keys = [...s.bins.keys()].sort((x, y) => x - y);
  for (const i of keys) {
    seen += s.bins.get(i)!;
    if (seen > rank) return (2 * GAMMA ** i) / (GAMMA + 1);
  }
  return undefined; // unreachable: counts add up to `count`
}

import { count, fail, int, obj } from './_validate.js';

export function validateSketch(v: unknown, path: string): Sketch {
  const o = obj(v, path);
  const binsIn = o['bins'];
  if (!(binsIn instanceof Map)) fail(`${path}.bins`, binsIn, 'a map');
  const bins = new Map<number, number>();
  let total = count(o['zero'], `${path}.zero`);
  for (const [k, c] of binsIn) {
    const n = count(c, `${path}.bins[${String(k)}]`);
    bins.set(int(k, `${path}.bins key`), n);
    total += n;
  }
  const n = count(o['count'], `${path}.count`);
  if (n !== total) fail(`${path}.count`, n, `the sum of its bins (${total})`);
  return { zero: count(o['zero'], `${path}.zero`), bins, count: n };
}
