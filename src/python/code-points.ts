/**
 * Python strings are sequences of code points; JavaScript strings are UTF-16.
 * A surrogate pair is one code point (what Python's json.load makes of it) and a
 * lone surrogate is one code point too.
 */

function isHigh(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

function isLow(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/** Python `len(s)`. */
export function cpLength(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length - 1; i++) {
    if (isHigh(s.charCodeAt(i)) && isLow(s.charCodeAt(i + 1))) {
      n--;
      i++;
    }
  }
  return n;
}

/** Python `s[:end]` (end may be negative, counted from the end, as in Python). */
export function cpSlice(s: string, end: number): string {
  if (!Number.isSafeInteger(end)) throw new TypeError(`cpSlice: end must be an integer, got ${end}`);
  if (end >= s.length) return s; // never more code points than code units
  if (end < 0) {
    const n = cpLength(s);
    end = n + end;
    if (end <= 0) return '';
  }
  let units = 0;
  for (let count = 0; count < end && units < s.length; count++) {
    if (isHigh(s.charCodeAt(units)) && units + 1 < s.length && isLow(s.charCodeAt(units + 1))) units += 2;
    else units += 1;
  }
  return units >= s.length ? s : s.slice(0, units);
}
