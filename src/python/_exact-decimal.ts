/**
 * Decimal rounding of a double on its EXACT binary value, half to even: what
 * CPython's _Py_dg_dtoa (mode 3) does for round(x, n) and format(x, '.nf').
 */

/** 10^0 .. 10^22: every one is an exact double. */
export const POW10: readonly number[] = [
  1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

const TWO_52 = 2 ** 52;
const TWO_M50 = 2 ** -50;

/**
 * round_half_even(ax * 10^d) for a finite ax >= 0 and 0 <= d <= 22, or -1 when
 * the fast path cannot decide.
 *
 * Why it is exact when it answers: 10^d is exact, so y = fl(ax * 10^d) has one
 * rounding error, |y - ax*10^d| <= 2^-53 * y for normal y and <= 2^-1075 below
 * that; both are < (y + 1) * 2^-50 = margin. `y - floor(y)` is computed exactly
 * (y < 2^52). If the computed fraction is more than `margin` away from 0.5, the
 * exact product lies on the same side of the same half-integer, so it rounds to
 * the same integer. Ties and near-ties (within margin) go to the exact path.
 */
export function fastScaledRound(ax: number, d: number): number {
  if (d < 0 || d > 22) return -1;
  const y = ax * POW10[d]!;
  if (!(y < TWO_52)) return -1;
  const f = Math.floor(y);
  const frac = y - f;
  const margin = (y + 1) * TWO_M50;
  if (frac < 0.5 - margin) return f;
  if (frac > 0.5 + margin) return f + 1;
  return -1;
}

const view = new DataView(new ArrayBuffer(8));

/** ax = m * 2^e exactly (finite ax >= 0). */
export function decompose(ax: number): { m: bigint; e: number } {
  view.setFloat64(0, ax);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const expField = (hi >>> 20) & 0x7ff;
  const m = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  if (expField === 0) return { m, e: -1074 };
  return { m: m | (1n << 52n), e: expField - 1075 };
}

/** round_half_even(ax * 10^d) exactly, for finite ax >= 0 and any integer d. */
export function exactScaledRound(ax: number, d: number): bigint {
  const { m, e } = decompose(ax);
  let num = m;
  let den = 1n;
  if (e >= 0) num <<= BigInt(e);
  else den <<= BigInt(-e);
  if (d >= 0) num *= 10n ** BigInt(d);
  else den *= 10n ** BigInt(-d);
  const q = num / den;
  const twice = 2n * (num - q * den);
  if (twice > den || (twice === den && (q & 1n) === 1n)) return q + 1n;
  return q;
}
