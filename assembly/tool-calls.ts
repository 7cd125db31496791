// AssemblyScript (compiled to WebAssembly by `npm run build:wasm`): the compact tool calls of
// a `tool_calls` list, `{"tool":"NAME","latency_ms":N}` one after another with a bare ','
// between them, as a dense archive writes all of them, read into a name id and a latency per
// call. Loaded by src/input/wasm/tool-calls.ts; the reader in src/input/_tool-call-reader.ts
// calls it once per list and takes over, in JS, at the first thing it does not read exactly.
// Not TypeScript: this folder is outside tsconfig's include.
//
// It reads the chunk where the string kernel (assembly/string-stop.ts) put it: this module
// imports that module's memory (`--importMemory`) and owns no bytes of it but the scratch area
// whose address the caller passes (`area`). It has no data segment, so it writes nothing at
// instantiation. Names are known by a table that the caller fills (`register`) with the ids
// its interner gives: an unknown name stops the list (UNKNOWN_NAME), the caller interns and
// registers it, and calls again.
//
// Layout of the scratch area (byte offsets from `area`):
//   0   STATE: i32 position, i32 calls read, i32 name start, i32 name end, i32 names kept,
//       i32 entries, i32 messages (of the last readRecord)
//   64  IDS: i32 x CAP, then LATS: f64 x CAP (the calls read by the last readCalls or readRecord)
//   ... ENTRIES: MAX_ENTRIES x (i32 kind, a, b, c, d, pad, f64 value): readRecord's seed members
//   ... MESSAGES: MAX_MESSAGES x (i32 start, end, flags): readRecord's error messages
//   ... TABLE: SLOTS slots of SLOT bytes: i32 id + 1 (0: free), i32 length, the name's bytes
//       zero-padded to MAX_NAME
//   ... CACHE: see CACHE

/** Calls read by one readCalls or readRecord at most (a longer list takes several readCalls; a record, the JS reader). */
export const CAP: i32 = 4096;
/** Longest name the table keeps: the JS interner's MAX_INTERNED. */
const MAX_NAME: i32 = 64;
const SLOTS: u32 = 2048; // the interner keeps at most 1,024 names: at most half full
const SLOT: usize = 8 + <usize>MAX_NAME;

const IDS: usize = 64;
const LATS: usize = IDS + 4 * <usize>CAP;
/** Seed members of a record read by readRecord at most. */
export const MAX_ENTRIES: i32 = 32;
/** Error messages of a record read by readRecord at most. */
export const MAX_MESSAGES: i32 = 1024;
const ENTRIES: usize = LATS + 8 * <usize>CAP;
const MESSAGES: usize = ENTRIES + 32 * <usize>MAX_ENTRIES;
const TABLE: usize = MESSAGES + 12 * <usize>MAX_MESSAGES;
/**
 * In front of the table, for names of at most 8 bytes: CACHE_SLOTS slots of (u64 the name's
 * bytes, i32 its length + 1, i32 id + 1), each the last such name met with its hash. A hit
 * needs no hash chain and no byte loop (a dense archive names 10 tools, 9 of them this short).
 */
const CACHE: usize = TABLE + <usize>SLOTS * SLOT;
const CACHE_SLOTS: usize = 256;
// where the caller finds the outputs (offsets from `area`)
export const IDS_AT: usize = IDS;
export const LATS_AT: usize = LATS;
export const ENTRIES_AT: usize = ENTRIES;
export const MESSAGES_AT: usize = MESSAGES;
/** Bytes of scratch area needed. */
export const AREA_BYTES: usize = CACHE + CACHE_SLOTS * 16;

// What readCalls returns; the position (STATE+0) is:
/** after the list's ']' */
export const CLOSED: i32 = 0;
/** at the '{' of a call not read: another layout, a call cut by the chunk's end, or CAP calls read */
export const AT_CALL: i32 = 1;
/** just after a call's '}' that is followed by neither ',{' nor ']' (whitespace, or an error) */
export const AFTER_CALL: i32 = 2;
/** at the '{' of a compact call whose name, at [STATE+8, STATE+12), is not in the table */
export const UNKNOWN_NAME: i32 = 3;

// the fixed parts of a compact call, as little-endian loads read them
const OPEN_TOOL: u64 = 0x3a226c6f6f74227b; // {"tool":
const COMMA_LATENC: u64 = 0x636e6574616c222c; // ,"latenc
const Y_MS: u32 = 0x736d5f79; // y_ms
const QUOTE_COLON: u16 = 0x3a22; // ":

/** The bytes of [p, p + k) (k < 8) as a little-endian u64 with the others 0. */
@inline
function head(p: usize, k: i32): u64 {
  return k >= 8 ? load<u64>(p) : load<u64>(p) & ((<u64>1 << (<u64>k << 3)) - 1);
}

/** A hash of the name [s, s + len): its first and last 8 bytes and its length (the table compares every byte). */
@inline
function slotOf(s: usize, len: i32): u32 {
  let h = head(s, len) * 0x9e3779b97f4a7c15;
  if (len > 8) h ^= load<u64>(s + <usize>len - 8) * 0xc2b2ae3d27d4eb4f;
  h ^= <u64>len * 0x165667b19e3779f9;
  return <u32>(h >> 40) & (SLOTS - 1);
}

/** The table slot holding the name [s, s + len), or the free slot where it would go. */
function find(area: usize, s: usize, len: i32): usize {
  let j = slotOf(s, len);
  while (true) {
    const slot = area + TABLE + <usize>j * SLOT;
    const id1 = load<i32>(slot);
    if (id1 == 0) return slot;
    if (load<i32>(slot, 4) == len) {
      let k: i32 = 0;
      while (k + 8 <= len && load<u64>(slot + 8 + <usize>k) == load<u64>(s + <usize>k)) k += 8;
      if (k + 8 > len && load<u64>(slot + 8 + <usize>k) == head(s + <usize>k, len - k)) return slot;
    }
    j = (j + 1) & (SLOTS - 1);
  }
  return 0; // not reached
}

/**
 * Keep name [s, s + len) (no '"', '\' or control byte) as id `id` (>= 0); false when it is too
 * long or the table is full (nothing kept).
 */
export function register(area: usize, s: usize, len: i32, id: i32): bool {
  if (len > MAX_NAME || load<i32>(area, 16) >= <i32>(SLOTS >> 1)) return false;
  const slot = find(area, s, len);
  if (load<i32>(slot) != 0) return true; // already kept
  memory.fill(slot + 8, 0, <usize>MAX_NAME);
  memory.copy(slot + 8, s, <usize>len);
  store<i32>(slot, len, 4);
  store<i32>(slot, id + 1);
  store<i32>(area, load<i32>(area, 16) + 1, 16); // names kept
  return true;
}

/** compactCall's answer for a call that is not compact as readCalls reads them */
const NOT_COMPACT: usize = 0;
/** compactCall's answer for a compact call whose name is not in the table (its span in STATE+8) */
const UNKNOWN: usize = 1;

/**
 * At the '{' at i: a compact call ending before n (see readCalls) into IDS / LATS at index k;
 * the address after its '}', or NOT_COMPACT, or UNKNOWN. Chunk addresses are never 0 or 1.
 */
@inline
function compactCall(area: usize, i: usize, n: usize, k: i32): usize {
  // {"tool":"
  if (i + 9 >= n || load<u64>(i) != OPEN_TOOL || load<u8>(i, 8) != 0x22) return NOT_COMPACT;
  const s = i + 9;
  // the name's closing quote, 16 bytes a step (a name of more than MAX_NAME bytes is not read)
  let e = s;
  while (true) {
    const v = v128.load(e);
    const bits = i8x16.bitmask(
      v128.or(v128.or(i8x16.eq(v, i8x16.splat(0x22)), i8x16.eq(v, i8x16.splat(0x5c))), i8x16.lt_u(v, i8x16.splat(0x20))),
    );
    if (bits != 0) {
      e += <usize>ctz(bits);
      break;
    }
    e += 16;
    if (e - s > <usize>MAX_NAME) break;
  }
  const len = <i32>(e - s);
  if (len > MAX_NAME || e >= n || load<u8>(e) != 0x22) return NOT_COMPACT;
  // ,"latency_ms":
  if (e + 16 >= n || load<u64>(e, 1) != COMMA_LATENC || load<u32>(e, 9) != Y_MS || load<u16>(e, 13) != QUOTE_COLON) return NOT_COMPACT;
  // the latency: up to 8 digits at once (SWAR), the digits as bytes 0-9 and any other byte >= 10
  let p = e + 15;
  const t = load<u64>(p) ^ 0x3030303030303030;
  const other = (((t & 0x7f7f7f7f7f7f7f7f) + 0x7676767676767676) | t) & 0x8080808080808080;
  const nd = other == 0 ? 8 : <i32>(ctz(other) >> 3);
  if (nd == 0 || (t & 0xff) == 0) return NOT_COMPACT; // no digit, or a leading 0
  // the digits in the high bytes, zeros (leading zeros) below them, then 8 digits to a number
  let y = nd == 8 ? t : t << (<u64>(8 - nd) << 3);
  y = y * 10 + (y >> 8);
  y = ((y & 0x000000ff000000ff) * (100 + (<u64>1000000 << 32)) + ((y >> 16) & 0x000000ff000000ff) * (1 + (<u64>10000 << 32))) >> 32;
  let v: u64 = y;
  p += <usize>nd;
  let c = <u32>load<u8>(p);
  if (nd == 8) {
    // more digits, one at a time
    const digits = p - 8;
    while (p < n && c - 0x30 <= 9) {
      v = v * 10 + <u64>(c - 0x30);
      c = <u32>load<u8>(++p);
    }
    if (p - digits > 15) return NOT_COMPACT;
  }
  if (p >= n || c != 0x7d) return NOT_COMPACT;
  let id1: i32;
  if (len <= 8) {
    const key = head(s, len);
    const cached = area + CACHE + ((<usize>(<u32>((key * 0x9e3779b97f4a7c15) >> 56) ^ <u32>len) & (CACHE_SLOTS - 1)) << 4);
    if (load<u64>(cached) == key && load<i32>(cached, 8) == len + 1) id1 = load<i32>(cached, 12);
    else {
      id1 = load<i32>(find(area, s, len));
      if (id1 != 0) {
        store<u64>(cached, key);
        store<i32>(cached, len + 1, 8);
        store<i32>(cached, id1, 12);
      }
    }
  } else id1 = load<i32>(find(area, s, len));
  if (id1 == 0) {
    store<i32>(area, <i32>s, 8);
    store<i32>(area, <i32>e, 12);
    return UNKNOWN;
  }
  store<i32>(area + IDS + (<usize>k << 2), id1 - 1);
  store<f64>(area + LATS + (<usize>k << 3), <f64>v);
  return p + 1;
}

/**
 * From the '{' at i, the compact calls before n, into IDS / LATS: CLOSED, AT_CALL, AFTER_CALL or
 * UNKNOWN_NAME (the position in STATE+0, the calls read in STATE+4). A compact call here is
 * exactly `{"tool":"NAME","latency_ms":N}`: NAME without '\' or control bytes, of at most
 * MAX_NAME bytes, in the table; N a positive integer of 1 to 15 digits (exact in an f64).
 */
export function readCalls(area: usize, i: usize, n: usize): i32 {
  let k: i32 = 0;
  let status = AT_CALL;
  while (k < CAP) {
    const end = compactCall(area, i, n, k);
    if (end <= UNKNOWN) {
      if (end == UNKNOWN) status = UNKNOWN_NAME;
      break;
    }
    k++;
    i = end;
    if (i + 1 < n && load<u8>(i) == 0x2c && load<u8>(i, 1) == 0x7b) {
      i++;
      continue;
    }
    if (i < n && load<u8>(i) == 0x5d) {
      i++;
      status = CLOSED;
    } else status = AFTER_CALL;
    break;
  }
  store<i32>(area, <i32>i);
  store<i32>(area, k, 4);
  return status;
}

// ---- whole records -----------------------------------------------------------------

// readRecord's answers (the position after the record in STATE+0):
/** read: its seed members in ENTRIES (STATE+20 of them), MESSAGES (STATE+24), IDS / LATS (STATE+4) */
export const RECORD: i32 = 0;
/** not read: the JS reader reads it */
export const NOT_RECORD: i32 = 1;
/** not read: a tool call's name, at [STATE+8, STATE+12), is not in the table (register it, and read again) */
export const RECORD_UNKNOWN_NAME: i32 = 3;

// the seed members (the K_ codes of src/input/_read-members.ts)
const K_SESSION_ID: i32 = 1;
const K_REPO: i32 = 2;
const K_ERRORS: i32 = 3;
const K_TOOL_CALLS: i32 = 4;
const K_DURATION: i32 = 5;

// a string's flags, in the entries and messages
/** it holds escapes (its value is JSON.parse's) */
export const STR_ESCAPED: i32 = 1;
/** it holds bytes >= 0x80 (UTF-8) */
export const STR_HIGH: i32 = 2;

// a duration's kind (entry field c)
/** its value is the entry's f64 */
export const DUR_VALUE: i32 = 0;
/** a number whose value is Number() of its text [a, b) */
export const DUR_TEXT: i32 = 1;
export const DUR_NULL: i32 = 2;
export const DUR_TRUE: i32 = 3;
export const DUR_FALSE: i32 = 4;

/** Deepest nesting skipped (src/input/_token-reader.ts allows 64: deeper ones go to it). */
const MAX_DEPTH: i32 = 48;

// what the last `str` read
let strFlags: i32 = 0;

/** Past spaces, tabs and CRs (a newline stops: the JS reader counts lines). */
@inline
function ws(i: usize, n: usize): usize {
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
function str(i: usize, n: usize): usize {
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
let numValue: f64 = 0;
let numFast: bool = false;

/**
 * At '-' or a digit: a JSON number followed by a byte before n; the address after it, or 0.
 * Its value in numValue when numFast (at most 15 digits and a power of ten of at most 22: one
 * exact integer times or over an exact power of ten, correctly rounded, as Number() reads it).
 */
function num(i: usize, n: usize): usize {
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
function lit(i: usize, n: usize): usize {
  const c = load<u8>(i);
  if (c == 0x74 || c == 0x6e) return i + 4 <= n && load<u32>(i) == (c == 0x74 ? 0x65757274 : 0x6c6c756e) ? i + 4 : 0;
  if (c == 0x66) return i + 5 <= n && load<u32>(i, 1) == 0x65736c61 ? i + 5 : 0;
  return 0;
}

/** At a property name at i: the address after its ':' and the spaces after that, or 0 (a name with escapes too). */
@inline
function keyEnd(e: usize, n: usize): usize {
  let p = ws(e, n);
  if (p >= n || load<u8>(p) != 0x3a) return 0;
  return ws(p + 1, n);
}

/** Any JSON value at i (not a space), validated and skipped; the address after it, or 0. */
function skip(i: usize, n: usize, depth: i32): usize {
  if (i >= n) return 0;
  const c = <u32>load<u8>(i);
  if (c == 0x22) return str(i, n);
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
      p = ws(p, n);
      if (p >= n) return 0;
      const d = <u32>load<u8>(p);
      if (d == 0x2c) {
        p = ws(p + 1, n);
        if (p >= n) return 0;
      } else if (d == close) return p + 1;
      else return 0;
    }
  }
  return lit(i, n);
}

/** Which seed member the property name [s, e) is (a K_ code), 0 for another one. */
@inline
function seedKey(s: usize, e: usize): i32 {
  const len = e - s;
  if (len == 10) {
    const a = load<u64>(s);
    const b = load<u16>(s, 8);
    if (a == 0x6c61635f6c6f6f74 && b == 0x736c) return K_TOOL_CALLS; // tool_cal ls
    if (a == 0x5f6e6f6973736573 && b == 0x6469) return K_SESSION_ID; // session_ id
  } else if (len == 4) {
    if (load<u32>(s) == 0x6f706572) return K_REPO; // repo
  } else if (len == 6) {
    if (load<u32>(s) == 0x6f727265 && load<u16>(s, 4) == 0x7372) return K_ERRORS; // erro rs
  } else if (len == 16) {
    if (load<u64>(s) == 0x6e6f697461727564 && load<u64>(s, 8) == 0x736574756e696d5f) return K_DURATION; // duration _minutes
  }
  return 0;
}

/** The name [s, e) is "message". */
@inline
function isMessage(s: usize, e: usize): bool {
  return e - s == 7 && load<u32>(s) == 0x7373656d && load<u32>(s, 3) == 0x65676173; // mess sage
}

// readRecord's counts while it reads
let entries: i32 = 0;
let messages: i32 = 0;
let calls: i32 = 0;

/** A new entry of kind `kind`: its address (i32 kind, a, b, c, d, pad, f64 value). */
@inline
function entry(area: usize, kind: i32): usize {
  const at = area + ENTRIES + (<usize>entries << 5);
  store<i32>(at, kind);
  entries++;
  return at;
}

/** At '[': an `errors` list of objects before n; the address after it, or 0. */
function errorList(area: usize, i: usize, n: usize, at: usize): usize {
  const first = messages;
  let p = ws(i + 1, n);
  if (p >= n) return 0;
  if (load<u8>(p) != 0x5d) {
    while (true) {
      if (load<u8>(p) != 0x7b) return 0;
      p = ws(p + 1, n);
      if (p >= n) return 0;
      let ms: usize = 0;
      let me: usize = 0;
      let mf: i32 = 0;
      if (load<u8>(p) != 0x7d) {
        while (true) {
          if (load<u8>(p) != 0x22) return 0;
          const e = str(p, n);
          if (e == 0 || (strFlags & STR_ESCAPED) != 0) return 0;
          const message = isMessage(p + 1, e - 1);
          p = keyEnd(e, n);
          if (p == 0) return 0;
          if (message) {
            const c = load<u8>(p);
            if (c == 0x22) {
              const q = str(p, n);
              if (q == 0) return 0;
              ms = p + 1;
              me = q - 1;
              mf = strFlags;
              p = q;
            } else if (c == 0x6e || c == 0x66) {
              p = lit(p, n);
              if (p == 0) return 0;
              ms = me = 0; // null, false: no message
            } else return 0; // a truthy message that is not a string: the JS reader's refusal
          } else {
            p = skip(p, n, 1);
            if (p == 0) return 0;
          }
          p = ws(p, n);
          if (p >= n) return 0;
          const d = load<u8>(p);
          if (d == 0x2c) {
            p = ws(p + 1, n);
            if (p >= n) return 0;
          } else if (d == 0x7d) break;
          else return 0;
        }
      }
      p++; // the error's '}'
      if (me > ms) {
        if (messages == MAX_MESSAGES) return 0;
        const m = area + MESSAGES + <usize>messages * 12;
        store<i32>(m, <i32>ms);
        store<i32>(m, <i32>me, 4);
        store<i32>(m, mf, 8);
        messages++;
      }
      p = ws(p, n);
      if (p >= n) return 0;
      const d = load<u8>(p);
      if (d == 0x2c) {
        p = ws(p + 1, n);
        if (p >= n) return 0;
      } else if (d == 0x5d) break;
      else return 0;
    }
  }
  store<i32>(at, first, 4);
  store<i32>(at, messages - first, 8);
  return p + 1;
}

/** At '[': a `tool_calls` list of compact calls before n; the address after it, 0, or UNKNOWN. */
function callList(area: usize, i: usize, n: usize, at: usize): usize {
  const first = calls;
  let p = ws(i + 1, n);
  if (p >= n) return 0;
  if (load<u8>(p) != 0x5d) {
    while (true) {
      if (calls == CAP) return 0;
      const e = compactCall(area, p, n, calls);
      if (e <= UNKNOWN) return e;
      calls++;
      p = e;
      if (p + 1 < n && load<u8>(p) == 0x2c && load<u8>(p, 1) == 0x7b) {
        p++;
        continue;
      }
      p = ws(p, n);
      if (p >= n) return 0;
      const d = load<u8>(p);
      if (d == 0x2c) {
        p = ws(p + 1, n);
        if (p >= n) return 0;
      } else if (d == 0x5d) break;
      else return 0;
    }
  }
  store<i32>(at, first, 4);
  store<i32>(at, calls - first, 8);
  return p + 1;
}

/**
 * The value of seed member `kind` at i (not a space), before n, into a new entry; the address
 * after it, 0 (not read), or UNKNOWN.
 */
function member(area: usize, kind: i32, i: usize, n: usize): usize {
  if (entries == MAX_ENTRIES) return 0;
  const at = entry(area, kind);
  const c = <u32>load<u8>(i);
  if (kind == K_TOOL_CALLS) return c == 0x5b ? callList(area, i, n, at) : 0;
  if (kind == K_ERRORS) return c == 0x5b ? errorList(area, i, n, at) : 0;
  if (kind == K_DURATION) {
    if (c == 0x2d || c - 0x30 < 10) {
      const e = num(i, n);
      if (e == 0) return 0;
      store<i32>(at, <i32>i, 4);
      store<i32>(at, <i32>e, 8);
      store<i32>(at, numFast ? DUR_VALUE : DUR_TEXT, 12);
      store<f64>(at, numValue, 24);
      return e;
    }
    const e = lit(i, n);
    if (e == 0) return 0;
    store<i32>(at, c == 0x6e ? DUR_NULL : c == 0x74 ? DUR_TRUE : DUR_FALSE, 12);
    return e;
  }
  // session_id, repo: a string (a number or a literal: the JS reader)
  if (c != 0x22) return 0;
  const e = str(i, n);
  if (e == 0) return 0;
  store<i32>(at, <i32>i + 1, 4);
  store<i32>(at, <i32>e - 1, 8);
  store<i32>(at, strFlags, 12);
  let id: i32 = -1;
  const len = <i32>(e - 1 - (i + 1));
  if (kind == K_REPO && (strFlags & STR_ESCAPED) == 0 && len <= MAX_NAME) id = load<i32>(find(area, i + 1, len)) - 1;
  store<i32>(at, id, 16);
  return e;
}

/**
 * From the '{' at i: a session record that ends before n, its seed members (none of them
 * `memberBytes` long or longer, from its first byte) read and the other members validated and
 * skipped: RECORD, NOT_RECORD or RECORD_UNKNOWN_NAME. It reads a subset of JSON exactly and
 * refuses the rest, the JS reader's way (src/input/_read-members.ts): spaces, tabs and CRs
 * anywhere, no newline, no escape in a property name, session_id and repo strings, errors
 * lists of objects whose "message" is a string, null or false, tool_calls lists of compact
 * calls (see readCalls), duration_minutes a number or a literal, nesting up to MAX_DEPTH.
 */
export function readRecord(area: usize, i: usize, n: usize, memberBytes: usize): i32 {
  entries = 0;
  messages = 0;
  calls = 0;
  let status = NOT_RECORD;
  let p = ws(i + 1, n);
  while (p < n) {
    if (load<u8>(p) == 0x7d) {
      p++;
      status = RECORD;
      break;
    }
    while (true) {
      if (load<u8>(p) != 0x22) return NOT_RECORD;
      const e = str(p, n);
      if (e == 0 || (strFlags & STR_ESCAPED) != 0) return NOT_RECORD;
      const kind = seedKey(p + 1, e - 1);
      p = keyEnd(e, n);
      if (p == 0) return NOT_RECORD;
      if (kind == 0) p = skip(p, n, 0);
      else {
        const limit = p + memberBytes < n ? p + memberBytes : n;
        p = member(area, kind, p, limit);
        if (p == UNKNOWN) return RECORD_UNKNOWN_NAME;
      }
      if (p == 0) return NOT_RECORD;
      p = ws(p, n);
      if (p >= n) return NOT_RECORD;
      const d = load<u8>(p);
      if (d == 0x2c) {
        p = ws(p + 1, n);
        if (p >= n) return NOT_RECORD;
      } else if (d == 0x7d) {
        p++;
        status = RECORD;
        break;
      } else return NOT_RECORD;
    }
    break;
  }
  if (status != RECORD) return NOT_RECORD;
  store<i32>(area, <i32>p);
  store<i32>(area, calls, 4);
  store<i32>(area, entries, 20);
  store<i32>(area, messages, 24);
  return RECORD;
}
