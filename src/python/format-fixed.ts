import { exactScaledRound, fastScaledRound } from './_exact-decimal.js';

/**
 * Python `f"{x:.{digits}f}"` / `format(x, '.Nf')`: exact binary value rounded
 * half to even, the sign of negative zero and of small negatives kept
 * ('-0.0'), 'inf' / '-inf' / 'nan', and every integer digit of huge values
 * (format(1e22, '.1f') = '10000000000000000000000.0').
 */
export function formatFixed(x: number, digits: number): string {
  if (!Number.isSafeInteger(digits) || digits < 0) {
    throw new TypeError(`formatFixed: digits must be a non-negative integer, got ${digits}`);
  }
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  const neg = x < 0 || Object.is(x, -0);
  const ax = Math.abs(x);
  const k = fastScaledRound(ax, digits);
  let s = k >= 0 ? String(k) : exactScaledRound(ax, digits).toString();
  if (digits > 0) {
    if (s.length <= digits) s = '0'.repeat(digits + 1 - s.length) + s;
    s = `${s.slice(0, s.length - digits)}.${s.slice(s.length - digits)}`;
  }
  return neg ? `-${s}` : s;
}
