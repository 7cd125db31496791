import { cpSlice } from './code-points.js';
import { pyLower } from './lower.js';
import { pyStrip } from './strip.js';
import { classBody, decimalRanges, spaceRanges, wordRanges } from './_unicode.js';

/*
 * The reference's _normalize_error:
 *
 *   msg = message.lower().strip()
 *   msg = re.sub(r'/\S+', '/PATH', msg)
 *   msg = re.sub(r'\b[0-9a-f]{8,}\b', 'HASH', msg)
 *   msg = re.sub(r'\d{4}-\d{2}-\d{2}[tT]\d{2}:\d{2}', 'TIME', msg)
 *   return msg[:150]
 *
 * Python's re is Unicode-aware: \S is "not str.isspace()", \b looks at
 * str.isalnum() or '_', \d is any Unicode decimal digit. For an ASCII message
 * those are exactly the ASCII classes below (JavaScript's \b and \d without the
 * u/i flags are ASCII; \s is not Python's, so \S is spelled out). Otherwise the
 * regexes are built from Python's own tables (_unicode-tables.ts), once.
 *
 * An ASCII message (nearly all) is not given to regexes: the three substitutions are
 * written out below as loops over its characters, each doing what the global replace
 * does (leftmost match first, scanning on after it). On the dense archive (300,000
 * errors, 243,000 distinct messages: a cache by message would not help) the regexes
 * took ~0.35 s of a 5.2 s run, `\b[0-9a-f]{8,}\b` alone 0.1-0.2 s.
 */

const ASCII = /^[\x00-\x7f]*$/;

interface UnicodeRegexes {
  path: RegExp;
  hash: RegExp;
  time: RegExp;
}

let unicodeRegexes: UnicodeRegexes | undefined;

function buildUnicodeRegexes(): UnicodeRegexes {
  const S = classBody(spaceRanges());
  const W = classBody(wordRanges());
  const D = `[${classBody(decimalRanges())}]`;
  return {
    path: new RegExp(`/[^${S}]+`, 'gu'),
    hash: new RegExp(`(?<![${W}])[0-9a-f]{8,}(?![${W}])`, 'gu'),
    time: new RegExp(`${D}{4}-${D}{2}-${D}{2}[tT]${D}{2}:${D}{2}`, 'gu'),
  };
}

const MAX_LEN = 150;

/** The reference's `_normalize_error(message)`: '' for ''. */
export function normalizeError(message: string): string {
  if (message === '') return '';
  if (ASCII.test(message)) {
    const msg = replaceTimes(replaceHashes(replacePaths(pyStrip(message.toLowerCase()))));
    return msg.length > MAX_LEN ? msg.slice(0, MAX_LEN) : msg;
  }
  const re = (unicodeRegexes ??= buildUnicodeRegexes());
  let msg = pyStrip(pyLower(message));
  msg = msg.replace(re.path, '/PATH').replace(re.hash, 'HASH').replace(re.time, 'TIME');
  return cpSlice(msg, MAX_LEN);
}

// ---- the ASCII substitutions -----------------------------------------------------

/** `\s` of Python's re on ASCII (str.isspace()): \t-\r, \x1c-\x1f and the space. */
const isSpace = (c: number): boolean => (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x20);
/** `\w` on ASCII: the side of a `\b` */
const isWord = (c: number): boolean => (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f;
const isHex = (c: number): boolean => (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66);
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;

/** `re.sub(r'/\S+', '/PATH', m)` on ASCII. */
function replacePaths(m: string): string {
  let i = m.indexOf('/');
  if (i < 0) return m;
  let out = '';
  let from = 0;
  while (i >= 0) {
    let j = i + 1;
    while (j < m.length && !isSpace(m.charCodeAt(j))) j++;
    if (j === i + 1)
      i = m.indexOf('/', j); // a '/' before a space or the end: no match here
    else {
      out += `${m.slice(from, i)}/PATH`;
      from = j;
      i = m.indexOf('/', j);
    }
  }
  return out + m.slice(from);
}

/**
 * `re.sub(r'\b[0-9a-f]{8,}\b', 'HASH', m)` on ASCII. Hex digits are word characters,
 * so a match can start only where a run of word characters starts, and it is the
 * whole run: 8 or more hex digits up to a non-word character or the end.
 */
function replaceHashes(m: string): string {
  const n = m.length;
  let out = '';
  let from = 0;
  let i = 0;
  while (i < n) {
    if (!isWord(m.charCodeAt(i))) {
      i++;
      continue;
    }
    let j = i;
    while (j < n && isHex(m.charCodeAt(j))) j++;
    if (j - i >= 8 && (j === n || !isWord(m.charCodeAt(j)))) {
      out += `${m.slice(from, i)}HASH`;
      from = j;
    } else while (j < n && isWord(m.charCodeAt(j))) j++;
    i = j;
  }
  return from === 0 ? m : out + m.slice(from);
}

/** `re.sub(r'\d{4}-\d{2}-\d{2}[tT]\d{2}:\d{2}', 'TIME', m)` on ASCII: 16 characters at a time. */
function replaceTimes(m: string): string {
  if (m.length < 16 || !m.includes(':')) return m;
  let out = '';
  let from = 0;
  for (let p = 0; p + 16 <= m.length; ) {
    if (isTimeAt(m, p)) {
      out += `${m.slice(from, p)}TIME`;
      p += 16;
      from = p;
    } else p++;
  }
  return from === 0 ? m : out + m.slice(from);
}

/** m[p, p + 16) is dddd-dd-dd[tT]dd:dd */
function isTimeAt(m: string, p: number): boolean {
  if (m.charCodeAt(p + 4) !== 0x2d || m.charCodeAt(p + 7) !== 0x2d || m.charCodeAt(p + 13) !== 0x3a) return false;
  const t = m.charCodeAt(p + 10);
  if (t !== 0x74 && t !== 0x54) return false;
  for (const k of DIGIT_AT) if (!isDigit(m.charCodeAt(p + k))) return false;
  return true;
}
const DIGIT_AT = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15];
