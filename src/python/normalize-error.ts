import { asciiErrorKey } from './_ascii-error-key.js';
import { cpSlice } from './code-points.js';
import { pyLower } from './lower.js';
import { pyStrip } from './strip.js';
import { isPyDecimal, isPySpace, isPyWord } from './_unicode.js';

/*
 * The reference's _normalize_error:
 *
 *   msg = message.lower().strip()
 *   msg = re.sub(r'/\S+', '/PATH', msg)
 *   msg = re.sub(r'\b[0-9a-f]{8,}\b', 'HASH', msg)
 *   msg = re.sub(r'\d{4}-\d{2}-\d{2}[tT]\d{2}:\d{2}', 'TIME', msg)
 *   return msg[:150]
 *
 * Python's re is Unicode-aware: \S is "not str.isspace()", \b looks at str.isalnum()
 * or '_', \d is any Unicode decimal digit, all by code point; here they are Python's own
 * tables (_unicode.ts), with the ASCII answers first. test/python holds the regexes as
 * the reference states them (built from the same tables) and checks this against them.
 *
 * The three substitutions are one left-to-right scan, not three passes over the text
 * (each of which built a new string that the next one walked again), because no step
 * can see into what an earlier one wrote:
 *  - a path is '/' and every non-space after it: it ends at a space or the end, and
 *    '/' is not a word character, so the word runs outside paths, and their edges,
 *    are the same before and after '/PATH' is written;
 *  - hashes are then whole word runs of 8+ hex digits, found outside paths;
 *  - a time is made of digits, '-', ':' and [tT] only, and neither '/PATH' nor 'HASH'
 *    can hold a piece of one (their 'T' follows an 'A'), so times are the matches in
 *    the stretches of text between the paths and hashes, each scanned on its own.
 * The scan writes only where something is replaced, and every message takes it: on the
 * dense archive 9% of the messages are not ASCII, and the regexes they took cost as much
 * as the other 91%. Measured on the dense archive's messages as the decoder makes them
 * (57,000), paired in one process on a loaded 2-core VM: 0.74x the CPU time of three ASCII
 * passes plus the regexes (median of 20 pairs). Tried and not kept: the ASCII messages as
 * bytes (Buffer.write, then toString of the key) were slower, each of those calls costing
 * as much as the whole scan; `indexOf` with a start index was slower than a charCodeAt loop.
 */

const MAX_LEN = 150;
const SLASH = 0x2f;

/**
 * The reference's `_normalize_error(message)`: '' for ''. A message that is ASCII outside
 * its paths is read as bytes, and a key made before is given back, not built again
 * (_ascii-error-key.ts: ~0.6 s of the dense archive's run); the others take the scan below.
 */
export function normalizeError(message: string): string {
  if (message === '') return '';
  return asciiErrorKey(message) ?? scanError(message);
}

/** `normalizeError` by the string scan alone, for every message (tests check both ways against each other). */
export function scanError(message: string): string {
  return cpSlice(substitute(pyStrip(pyLower(message))), MAX_LEN);
}

/** What an ASCII character is to the regexes, by code (a table: ~1/4 less time than the comparisons). */
const WORD = 1;
const HEX = 2;
const SPACE = 4;
const ASCII_CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++)
  ASCII_CLASS[c] = (isPyWord(c) ? WORD : 0) | (/[0-9a-f]/.test(String.fromCharCode(c)) ? HEX : 0) | (isPySpace(c) ? SPACE : 0);

const isSpace = (c: number): boolean => (c < 0x80 ? (ASCII_CLASS[c]! & SPACE) !== 0 : isPySpace(c));

/** The three `re.sub` of `m`, in the reference's order (see above). */
function substitute(m: string): string {
  const n = m.length;
  let out = '';
  let gap = 0; // m[gap, i) is text no substitution has touched yet (times aside)
  let i = 0;
  while (i < n) {
    const c = m.charCodeAt(i);
    if (c === SLASH) {
      // '/\S+': at least one non-space after the '/'
      if (i + 1 < n && !isSpace(m.charCodeAt(i + 1))) {
        let j = i + 2;
        while (j < n && !isSpace(m.charCodeAt(j))) j++;
        out += `${replaceTimes(m, gap, i)}/PATH`;
        gap = i = j;
      } else i++;
      continue;
    }
    if ((c < 0x80 ? ASCII_CLASS[c]! & WORD : wordWidth(m, i, c)) === 0) {
      i++; // a non-word character (the low half of a non-word pair is one too)
      continue;
    }
    // i starts a run of word characters: a hash if it is 8+ hex digits, all of it
    let j = i;
    let hex = HEX;
    for (; j < n; j++) {
      const d = m.charCodeAt(j);
      if (d < 0x80) {
        const k = ASCII_CLASS[d]!;
        if ((k & WORD) === 0) break;
        hex &= k;
        continue;
      }
      const w = wordWidth(m, j, d);
      if (w === 0) break;
      hex = 0;
      j += w - 1;
    }
    if (hex !== 0 && j - i >= 8) {
      out += `${replaceTimes(m, gap, i)}HASH`;
      gap = j;
    }
    i = j;
  }
  return gap === 0 ? replaceTimes(m, 0, n) : out + replaceTimes(m, gap, n);
}

/** The code units of the non-ASCII word character (re's `\w`) at m[i] (code unit c), or 0 if it is none. */
function wordWidth(m: string, i: number, c: number): number {
  if (c >= 0xd800 && c <= 0xdbff && i + 1 < m.length) {
    const d = m.charCodeAt(i + 1);
    if (d >= 0xdc00 && d <= 0xdfff) return isPyWord((c - 0xd800) * 0x400 + (d - 0xdc00) + 0x10000) ? 2 : 0;
  }
  return isPyWord(c) ? 1 : 0;
}

/**
 * `re.sub(r'\d{4}-\d{2}-\d{2}[tT]\d{2}:\d{2}', 'TIME', m[from:to])`. A time's first '-' is 4 code
 * points after its start, so a time can start only 4 code points before a '-': those
 * places are tried, in order (trying every place was 0.2 of the 0.4 s this function took
 * on the dense archive's messages, most of which have a ':').
 */
function replaceTimes(m: string, from: number, to: number): string {
  // 16 code points are 16 code units or more, and every match has a ':'
  if (to - from < 16) return m.slice(from, to);
  if (!hasColon(m, from, to)) return m.slice(from, to);
  let out = '';
  let copied = from;
  for (let dash = from + 4; dash + 12 <= to; dash++) {
    if (m.charCodeAt(dash) !== 0x2d) continue;
    const p = codePointsBefore(m, dash, 4, copied);
    if (p < 0) continue;
    const end = timeEnd(m, p, to);
    if (end < 0) continue;
    out += `${m.slice(copied, p)}TIME`;
    copied = end;
    dash = end - 1;
  }
  return copied === from ? m.slice(from, to) : out + m.slice(copied, to);
}

function hasColon(m: string, from: number, to: number): boolean {
  for (let k = from; k < to; k++) if (m.charCodeAt(k) === 0x3a) return true;
  return false;
}

/** The index `count` code points before m[at], or -1 if that is before m[min]. */
function codePointsBefore(m: string, at: number, count: number, min: number): number {
  let p = at;
  for (let k = 0; k < count; k++) {
    if (p <= min) return -1;
    p -= p - 2 >= min && isLowSurrogate(m.charCodeAt(p - 1)) && isHighSurrogate(m.charCodeAt(p - 2)) ? 2 : 1;
  }
  return p;
}

const isHighSurrogate = (c: number): boolean => c >= 0xd800 && c <= 0xdbff;
const isLowSurrogate = (c: number): boolean => c >= 0xdc00 && c <= 0xdfff;

/** The time's parts: D a decimal digit, else the character itself ([tT] is T). */
const D = -1;
const T = -2;
const TIME = [D, D, D, D, 0x2d, D, D, 0x2d, D, D, T, D, D, 0x3a, D, D];

/** The end of a time that starts at m[p] and ends by m[to], or -1. */
function timeEnd(m: string, p: number, to: number): number {
  for (const want of TIME) {
    if (p >= to) return -1;
    const c = m.charCodeAt(p);
    if (want >= 0) {
      if (c !== want) return -1;
      p++;
    } else if (want === T) {
      if (c !== 0x74 && c !== 0x54) return -1;
      p++;
    } else if (c >= 0x30 && c <= 0x39) p++;
    else {
      if (c < 0x80) return -1;
      const cp = m.codePointAt(p)!;
      if (!isPyDecimal(cp)) return -1;
      p += cp > 0xffff ? 2 : 1;
    }
  }
  return p; // never past `to`: it is at a code point boundary (a gap's end)
}
