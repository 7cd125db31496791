/**
 * Python's `float(str)` as argparse applies it to `--threshold` and `--hourly-rate`:
 * surrounding whitespace, a sign, `inf`/`infinity`/`nan` in any case, digits with
 * single underscores between them. Returns undefined where Python raises ValueError.
 */
const PY_FLOAT = /^[+-]?(?:(?:\d(?:_?\d)*)?(?:\.(?:\d(?:_?\d)*)?)?(?:[eE][+-]?\d(?:_?\d)*)?|inf(?:inity)?|nan)$/i;

export function parsePyFloat(text: string): number | undefined {
  const s = text.replace(/^[\s\x1c-\x1f\x85]+|[\s\x1c-\x1f\x85]+$/gu, '');
  if (!PY_FLOAT.test(s) || !/\d|inf|nan/i.test(s) || (/^[+-]?\./.test(s) === false && /^[+-]?[eE]/.test(s))) return undefined;
  // a mantissa needs a digit on one side of the point
  if (/^[+-]?\.(?:[eE]|$)/.test(s)) return undefined;
  const clean = s.replace(/_/g, '').toLowerCase();
  const sign = clean.startsWith('-') ? -1 : 1;
  const body = clean.replace(/^[+-]/, '');
  if (body === 'inf' || body === 'infinity') return sign * Infinity;
  if (body === 'nan') return NaN;
  const n = Number(clean);
  return Number.isNaN(n) ? undefined : n;
}
