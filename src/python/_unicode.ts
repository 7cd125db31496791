/**
 * Python 3.11's character properties (Unicode 14), decoded from the generated
 * tables in _unicode-tables.ts. They are used instead of the JavaScript engine's
 * `\p{...}`/`toLowerCase()` because those follow the engine's ICU (Unicode 17
 * on Node 20.20), which would change results for characters Python does not know.
 */
import {
  CASED_RANGES,
  DECIMAL_RANGES,
  IGNORABLE_RANGES,
  LOWER_MULTI,
  LOWER_RUNS,
  PRINTABLE_RANGES,
  SPACE_RANGES,
  WORD_RANGES,
} from './_unicode-tables.js';

/** Sorted, disjoint, inclusive ranges as a flat array [s0, e0, s1, e1, ...]. */
export type RangeList = Uint32Array;

export function decodeRanges(encoded: string): RangeList {
  const toks = encoded.split(' ');
  const out = new Uint32Array(toks.length);
  let prevEnd = 0;
  for (let i = 0; i < toks.length; i += 2) {
    const start = (i === 0 ? 0 : prevEnd) + parseInt(toks[i]!, 36);
    const end = start + parseInt(toks[i + 1]!, 36);
    out[i] = start;
    out[i + 1] = end;
    prevEnd = end;
  }
  return out;
}

/** Binary search: is `cp` inside one of the ranges? */
export function inRanges(ranges: RangeList, cp: number): boolean {
  let lo = 0;
  let hi = ranges.length / 2 - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (cp < ranges[2 * mid]!) hi = mid - 1;
    else if (cp > ranges[2 * mid + 1]!) lo = mid + 1;
    else return true;
  }
  return false;
}

/** A regex character-class body (no brackets) for the `u` flag. */
export function classBody(ranges: RangeList): string {
  let out = '';
  for (let i = 0; i < ranges.length; i += 2) {
    const s = ranges[i]!;
    const e = ranges[i + 1]!;
    out += s === e ? `\\u{${s.toString(16)}}` : `\\u{${s.toString(16)}}-\\u{${e.toString(16)}}`;
  }
  return out;
}

function lazy<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= make());
}

export const spaceRanges = lazy(() => decodeRanges(SPACE_RANGES));
export const wordRanges = lazy(() => decodeRanges(WORD_RANGES));
export const decimalRanges = lazy(() => decodeRanges(DECIMAL_RANGES));
export const printableRanges = lazy(() => decodeRanges(PRINTABLE_RANGES));
export const ignorableRanges = lazy(() => decodeRanges(IGNORABLE_RANGES));
export const casedRanges = lazy(() => decodeRanges(CASED_RANGES));

/** Python `str.isspace()` for one code point (also re's `\s`). */
export function isPySpace(cp: number): boolean {
  if (cp < 0x80) return (cp >= 0x09 && cp <= 0x0d) || (cp >= 0x1c && cp <= 0x20);
  return inRanges(spaceRanges(), cp);
}

/** Python re's `\w` (str.isalnum() or '_'). */
export function isPyWord(cp: number): boolean {
  if (cp < 0x80) return (cp >= 0x30 && cp <= 0x39) || (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a) || cp === 0x5f;
  return inRanges(wordRanges(), cp);
}

/** Python re's `\d` (Unicode decimal digits, Nd). */
export function isPyDecimal(cp: number): boolean {
  if (cp < 0x80) return cp >= 0x30 && cp <= 0x39;
  return inRanges(decimalRanges(), cp);
}

/** Python `str.isprintable()` for one code point. */
export function isPyPrintable(cp: number): boolean {
  if (cp < 0x80) return cp >= 0x20 && cp < 0x7f;
  return inRanges(printableRanges(), cp);
}

/** Case_Ignorable as Python's Final_Sigma rule sees it. */
export function isPyCaseIgnorable(cp: number): boolean {
  return inRanges(ignorableRanges(), cp);
}

/** Cased (and not Case_Ignorable) as Python's Final_Sigma rule sees it. */
export function isPyCased(cp: number): boolean {
  return inRanges(casedRanges(), cp);
}

/** Code point -> its `str.lower()` (one-to-one as a number, else the string). */
export const lowerMap = lazy((): Map<number, number | string> => {
  const m = new Map<number, number | string>();
  const toks = LOWER_RUNS.split(' ');
  let start = 0;
  for (let i = 0; i < toks.length; i += 4) {
    start += parseInt(toks[i]!, 36);
    const count = parseInt(toks[i + 1]!, 36);
    const stride = parseInt(toks[i + 2]!, 36);
    const delta = parseInt(toks[i + 3]!, 36); // parseInt keeps a leading '-'
    for (let k = 0; k < count; k++) {
      const cp = start + k * stride;
      m.set(cp, cp + delta);
    }
  }
  for (const [cp, low] of LOWER_MULTI) m.set(cp, low);
  return m;
});
