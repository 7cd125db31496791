import type { JsonValue } from '../session.js';
import { floatRepr } from './float-repr.js';
import { PyNum, pyNumStr } from './py-num.js';
import { isPyPrintable } from './_unicode.js';

/**
 * How a JSON number prints in Python. json.load makes an int of a number
 * without fraction or exponent and a float otherwise; JSON.parse keeps no such
 * difference, so integral values below 1e16 print as ints ('3', never '3.0')
 * and the rest as floats ('2.5', '1e+16').
 */
export function pyNumberStr(v: number): string {
  return Number.isInteger(v) && Math.abs(v) < 1e16 ? String(v) : floatRepr(v);
}

// printable ASCII without quotes or backslash: repr() only adds quotes
const PLAIN = /^[\x20-\x21\x23-\x26\x28-\x5b\x5d-\x7e]*$/;

function hex(cp: number, width: number): string {
  return cp.toString(16).padStart(width, '0');
}

/** Python `repr(str)`: quote choice, escapes, unprintable characters as \xNN, \uNNNN, \UNNNNNNNN. */
export function pyReprString(s: string): string {
  if (PLAIN.test(s)) return `'${s}'`;
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === quote || ch === '\\') out += `\\${ch}`;
    else if (ch === '\t') out += '\\t';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (cp < 0x20 || cp === 0x7f) out += `\\x${hex(cp, 2)}`;
    else if (cp < 0x7f || isPyPrintable(cp)) out += ch;
    else if (cp <= 0xff) out += `\\x${hex(cp, 2)}`;
    else if (cp <= 0xffff) out += `\\u${hex(cp, 4)}`;
    else out += `\\U${hex(cp, 8)}`;
  }
  return out + quote;
}

/** Python `repr()` of a value json.load produced (`undefined`: a missing key read as None). */
export function pyRepr(v: JsonValue | PyNum | undefined): string {
  if (v === null || v === undefined) return 'None';
  if (v instanceof PyNum) return pyNumStr(v, floatRepr);
  switch (typeof v) {
    case 'string':
      return pyReprString(v);
    case 'number':
      return pyNumberStr(v);
    case 'boolean':
      return v ? 'True' : 'False';
    default:
      break;
  }
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(', ')}]`;
  const parts: string[] = [];
  for (const k of Object.keys(v)) parts.push(`${pyReprString(k)}: ${pyRepr(v[k])}`);
  return `{${parts.join(', ')}}`;
}

/**
 * Python `str()` of a value json.load produced: a string as is, None, True,
 * False, ints and floats as Python prints them, lists and dicts as their repr.
 */
export function pyStr(v: JsonValue | PyNum | undefined): string {
  return typeof v === 'string' ? v : pyRepr(v);
}
