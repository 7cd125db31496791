import { exactScaledRound, fastScaledRound, POW10 } from './_exact-decimal.js';

/** Python's bounds (floatobject.c): beyond them x rounds to itself / to +-0.0. */
const NDIGITS_MAX = 323;
const NDIGITS_MIN = -308;

/**
 * Python 3 `round(x, ndigits)` for a float: the decimal nearest to the exact
 * binary value, ties to even, read back as the nearest double, sign kept
 * (round(-0.04, 1) is -0.0). round(0.35, 1) = 0.3 because 0.35 is really
 * 0.34999...; round(0.25, 1) = 0.2 (an exact tie). inf and nan pass through.
 * Throws RangeError where Python raises OverflowError
 * ("rounded value too large to represent").
 */
export function pyRound(x: number, ndigits: number): number {
  if (!Number.isSafeInteger(ndigits)) throw new TypeError(`pyRound: ndigits must be an integer, got ${ndigits}`);
  if (!Number.isFinite(x)) return x;
  if (ndigits > NDIGITS_MAX) return x;
  if (ndigits < NDIGITS_MIN) return 0 * x;
  const neg = x < 0 || Object.is(x, -0);
  const ax = Math.abs(x);
  const k = fastScaledRound(ax, ndigits);
  if (k >= 0) {
    // k and 10^d are exact doubles, so the division is the correctly rounded
    // k / 10^d: the same double strtod gives for the string "k e-d".
    const r = k / POW10[ndigits]!;
    return neg ? -r : r;
  }
  // an integer-valued double: its decimal expansion is exact at any ndigits >= 0
  if (ndigits >= 0 && ax >= 2 ** 52) return x;
  const big = exactScaledRound(ax, ndigits);
  // V8's string-to-double conversion is correctly rounded, like _Py_dg_strtod.
  const r = Number(`${big}e${-ndigits}`);
  if (r === Infinity) throw new RangeError('rounded value too large to represent');
  return neg ? -r : r;
}
