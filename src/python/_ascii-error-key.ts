/**
 * `normalizeError` (normalize-error.ts) of a message that is ASCII outside its paths, made
 * as bytes in one pass, and its key interned: a key made before is given back as the very
 * string it was, not built again (issue 13).
 *
 * Why: on the dense archive (300,664 error messages, 4 templates) the string scan and the
 * strings it built (lower(), strip(), a slice and a concatenation per piece, then the
 * hashing of the new key by the detector's Map) were ~0.85 s of a 6 s run, for 4 keys.
 * Raw messages repeat too little for a memo keyed by the message (242,883 distinct of
 * 300,664 on the dense archive; 94 of 115 in ../shared/realdata), but their keys repeat:
 * that is what the repeated-errors detector counts (4 keys on the dense archive; 74 keys for
 * 115 messages in the real logs). So the key is made as bytes first, and a string only when the key is
 * not in the table of recent keys. A key given back by the table is one the detector's
 * Map has seen, with its hash kept in the string, so the Map lookup hashes nothing either.
 * Measured (2026-12-01, loaded 2-core VM): 100,000 of the dense archive's messages keyed
 * and counted in a Map, 15 interleaved rounds in one process, 0.58x the time of the string
 * scan (median); in the CPU profile of a whole run the key's share went from ~0.85 s
 * (the scan, lower(), the regex test, the Map's hashing) to ~0.6 s; hashing the key as it
 * is copied, and searching a gap for times only when it has a ':' and a '-' where a time
 * needs them, then took 0.87x of that (same measure, the two builds). Tried and not kept:
 * lower() into bytes as a pass of its own (3 passes in all) was no faster than the string
 * scan; reading a kept key's characters to compare (a key may be a rope) was slower than
 * keeping its bytes.
 *
 * Exactness (test/python/strings.test.ts checks this path against the reference's
 * regexes, test/python/ascii-error-key.test.ts against the string scan): for ASCII text Python's lower() maps A-Z only,
 * its strip() and `\S` are the ASCII whitespace of `str.isspace()`, `\b` and `[0-9a-f]` are
 * ASCII classes, and `\d` is 0-9. A non-ASCII character inside a path ('/' and the
 * non-spaces after it) is replaced with the path whatever lower() makes of it: lower()
 * maps no character to or from whitespace, so it changes where no path ends. Anything
 * else that is not ASCII (outside a path, or a non-ASCII space anywhere) is left to the
 * string scan (`undefined`), as are messages longer than MAX_SCAN code units.
 *
 * Memory: the table holds at most 2048 keys, whatever the input (a slot is overwritten by
 * the next key that hashes to it); a key may be a slice of its message, which it keeps
 * alive: at most MAX_SCAN code units each, ~4 MB at the very worst, ~0.5 MB for messages
 * of ~100 characters (and 0.3 MB of their bytes).
 */

import { isPySpace } from './_unicode.js';

const MAX_KEY = 150;
/** longer messages (rare: a whole traceback) take the string scan: no scratch to grow */
const MAX_SCAN = 1024;
const TABLE_BITS = 11;
/** keys kept (a power of two); tests make it small to cover overwritten slots */
let tableSize = 1 << TABLE_BITS;

const SLASH = 0x2f;
const DASH = 0x2d;
const COLON = 0x3a;

// What an ASCII byte is to the regexes (after lower(): the upper case letters never occur)
const WORD = 1;
const HEX = 2;
const SPACE = 4;
const DIGIT = 8;
const CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const word = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f;
  const hex = (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66);
  const space = (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x20); // str.isspace()
  CLASS[c] = (word ? WORD : 0) | (hex ? HEX : 0) | (space ? SPACE : 0) | (c >= 0x30 && c <= 0x39 ? DIGIT : 0);
}

/** Python's lower() of an ASCII code */
const LOWER = new Uint8Array(128);
for (let c = 0; c < 128; c++) LOWER[c] = c >= 0x41 && c <= 0x5a ? c + 32 : c;

const PATH = [0x2f, 0x50, 0x41, 0x54, 0x48]; // '/PATH'
const HASH = [0x48, 0x41, 0x53, 0x48];
const TIME = [0x54, 0x49, 0x4d, 0x45];
/** a time's bytes: 0 a digit, else the byte itself */
const TIME_SHAPE = [0, 0, 0, 0, DASH, 0, 0, DASH, 0, 0, 0x74, 0, 0, COLON, 0, 0];

/** the message lowered, one byte a code unit (OTHER for a non-ASCII one) */
let low = new Uint8Array(256);
/** the key being made: out[0, o) */
const out = new Uint8Array(MAX_KEY);
let o = 0;
/** the key's hash so far (FNV-1a of out[0, o)) */
let h = 0;
const FNV_BASIS = 0x811c9dc5 | 0;
/** the last ':' and '-' read by the scan (a time has both: no gap without them is searched) */
let colon = -1;
let dash = -1;
/**
 * The key's pieces, to make its string from the message when it is new: [from, to) of
 * the message lowered, or a literal (-1 '/PATH', -2 'HASH', -3 'TIME', to unused).
 * At most 2 a key byte (a piece adds at least one byte), plus the last.
 */
const pieces = new Int32Array(2 * (2 * MAX_KEY + 2));
let nPieces = 0;

let keys: (string | undefined)[] = new Array<string | undefined>(tableSize);
let hashes = new Int32Array(tableSize);
/** each kept key's bytes, MAX_KEY a slot: compared as bytes (a key string may be a rope, slow to read) */
let keyBytes = new Uint8Array(tableSize * MAX_KEY);

/** The key of `message` as `normalizeError` makes it, or undefined: the string scan must make it. */
export function asciiErrorKey(message: string): string | undefined {
  const n = message.length;
  if (n > MAX_SCAN) return undefined;
  if (n > low.length) low = new Uint8Array(Math.max(n, 2 * low.length));
  const lowered = low;
  // strip()'s bounds
  let a = 0;
  while (a < n && isSpace(message.charCodeAt(a))) a++;
  if (a === n) return '';
  let b = n;
  while (isSpace(message.charCodeAt(b - 1))) b--;
  // One pass: lower() into `lowered` (a character at a time, as it is reached), and the
  // three substitutions as normalize-error.ts's `substitute` makes them. A path is skipped
  // unread but for its end; the text between paths and hashes is copied out of `lowered`.
  o = 0;
  h = FNV_BASIS;
  nPieces = 0;
  colon = -1;
  dash = -1;
  let gap = a;
  let i = a;
  while (i < b && o < MAX_KEY) {
    const c = message.charCodeAt(i);
    if (c >= 0x80) return undefined;
    const l = LOWER[c]!;
    lowered[i] = l;
    if (l === SLASH) {
      // '/\S+': at least one non-space after the '/'
      if (i + 1 < b && !isSpace(message.charCodeAt(i + 1))) {
        let j = i + 2;
        for (; j < b; j++) {
          const d = message.charCodeAt(j);
          if (d < 0x80 ? (CLASS[d]! & SPACE) !== 0 : isPySpace(d)) break;
        }
        times(gap, i);
        literal(-1, PATH);
        gap = i = j;
      } else i++;
      continue;
    }
    if ((CLASS[l]! & WORD) === 0) {
      if (l === COLON) colon = i;
      else if (l === DASH) dash = i;
      i++;
      continue;
    }
    // a run of word characters: a hash if it is 8+ hex digits, all of it
    let j = i + 1;
    let hex = CLASS[l]! & HEX;
    for (; j < b; j++) {
      const d = message.charCodeAt(j);
      if (d >= 0x80) return undefined;
      const ld = LOWER[d]!;
      const k = CLASS[ld]!;
      if ((k & WORD) === 0) break;
      lowered[j] = ld;
      hex &= k;
    }
    if (hex !== 0 && j - i >= 8) {
      times(gap, i);
      literal(-2, HASH);
      gap = j;
    }
    i = j;
  }
  if (o < MAX_KEY) times(gap, b);
  return intern(message);
}

/** Python's isspace() of a code unit (every non-ASCII space is in the BMP). */
function isSpace(c: number): boolean {
  return c < 0x80 ? (CLASS[c]! & SPACE) !== 0 : isPySpace(c);
}

/** low[from, to) copied to the key, its times replaced: `replaceTimes` of normalize-error.ts. */
function times(from: number, to: number): void {
  if (to - from >= 16 && colon >= from && dash >= from + 4) {
    let copied = from;
    for (let d = from + 4; d + 12 <= to && o < MAX_KEY; d++) {
      if (low[d] !== DASH) continue;
      const p = d - 4;
      if (p < copied || !isTime(p)) continue;
      copy(copied, p);
      literal(-3, TIME);
      copied = p + 16;
      d = copied - 1;
    }
    from = copied;
  }
  copy(from, to);
}

/** low[p, p + 16) is dddd-dd-ddtdd:dd (lowered: 'T' is 't'); low[p + 4] is known to be '-' */
function isTime(p: number): boolean {
  for (let k = 0; k < 16; k++) {
    const want = TIME_SHAPE[k]!;
    const c = low[p + k]!;
    if (want === 0 ? (CLASS[c]! & DIGIT) === 0 : c !== want) return false;
  }
  return true;
}

function copy(from: number, to: number): void {
  let k = o;
  if (to > from + (MAX_KEY - k)) to = from + (MAX_KEY - k);
  if (to <= from) return;
  const src = low;
  const dst = out;
  let hash = h;
  for (let f = from; f < to; f++) {
    const c = src[f]!;
    dst[k++] = c;
    hash = Math.imul(hash ^ c, 0x01000193);
  }
  h = hash;
  o = k;
  pieces[nPieces++] = from;
  pieces[nPieces++] = to;
}

function literal(id: number, bytes: readonly number[]): void {
  if (o >= MAX_KEY) return;
  for (let k = 0; k < bytes.length && o < MAX_KEY; k++) {
    out[o++] = bytes[k]!;
    h = Math.imul(h ^ bytes[k]!, 0x01000193);
  }
  pieces[nPieces++] = id;
  pieces[nPieces++] = 0;
}

/** out[0, o) as a string: the table's, or made from the message's pieces and kept in the table. */
function intern(message: string): string {
  const n = o;
  const bytes = out;
  const slot = (h ^ (h >>> 15)) & (tableSize - 1);
  const known = keys[slot];
  const at = slot * MAX_KEY;
  if (known !== undefined && hashes[slot] === h && known.length === n && sameBytes(keyBytes, at, bytes, n)) return known;
  const key = makeKey(message);
  keys[slot] = key;
  hashes[slot] = h;
  keyBytes.set(bytes.subarray(0, n), at);
  return key;
}

function sameBytes(kept: Uint8Array, at: number, bytes: Uint8Array, n: number): boolean {
  for (let k = 0; k < n; k++) if (kept[at + k] !== bytes[k]) return false;
  return true;
}

/** The key's string, from the message's pieces (each ASCII, so lowered by toLowerCase alone), cut at MAX_KEY. */
function makeKey(message: string): string {
  let s = '';
  for (let p = 0; p < nPieces; p += 2) {
    const from = pieces[p]!;
    s += from === -1 ? '/PATH' : from === -2 ? 'HASH' : from === -3 ? 'TIME' : message.slice(from, pieces[p + 1]!).toLowerCase();
  }
  return s.length > MAX_KEY ? s.slice(0, MAX_KEY) : s;
}

/** For tests: a table of `2 ** bits` keys, emptied (small tables overwrite slots often). */
export function resetKeyTable(bits = TABLE_BITS): void {
  tableSize = 1 << bits;
  keys = new Array<string | undefined>(tableSize);
  hashes = new Int32Array(tableSize);
  keyBytes = new Uint8Array(tableSize * MAX_KEY);
}
