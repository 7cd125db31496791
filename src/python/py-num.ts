/**
 * A JSON number whose Python spelling JavaScript loses: `json.load` makes an int of
 * `100` and a float of `100.0` / `1e2` / `-0.0`, and keeps integers beyond 2^53
 * exact; `JSON.parse` makes them all one double. Only numbers used as names (a
 * tool, a session id, a repo) are printed or compared, so only those are kept as
 * PyNum; numbers used as values (latencies, durations) stay plain numbers.
 */
export class PyNum {
  constructor(
    /** the double JavaScript reads */
    readonly value: number,
    /** the JSON spelling */
    readonly lexeme: string,
    /** Python float (a point or an exponent) rather than int */
    readonly isFloat: boolean,
  ) {}
}

/** The number of a JSON number token: a plain number when JavaScript prints and compares it as Python does. */
export function pyNumber(lexeme: string): number | PyNum {
  const value = Number(lexeme);
  const isFloat = /[.eE]/.test(lexeme);
  if (isFloat) return Number.isInteger(value) || Object.is(value, -0) ? new PyNum(value, lexeme, true) : value;
  return Number.isSafeInteger(value) && !Object.is(value, -0) ? value : new PyNum(value, lexeme, false);
}

/** Python's str() of the number. */
export function pyNumStr(n: PyNum, floatRepr: (x: number) => string): string {
  return n.isFloat ? floatRepr(n.value) : BigInt(n.lexeme).toString();
}

/**
 * The exact value as a key string: Python compares int and float by exact value
 * (1 == 1.0, 2**64 != float(2**64) + 1), so integral values are written as exact
 * integers and other floats by their shortest repr.
 */
export function numberKey(v: number | PyNum): string {
  if (v instanceof PyNum) {
    if (!v.isFloat) return BigInt(v.lexeme).toString();
    v = v.value;
  }
  return Number.isInteger(v) ? BigInt(v).toString() : String(v);
}
