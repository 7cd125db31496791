// AssemblyScript (compiled to WebAssembly by `npm run build:wasm`, part of `npm run build`,
// which `npm ci` runs through `prepare`): the string-body scan of src/input/fast-decoder.ts
// with 128-bit SIMD, loaded by src/input/wasm/string-scan.ts. Not TypeScript: this folder is
// outside tsconfig's include (v128, load<u8>, @inline are AssemblyScript builtins).
//
// The JS scan looks at 4 bytes a step (SWAR in an Int32Array) and returns to the decoder's
// loop at every '\' (these messages hold one every ~45 bytes). Here one step classifies 64
// bytes into a 64-bit mask of the bytes that matter in a string ('"', '\', controls < 0x20),
// the way simdjson's stage 1 builds its bitmaps, and the mask is walked bit by bit: a valid
// escape is skipped here (its bits cleared), so the caller sees only the string's end, a
// control byte, or an escape that is invalid or cut by the chunk's end. Measured on the 1 GB
// long-message archive: 3.4x the JS scan's speed (bench/wasm-stage1/README.md).
//
// Addresses are byte offsets in this module's memory; the caller copies each chunk to
// CHUNK_BASE first. No allocation, no imports, no runtime (`--runtime stub`).

/** 1 for the bytes allowed after '\' as a one-character escape: " \ / b f n r t */
const ESC1: usize = memory.data(256);
/** 1 for an ASCII hex digit. */
const HEX: usize = memory.data(256);

/** Fill the two tables; call once before anything else. */
export function init(): void {
  const esc = '"\\/bfnrt';
  for (let k = 0; k < esc.length; k++) store<u8>(ESC1 + <usize>esc.charCodeAt(k), 1);
  const hex = '0123456789abcdefABCDEF';
  for (let k = 0; k < hex.length; k++) store<u8>(HEX + <usize>hex.charCodeAt(k), 1);
}

/** Where the caller puts a chunk's bytes: past the tables and the static data, 64 KiB in. */
export const CHUNK_BASE: usize = 65536;

/** The length (2 or 6) of the valid escape whose '\' is at p and that ends before n; -1 if it is cut by n or invalid. */
@inline
function escapeLength(p: usize, n: usize): i32 {
  if (p + 1 >= n) return -1;
  const e = <usize>load<u8>(p + 1);
  if (load<u8>(ESC1 + e) != 0) return 2;
  if (
    e == 0x75 &&
    p + 5 < n &&
    (load<u8>(HEX + <usize>load<u8>(p + 2)) &
      load<u8>(HEX + <usize>load<u8>(p + 3)) &
      load<u8>(HEX + <usize>load<u8>(p + 4)) &
      load<u8>(HEX + <usize>load<u8>(p + 5))) !=
      0
  )
    return 6;
  return -1;
}

/**
 * From i (inside a string's body, before its closing quote), skip plain bytes and valid
 * complete escapes; return the address of the first '"', control byte < 0x20, or '\' whose
 * escape is cut by n or invalid; n if there is none. 16 bytes a step.
 */
export function stringStop16(i: usize, n: usize): usize {
  const quote = i8x16.splat(0x22);
  const bslash = i8x16.splat(0x5c);
  const ctl = i8x16.splat(0x1f); // a control byte c: min(c, 0x1f) == c (two instructions; lt_u is four on x64)
  while (true) {
    if (i + 16 <= n) {
      const v = v128.load(i);
      const bits = i8x16.bitmask(v128.or(v128.or(i8x16.eq(v, quote), i8x16.eq(v, bslash)), i8x16.eq(i8x16.min_u(v, ctl), v)));
      if (bits == 0) {
        i += 16;
        continue;
      }
      i += <usize>ctz(bits);
    } else {
      while (i < n) {
        const c = load<u8>(i);
        if (c < 0x20 || c == 0x22 || c == 0x5c) break;
        i++;
      }
      if (i >= n) return n;
    }
    if (load<u8>(i) != 0x5c) return i;
    const k = escapeLength(i, n);
    if (k < 0) return i;
    i += <usize>k;
  }
  return n; // not reached
}

/** stringStop16's contract, 64 bytes a step (the one the decoder uses: 1.2x stringStop16's speed). */
export function stringStop(i: usize, n: usize): usize {
  const quote = i8x16.splat(0x22);
  const bslash = i8x16.splat(0x5c);
  const ctl = i8x16.splat(0x1f); // a control byte c: min(c, 0x1f) == c (two instructions; lt_u is four on x64)
  while (i + 64 <= n) {
    const v0 = v128.load(i);
    const v1 = v128.load(i, 16);
    const v2 = v128.load(i, 32);
    const v3 = v128.load(i, 48);
    const m0 = <u64>i8x16.bitmask(v128.or(v128.or(i8x16.eq(v0, quote), i8x16.eq(v0, bslash)), i8x16.eq(i8x16.min_u(v0, ctl), v0)));
    const m1 = <u64>i8x16.bitmask(v128.or(v128.or(i8x16.eq(v1, quote), i8x16.eq(v1, bslash)), i8x16.eq(i8x16.min_u(v1, ctl), v1)));
    const m2 = <u64>i8x16.bitmask(v128.or(v128.or(i8x16.eq(v2, quote), i8x16.eq(v2, bslash)), i8x16.eq(i8x16.min_u(v2, ctl), v2)));
    const m3 = <u64>i8x16.bitmask(v128.or(v128.or(i8x16.eq(v3, quote), i8x16.eq(v3, bslash)), i8x16.eq(i8x16.min_u(v3, ctl), v3)));
    let mask = m0 | (m1 << 16) | (m2 << 32) | (m3 << 48);
    let next = i + 64;
    while (mask != 0) {
      const p = i + <usize>ctz(mask);
      if (load<u8>(p) != 0x5c) return p;
      const k = escapeLength(p, n);
      if (k < 0) return p;
      const q = p + <usize>k;
      if (q >= next) {
        next = q; // the escape runs past this block: the next one starts after it
        break;
      }
      mask &= ~((<u64>1 << <u64>(q - i)) - 1); // the escape's own bytes are no stop
    }
    i = next;
  }
  return stringStop16(i, n);
}

// ---- whole values -------------------------------------------------------------------------

/** The newlines inside the value skipValue skipped last (line numbers of the records after it). */
export let skippedNewlines: i32 = 0;

/** What skipValue gives for a value it does not read for any reason but CUT. */
const NOT_READ: isize = -1;
/** What skipValue gives for a value that reaches n first (cut by the chunk's end, as far as it got): the rest may come with the next chunk. */
const CUT: isize = -2;

/** Deepest nesting skipValue reads (the token reader's MAX_DEPTH): deeper values are left to the caller. */
const MAX_DEPTH: i32 = 64;

@inline
function isDigit(c: u32): bool {
  return c - 0x30 < 10;
}

/**
 * Whitespace from i: the address of the first other byte (n if none), or NOT_READ at a newline
 * when `oneLine` (a JSON Lines record ends there). Newlines are counted in skippedNewlines.
 */
@inline
function skipSpace(i: usize, n: usize, oneLine: i32): isize {
  while (i < n) {
    const c = load<u8>(i);
    if (c > 0x20) return <isize>i;
    if (c == 0x0a) {
      if (oneLine != 0) return NOT_READ;
      skippedNewlines++;
    } else if (c != 0x20 && c != 0x09 && c != 0x0d) return <isize>i;
    i++;
  }
  return <isize>n;
}

/** A JSON number from i (at '-' or a digit), strictly as RFC 8259 spells it: the address after it, NOT_READ (invalid), or CUT (it reaches n and might go on). */
function skipNumber(i: usize, n: usize): isize {
  if (load<u8>(i) == 0x2d) {
    i++;
    if (i >= n) return CUT;
  }
  let c = <u32>load<u8>(i);
  if (c == 0x30) i++;
  else if (c - 0x31 < 9) {
    i++;
    while (i < n && isDigit(load<u8>(i))) i++;
  } else return NOT_READ;
  if (i >= n) return CUT;
  c = load<u8>(i);
  if (c == 0x2e) {
    i++;
    if (i >= n) return CUT;
    if (!isDigit(load<u8>(i))) return NOT_READ;
    while (i < n && isDigit(load<u8>(i))) i++;
    if (i >= n) return CUT;
    c = load<u8>(i);
  }
  if (c == 0x65 || c == 0x45) {
    i++;
    if (i < n && (load<u8>(i) == 0x2b || load<u8>(i) == 0x2d)) i++;
    if (i >= n) return CUT;
    if (!isDigit(load<u8>(i))) return NOT_READ;
    while (i < n && isDigit(load<u8>(i))) i++;
    if (i >= n) return CUT;
    c = load<u8>(i);
  }
  if (isDigit(c)) return NOT_READ; // a digit after a leading 0
  return <isize>i;
}

/** A literal (true, false, null) at i, whose first byte is c: the address after it, NOT_READ or CUT. */
function skipLiteral(i: usize, n: usize, c: u32): isize {
  const word: u64 = c == 0x74 ? 0x65757274 : c == 0x66 ? 0x65736c6166 : 0x6c6c756e; // 'true', 'false', 'null', first byte lowest
  const len: usize = c == 0x66 ? 5 : 4;
  for (let k: usize = 1; k < len; k++) {
    if (i + k >= n) return CUT;
    if (<u64>load<u8>(i + k) != ((word >> (<u64>k << 3)) & 0xff)) return NOT_READ;
  }
  return <isize>(i + len);
}

/** A string from its opening quote at i: the address after its closing quote, NOT_READ (invalid) or CUT (n comes first, or an escape cut by it). */
@inline
function skipString(i: usize, n: usize): isize {
  const q = stringStop(i + 1, n);
  if (q >= n) return CUT;
  if (load<u8>(q) == 0x22) return <isize>(q + 1);
  if (load<u8>(q) != 0x5c) return NOT_READ; // a control byte
  // an escape stringStop did not take: cut by n, or invalid
  if (q + 1 >= n) return CUT;
  if (load<u8>(q + 1) != 0x75) return NOT_READ;
  for (let k: usize = 2; k < 6; k++) {
    if (q + k >= n) return CUT;
    if (load<u8>(HEX + <usize>load<u8>(q + k)) == 0) return NOT_READ;
  }
  return NOT_READ; // not reached: stringStop takes a complete \u escape
}

/** A property name at its opening quote at i, and its ':': the address of the value's first byte (past whitespace), NOT_READ or CUT. */
@inline
function skipName(i: usize, n: usize, oneLine: i32): isize {
  let r = skipString(i, n);
  if (r < 0) return r;
  r = skipSpace(<usize>r, n, oneLine);
  if (r < 0) return NOT_READ;
  if (<usize>r >= n) return CUT;
  if (load<u8>(<usize>r) != 0x3a) return NOT_READ;
  return skipSpace(<usize>r + 1, n, oneLine);
}

/**
 * The JSON value whose first byte is at i, validated as strictly as the decoder's scanner
 * (src/input/_json-scanner.ts) validates it and skipped, in one call for a whole container
 * (a transcript's `messages`: tens of KB of strings, ~100 tokens): the address just after it;
 * NOT_READ (-1) for anything not read here (invalid JSON, a newline when `oneLine` (JSON
 * Lines), nesting deeper than MAX_DEPTH); CUT (-2) for a value that reaches n first (a number
 * or a literal too, which might go on). The caller then walks the value its own way and
 * reports any error. Property names are validated as strings, not read. Newlines inside the
 * value: skippedNewlines.
 */
export function skipValue(i: usize, n: usize, oneLine: i32): isize {
  skippedNewlines = 0;
  let depth: i32 = 0;
  let objects: u64 = 0; // bit d: the container at depth d (1-based) is an object
  let r: isize;
  for (;;) {
    // ---- a value starts at i
    if (i >= n) return CUT;
    let c = <u32>load<u8>(i);
    if (c == 0x22) {
      r = skipString(i, n);
      if (r < 0) return r;
      i = <usize>r;
    } else if (c == 0x7b || c == 0x5b) {
      if (depth >= MAX_DEPTH) return NOT_READ;
      depth++;
      const obj = c == 0x7b;
      if (obj) objects |= <u64>1 << <u64>depth;
      else objects &= ~(<u64>1 << <u64>depth);
      r = skipSpace(i + 1, n, oneLine);
      if (r < 0) return NOT_READ;
      if (<usize>r >= n) return CUT;
      i = <usize>r;
      c = load<u8>(i);
      if (c == (obj ? 0x7d : 0x5d)) {
        i++;
        depth--;
      } else {
        if (obj) {
          // the first property name and its ':'
          if (c != 0x22) return NOT_READ;
          r = skipName(i, n, oneLine);
          if (r < 0) return r;
          i = <usize>r;
        }
        continue; // the first element's value
      }
    } else if (c == 0x2d || isDigit(c)) {
      r = skipNumber(i, n);
      if (r < 0) return r;
      i = <usize>r;
    } else if (c == 0x74 || c == 0x66 || c == 0x6e) {
      r = skipLiteral(i, n, c);
      if (r < 0) return r;
      i = <usize>r;
    } else return NOT_READ;

    // ---- after a value: close containers until a ',' leads to the next value
    for (;;) {
      if (depth == 0) return <isize>i;
      r = skipSpace(i, n, oneLine);
      if (r < 0) return NOT_READ;
      if (<usize>r >= n) return CUT;
      i = <usize>r;
      c = load<u8>(i);
      const obj = (objects >> <u64>depth) & 1;
      if (c == 0x2c) {
        r = skipSpace(i + 1, n, oneLine);
        if (r < 0) return NOT_READ;
        i = <usize>r;
        if (obj != 0) {
          if (i >= n) return CUT;
          if (load<u8>(i) != 0x22) return NOT_READ;
          r = skipName(i, n, oneLine);
          if (r < 0) return r;
          i = <usize>r;
        }
        break; // the next value
      }
      if (c != (obj != 0 ? 0x7d : 0x5d)) return NOT_READ;
      i++;
      depth--;
    }
  }
  return NOT_READ; // not reached
}
