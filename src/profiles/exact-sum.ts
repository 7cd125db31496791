/**
 * Exact, order-independent float sums (Shewchuk's partials, as Python's math.fsum).
 * The reference sums latencies left to right; that sum is exact whenever the
 * values are integer milliseconds (below 2^53), and then this gives the same
 * bits for any split of the input. For inexact float sums it gives the correctly
 * rounded exact sum, which is what every shard order can agree on.
 */
export interface ExactSum {
  /** non-overlapping partials, increasing magnitude; plain numbers (structured-cloneable) */
  partials: number[];
  /** sum of non-finite values (Infinity / NaN), 0 when none */
  special: number;
}

export function emptySum(): ExactSum {
  return { partials: [], special: 0 };
}

export function addToSum(s: ExactSum, x: number): void {
  if (!Number.isFinite(x)) {
    s.special += x;
    return;
  }
  const p = s.partials;
  let i = 0;
  for (let j = 0; j < p.length; j++) {
    let y = p[j]!;
    if (Math.abs(x) < Math.abs(y)) {
      const t = x;
      x = y;
      y = t;
    }
    const hi = x + y;
    const lo = y - (hi - x);
    if (lo !== 0) p[i++] = lo;
    x = hi;
  }
  p.length = i;
  if (!Number.isFinite(x)) {
    // the exact sum overflowed: positive latencies only, so the reference's
    // left-to-right sum overflows to inf as well
    p.length = 0;
    s.special += x;
    return;
  }
  p.push(x);
}

export function mergeSums(a: ExactSum, b: ExactSum): ExactSum {
  const out: ExactSum = { partials: a.partials.slice(), special: a.special + b.special };
  for (const x of b.partials) addToSum(out, x);
  return out;
}

/** The correctly rounded value of the exact sum (math.fsum's final step). */
export function sumValue(s: ExactSum): number {
  if (s.special !== 0 || Number.isNaN(s.special)) return s.special;
  const p = s.partials;
  let n = p.length;
  if (n === 0) return 0;
  let hi = p[--n]!;
  let lo = 0;
  while (n > 0) {
    const x = hi;
    const y = p[--n]!;
    hi = x + y;
    const yr = hi - x;
    lo = y - yr;
    if (lo !== 0) break;
  }
  // half-even correction when the remaining partials push past a tie
  if (n > 0 && ((lo < 0 && p[n - 1]! < 0) || (lo > 0 && p[n - 1]! > 0))) {
    const y = lo * 2;
    const x = hi + y;
    const yr = x - hi;
    if (y === yr) hi = x;
  }
  return hi;
}

/**
 * An exact sum held as a plain number for as long as every addition was exact (integer
 * milliseconds: almost always), else as partials. The partials of such a number are
 * `[s]`, so both forms stand for the same exact value and give the same bits; a number
 * is 0 bytes beside its entry where `{partials: [s], special: 0}` took ~180 (the
 * partials array grows to 17 slots on its first push): 1M distinct tools, bench/many-keys.ts.
 */
export type CompactSum = number | ExactSum;

/** The full form (what state files hold). */
export function fullSum(s: CompactSum): ExactSum {
  return typeof s === 'number' ? { partials: s === 0 ? [] : [s], special: 0 } : s;
}

/** `s` + `x`; a full sum is added to in place. */
export function addToCompactSum(s: CompactSum, x: number): CompactSum {
  if (typeof s === 'number') {
    const hi = s + x;
    // two-sum: the addition was exact when nothing was lost (finite operands and result)
    if (Number.isFinite(hi) && (Math.abs(s) >= Math.abs(x) ? x - (hi - s) : s - (hi - x)) === 0) return hi;
    const full = fullSum(s);
    addToSum(full, x);
    return full;
  }
  addToSum(s, x);
  return s;
}

/** `a` + `b` as a new sum (neither input is changed). */
export function mergeCompactSums(a: CompactSum, b: CompactSum): CompactSum {
  if (typeof b === 'number') return addToCompactSum(typeof a === 'number' ? a : mergeSums(a, emptySum()), b);
  return mergeSums(fullSum(a), b);
}

/** The correctly rounded value of a compact sum. */
export function compactSumValue(s: CompactSum): number {
  return typeof s === 'number' ? s : sumValue(s);
}
