/**
 * Python `repr(float)` (also `str(float)`, f-string `{x}`, json.dumps): the
 * shortest round-trip digits (the digits JavaScript prints too) in Python's
 * layout: scientific when the decimal exponent is < -4 or >= 16 ('1e+16',
 * '1.5e-05'), otherwise fixed with at least one fractional digit ('12.0').
 */
export function floatRepr(x: number): string {
  const ax = Math.abs(x);
  if (ax >= 1e-4 && ax < 1e16) {
    // JavaScript uses the same digits and also fixed notation in this range.
    const s = String(x);
    return Number.isInteger(x) ? `${s}.0` : s;
  }
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const sci = ax.toExponential(); // shortest round-trip digits: "d.ddde+x"
  const at = sci.indexOf('e');
  const mantissa = sci.slice(0, at);
  const exp = Number(sci.slice(at + 1));
  const digits = mantissa.length > 1 ? mantissa[0]! + mantissa.slice(2) : mantissa;
  let body: string;
  if (exp < -4 || exp >= 16) {
    const e = String(Math.abs(exp)).padStart(2, '0');
    body = `${mantissa}e${exp < 0 ? '-' : '+'}${e}`;
  } else if (exp < 0) {
    body = `0.${'0'.repeat(-exp - 1)}${digits}`;
  } else if (exp + 1 >= digits.length) {
    body = `${digits}${'0'.repeat(exp + 1 - digits.length)}.0`;
  } else {
    body = `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
  }
  return x < 0 ? `-${body}` : body;
}

/** A float as Python's json.dumps writes it: floatRepr, but 'Infinity', '-Infinity', 'NaN'. */
export function jsonFloat(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  return floatRepr(x);
}
