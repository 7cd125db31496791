// AssemblyScript: the JSON tokens under assembly/seed-record.ts, read and validated straight from
// memory the way src/input/_token-reader.ts reads them, and refused the same way (0): a value
// that does not end before n, invalid JSON, a newline (the JS reader counts lines). Not TypeScript
// (see assembly/tool-calls.ts).

// a string's flags (strFlags), in the entries and messages
/** it holds escapes (its value is JSON.parse's) */
export const STR_ESCAPED: i32 = 1;
/** it holds bytes >= 0x80 (UTF-8) */
export const STR_HIGH: i32 = 2;

/** Longest string skipped (src/input/_token-reader.ts's SHORT_STRING). */
const SHORT_STRING: usize = 256;

/** Deepest nesting skipped (src/input/_token-reader.ts allows 64: deeper ones go to it). */
const MAX_DEPTH: i32 = 48;

// what the last `str` read
export let strFlags: i32 = 0;

/** Past spaces, tabs and CRs (a newline stops: the JS reader counts lines). */
@inline
export function ws(i: usize, n: usize): usize {
  while (i < n) {
    const c = load<u8>(i);
    if (c != 0x20 && c != 0x09 && c != 0x0d) break;
    i++;
  }
  return i;
}

@inline
function isHex(c: u32): bool {
  return c - 0x30 < 10 || (c | 0x20) - 0x61 < 6;
}

/**
 * At '"' at i: a JSON string that ends before n, validated; the address after its closing
 * quote (its flags in strFlags), or 0.
 */
export function str(i: usize, n: usize): usize {
  let flags: i32 = 0;
  let p = i + 1;
  while (true) {
    if (p + 16 <= n) {
      const v = v128.load(p);
      const bits = i8x16.bitmask(
        v128.or(v128.or(i8x16.eq(v, i8x16.splat(0x22)), i8x16.eq(v, i8x16.splat(0x5c))), i8x16.lt_u(v, i8x16.splat(0x20))),
      );
      if (i8x16.bitmask(v) != 0) flags |= STR_HIGH; // bytes >= 0x80 in these 16 (before the stop too: harmless, see below)
      if (bits == 0) {
        p += 16;
        continue;
      }
      p += <usize>ctz(bits);
    } else {
      while (p < n) {
        const c = load<u8>(p);
        if (c == 0x22 || c == 0x5c || c < 0x20) break;
        if (c >= 0x80) flags |= STR_HIGH;
        p++;
      }
      if (p >= n) return 0;
    }
    const c = load<u8>(p);
    if (c == 0x22) break;
    if (c != 0x5c) return 0; // a control byte
    if (p + 1 >= n) return 0;
    const e = <u32>load<u8>(p + 1);
    if (e == 0x22 || e == 0x5c || e == 0x2f || e == 0x62 || e == 0x66 || e == 0x6e || e == 0x72 || e == 0x74) p += 2;
    else if (
      e == 0x75 &&
      p + 5 < n &&
      isHex(<u32>load<u8>(p + 2)) &&
      isHex(<u32>load<u8>(p + 3)) &&
      isHex(<u32>load<u8>(p + 4)) &&
      isHex(<u32>load<u8>(p + 5))
    )
      p += 6;
    else return 0;
    flags |= STR_ESCAPED;
  }
  // STR_HIGH may come from bytes after the closing quote in the last 16: it only makes the
  // caller decode ASCII as UTF-8, which gives the same string.
  strFlags = flags;
  return p + 1;
}

/** One or more digits from p; the address after them, or 0 if none. */
@inline
function digitsFrom(p: usize, n: usize): usize {
  const s = p;
  while (p < n && <u32>load<u8>(p) - 0x30 < 10) p++;
  return p == s ? 0 : p;
}

// what the last `num` read: its value when numFast
export let numValue: f64 = 0;
export let numFast: bool = false;

/**
 * At '-' or a digit: a JSON number followed by a byte before n; the address after it, or 0.
 * Its value in numValue when numFast (at most 15 digits and a power of ten of at most 22: one
 * exact integer times or over an exact power of ten, correctly rounded, as Number() reads it).
 */
export function num(i: usize, n: usize): usize {
  let p = i;
  const neg = load<u8>(p) == 0x2d;
  if (neg) p++;
  if (p >= n) return 0;
  let w: u64 = 0;
  let nd: i32 = 0; // digits in w
  let c = <u32>load<u8>(p);
  if (c == 0x30) {
    p++;
  } else if (c - 0x31 < 9) {
    while (p < n && (c = <u32>load<u8>(p)) - 0x30 < 10) {
      w = w * 10 + <u64>(c - 0x30);
      nd++;
      p++;
    }
  } else return 0;
  if (p >= n) return 0;
  let e10: i32 = 0;
  if (load<u8>(p) == 0x2e) {
    const f = p + 1;
    const q = digitsFrom(f, n);
    if (q == 0) return 0;
    for (let r = f; r < q; r++) w = w * 10 + <u64>(<u32>load<u8>(r) - 0x30);
    nd += <i32>(q - f);
    e10 = -<i32>(q - f);
    p = q;
  }
  if (p >= n) return 0;
  c = <u32>load<u8>(p);
  if (c == 0x65 || c == 0x45) {
    p++;
    let eneg = false;
    if (p < n && (load<u8>(p) == 0x2b || load<u8>(p) == 0x2d)) {
      eneg = load<u8>(p) == 0x2d;
      p++;
    }
    const q = digitsFrom(p, n);
    if (q == 0) return 0;
    let x: i32 = 0;
    for (let r = p; r < q && x < 100000; r++) x = x * 10 + <i32>(<u32>load<u8>(r) - 0x30);
    e10 += eneg ? -x : x;
    p = q;
  }
  if (p >= n) return 0;
  if (<u32>load<u8>(p) - 0x30 < 10) return 0; // a digit after a leading 0
  numFast = nd <= 15 && e10 >= -22 && e10 <= 22;
  if (numFast) {
    let t: f64 = 1;
    for (let k = e10 < 0 ? -e10 : e10; k > 0; k--) t *= 10;
    let v = <f64>w;
    v = e10 < 0 ? v / t : v * t;
    numValue = neg ? -v : v;
  }
  return p;
}

/** At byte c at i: true, false or null ending before n; the address after it, or 0. */
@inline
export function lit(i: usize, n: usize): usize {
  const c = load<u8>(i);
  if (c == 0x74 || c == 0x6e) return i + 4 <= n && load<u32>(i) == (c == 0x74 ? 0x65757274 : 0x6c6c756e) ? i + 4 : 0;
  if (c == 0x66) return i + 5 <= n && load<u32>(i, 1) == 0x65736c61 ? i + 5 : 0;
  return 0;
}

/** At a property name at i: the address after its ':' and the spaces after that, or 0 (a name with escapes too). */
@inline
export function keyEnd(e: usize, n: usize): usize {
  let p = ws(e, n);
  if (p >= n || load<u8>(p) != 0x3a) return 0;
  return ws(p + 1, n);
}

/** Any JSON value at i (not a space), validated and skipped; the address after it, or 0. */
export function skip(i: usize, n: usize, depth: i32): usize {
  if (i >= n) return 0;
  const c = <u32>load<u8>(i);
  // a string of at most SHORT_STRING bytes, as the JS reader skips: a longer one (a transcript's
  // message) is the scanner's, whose 64-bytes-a-step kernel walks it faster (on the 1 GB
  // long-message array, walking them here took 1.14x the CPU of the whole run)
  if (c == 0x22) return str(i, i + 1 + SHORT_STRING < n ? i + 1 + SHORT_STRING : n);
  if (c == 0x2d || c - 0x30 < 10) return num(i, n);
  if (c == 0x7b || c == 0x5b) {
    if (depth >= MAX_DEPTH) return 0;
    const close = c + 2;
    let p = ws(i + 1, n);
    if (p >= n) return 0;
    if (<u32>load<u8>(p) == close) return p + 1;
    while (true) {
      if (close == 0x7d) {
        if (load<u8>(p) != 0x22) return 0;
        const e = str(p, n);
        if (e == 0 || (strFlags & STR_ESCAPED) != 0) return 0;
        p = keyEnd(e, n);
        if (p == 0) return 0;
      }
      p = skip(p, n, depth + 1);
      if (p == 0) return 0;
      p = afterValue(p, n, close);
      if (p == 0) return 0;
      if (closed) return p + 1;
    }
  }
  return lit(i, n);
}

/** Whether the last `afterValue` met the closer (and gave the closer's address). */
export let closed: bool = false;

/**
 * After a value of a list or an object at p (before n): past a ',' and the spaces after it, the
 * next value's (or member's) address; at `close` (']' or '}'), its address, with `closed` set;
 * else 0 (not read: anything else, or the end of the bytes).
 */
export function afterValue(p: usize, n: usize, close: u32): usize {
  p = ws(p, n);
  if (p >= n) return 0;
  const d = <u32>load<u8>(p);
  closed = d == close;
  if (closed) return p;
  if (d != 0x2c) return 0;
  p = ws(p + 1, n);
  return p < n ? p : 0;
}
