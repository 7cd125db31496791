// AssemblyScript: the seed profile's error key (the reference's `_normalize_error`, as
// src/python/normalize-error.ts makes it) of a message read by assembly/seed-record.ts, made
// from its bytes where they lie, and interned in a small table of keys: the JS side
// (src/input/wasm/tool-calls.ts) keeps the string of each slot and makes one only when a slot
// is (re)written, so a message whose key was made before costs no string at all, neither the
// key's nor a scan of the message's. Exported through assembly/tool-calls.ts, the module's
// entry. Not TypeScript (see there).
//
// Why here: on the dense archive (300,664 messages, 4 keys) the JS byte scan of the message
// string (src/python/_ascii-error-key.ts) was ~0.4 s of a ~2.9 s run; the bytes are already
// in this module's memory when the record is read. Measured (2026-12-02, 2-core VM at load 5-8,
// CPU time, 16,444 of its messages keyed 20 times in one process): ~450-600 ns a message with
// the call from JS, against ~1,000-1,400 ns for the JS scan of the string; the whole run makes
// 298,727 of its keys here (the others are in records the kernel leaves to the JS reader).
// Of the ~450 ns, ~170 are the scan itself, ~150 the copy of the text between paths and hashes
// (16 bytes a step here; a byte at a time and an FNV hash chained through every byte was ~100
// more), ~50 the table; hashing 8 bytes a step at the end was cheaper than a byte a step.
//
// It is src/python/_ascii-error-key.ts on UTF-8 bytes, and reads exactly what that reads
// (test/input/wasm/error-key.test.ts checks it against the string scan, `scanError`): text
// that is ASCII outside its paths. Python's lower() maps A-Z only there, strip() and `\S` are
// the ASCII whitespace of str.isspace() (and, inside a path, its non-ASCII spaces, decoded
// here: U+0085, U+00A0, U+1680, U+2000-U+200A, U+2028, U+2029, U+202F, U+205F, U+3000),
// `\b` and `[0-9a-f]` are ASCII classes and `\d` is 0-9. Anything else (a byte >= 0x80 outside
// a path or at either end of the stripped text) answers FALLBACK: the JS key function decides.
// A path's non-ASCII characters are replaced with it whatever lower() makes of them, since
// lower() maps no character to or from whitespace.

/** Longest key (the reference's `msg[:150]`; a key is ASCII: bytes are code points). */
const MAX_KEY: i32 = 150;
/** Keys kept (a power of two). A slot: i32 length + 1 (0: free), u32 hash, the key's bytes, zeros. */
export const KEY_SLOTS: i32 = 256;
export const KEY_SLOT: usize = 160;
/** Scratch where a key is made: MAX_KEY and a 16-byte step past it. */
export const KEY_OUT_BYTES: usize = 176;
/** errorKey's answers besides a slot number */
export const FALLBACK: i32 = -1;
export const EMPTY_KEY: i32 = -2;
/** added to the slot number when the slot was written by this call: its string must be made */
export const NEW_KEY: i32 = 1 << 16;

const SLASH: u32 = 0x2f;
const DASH: u32 = 0x2d;
const COLON: u32 = 0x3a;

// the key being made, at `out` (KEY_OUT_BYTES of scratch): out[0, o)
let out: usize = 0;
let o: i32 = 0;
/** the last '-' the scan passed (a time has one 4 bytes in: no text without one is searched) */
let dash: usize = 0;

/** str.isspace() of an ASCII byte */
@inline
function isSpace(c: u32): bool {
  return c - 0x09 < 5 || c - 0x1c < 5;
}

/** lower() of an ASCII byte */
@inline
function lower(c: u32): u32 {
  return c - 0x41 < 26 ? c | 0x20 : c;
}

/** re's \w of a lowered ASCII byte */
@inline
function isWord(l: u32): bool {
  return l - 0x30 < 10 || l - 0x61 < 26 || l == 0x5f;
}

@inline
function isHexDigit(l: u32): bool {
  return l - 0x30 < 10 || l - 0x61 < 6;
}

/** The code point of the UTF-8 sequence at p (valid: the decoder checked it) is a Python space. */
function isSpaceAt(p: usize): bool {
  const c = <u32>load<u8>(p);
  if (c < 0x80) return isSpace(c);
  if (c == 0xc2) {
    const d = <u32>load<u8>(p, 1);
    return d == 0x85 || d == 0xa0;
  }
  if (c == 0xe1) return load<u8>(p, 1) == 0x9a && load<u8>(p, 2) == 0x80; // U+1680
  if (c == 0xe2) {
    const d = <u32>load<u8>(p, 1);
    const e = <u32>load<u8>(p, 2);
    if (d == 0x80) return e - 0x80 <= 0x0a || e == 0xa8 || e == 0xa9 || e == 0xaf; // U+2000-200A, 2028, 2029, 202F
    return d == 0x81 && e == 0x9f; // U+205F
  }
  return c == 0xe3 && load<u8>(p, 1) == 0x80 && load<u8>(p, 2) == 0x80; // U+3000
}

/** Bytes of the UTF-8 sequence whose lead byte is c. */
@inline
function seqLen(c: u32): usize {
  return c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
}

/**
 * [from, to) lowered onto the key, cut at MAX_KEY: 16 bytes a step (it may write up to 15 bytes
 * past the key's end, inside the scratch, and read past `to`, inside the memory: both unused).
 */
function copy(from: usize, to: usize): void {
  let len = <i32>(to - from);
  if (len > MAX_KEY - o) len = MAX_KEY - o;
  if (len <= 0) return;
  const dst = out + <usize>o;
  for (let k: i32 = 0; k < len; k += 16) {
    const v = v128.load(from + <usize>k);
    const upper = v128.and(i8x16.ge_u(v, i8x16.splat(0x41)), i8x16.le_u(v, i8x16.splat(0x5a)));
    v128.store(dst + <usize>k, v128.or(v, v128.and(upper, i8x16.splat(0x20))));
  }
  o += len;
}

/** A literal of 4 or 5 bytes (little-endian in `bytes`) onto the key, cut at MAX_KEY. */
function literal(bytes: u64, len: i32): void {
  if (len > MAX_KEY - o) len = MAX_KEY - o;
  for (let k = 0; k < len; k++) store<u8>(out + <usize>(o + k), <u8>(bytes >> (<u64>k << 3)));
  o += len;
}
const PATH: u64 = 0x485441502f; // '/PATH'
const HASH: u64 = 0x48534148; // 'HASH'
const TIME: u64 = 0x454d4954; // 'TIME'

@inline
function isDigit(p: usize): bool {
  return <u32>load<u8>(p) - 0x30 < 10;
}

/** [p, p + 16) is dddd-dd-dd[tT]dd:dd (p + 4 is known to be '-'). */
function isTime(p: usize): bool {
  return (
    isDigit(p) &&
    isDigit(p + 1) &&
    isDigit(p + 2) &&
    isDigit(p + 3) &&
    isDigit(p + 5) &&
    isDigit(p + 6) &&
    <u32>load<u8>(p + 7) == DASH &&
    isDigit(p + 8) &&
    isDigit(p + 9) &&
    (<u32>load<u8>(p + 10) | 0x20) == 0x74 &&
    isDigit(p + 11) &&
    isDigit(p + 12) &&
    <u32>load<u8>(p + 13) == COLON &&
    isDigit(p + 14) &&
    isDigit(p + 15)
  );
}

/** The text [from, to) (ASCII, between paths and hashes) onto the key, its times replaced, left to right. */
function times(from: usize, to: usize): void {
  if (to - from < 16 || dash < from + 4) return copy(from, to);
  let copied = from;
  let p = from;
  while (p + 16 <= to && o < MAX_KEY) {
    if (<u32>load<u8>(p + 4) == DASH && isTime(p)) {
      copy(copied, p);
      literal(TIME, 4);
      p += 16;
      copied = p;
    } else p++;
  }
  copy(copied, to);
}

/**
 * The key of the message [s, e) (UTF-8 without escapes), made in `scratch` (KEY_OUT_BYTES) and
 * interned in the KEY_SLOTS slots at `keys`: its slot (+ NEW_KEY when written now: the JS side
 * makes its string from the slot), EMPTY_KEY for '', or FALLBACK.
 */
export function errorKey(scratch: usize, keys: usize, s: usize, e: usize): i32 {
  // strip()
  let a = s;
  while (a < e && isSpace(<u32>load<u8>(a))) a++;
  if (a == e) return EMPTY_KEY;
  let b = e;
  while (isSpace(<u32>load<u8>(b - 1))) b--;
  if (load<u8>(a) >= 0x80 || load<u8>(b - 1) >= 0x80) return FALLBACK; // maybe a non-ASCII space: strip() decides
  out = scratch;
  o = 0;
  dash = 0;
  let gap = a;
  let i = a;
  while (i < b && o < MAX_KEY) {
    const c = <u32>load<u8>(i);
    if (c >= 0x80) return FALLBACK;
    const l = lower(c);
    if (l == SLASH) {
      // '/\S+': at least one non-space after the '/', then every non-space
      let j = i + 1;
      while (j < b && !isSpaceAt(j)) j += seqLen(<u32>load<u8>(j));
      if (j > i + 1) {
        times(gap, i);
        literal(PATH, 5);
        gap = i = j;
      } else i++;
      continue;
    }
    if (!isWord(l)) {
      if (l == DASH) dash = i;
      i++;
      continue;
    }
    // a run of word characters: a hash if it is 8+ hex digits, all of it
    let j = i + 1;
    let hex = isHexDigit(l);
    for (; j < b; j++) {
      const d = <u32>load<u8>(j);
      if (d >= 0x80) return FALLBACK;
      const ld = lower(d);
      if (!isWord(ld)) break;
      hex = hex && isHexDigit(ld);
    }
    if (hex && j - i >= 8) {
      times(gap, i);
      literal(HASH, 4);
      gap = j;
    }
    i = j;
  }
  if (o < MAX_KEY) times(gap, b);
  return intern(keys);
}

/** The bytes of [p, p + k) (k < 8) as a little-endian u64 with the others 0. */
@inline
function head(p: usize, k: i32): u64 {
  return k >= 8 ? load<u64>(p) : load<u64>(p) & ((<u64>1 << (<u64>k << 3)) - 1);
}

/** The key out[0, o) in the table at `keys`: its slot, + NEW_KEY when it had to be written. */
function intern(keys: usize): i32 {
  const n = o;
  let x: u64 = <u64>n * 0x165667b19e3779f9;
  for (let k: i32 = 0; k < n; k += 8) {
    x = (x ^ head(out + <usize>k, n - k)) * 0x9e3779b97f4a7c15;
    x ^= x >> 29;
  }
  const h = <u32>(x >> 32);
  const index = <i32>(h & <u32>(KEY_SLOTS - 1));
  const slot = keys + <usize>index * KEY_SLOT;
  if (load<i32>(slot) == n + 1 && load<u32>(slot, 4) == h) {
    let k: i32 = 0;
    while (k < n && load<u64>(slot + 8 + <usize>k) == head(out + <usize>k, n - k)) k += 8;
    if (k >= n) return index;
  }
  store<i32>(slot, n + 1);
  store<u32>(slot, h, 4);
  memory.fill(slot + 8, 0, KEY_SLOT - 8); // zeros past the key: compared 8 bytes at a time
  memory.copy(slot + 8, out, <usize>n);
  return index + NEW_KEY;
}
