// AssemblyScript (compiled into tool-calls.wasm, see assembly/tool-calls.ts): the compact tool
// calls of a `tool_calls` list, `{"tool":"NAME","latency_ms":N}` one after another with a bare ','
// between them, as a dense archive writes all of them, read into a name id and a latency per
// call; and the layout of the scratch area it and assembly/seed-record.ts write. The reader in
// src/input/_tool-call-reader.ts calls readCalls once per list and takes over, in JS, at the
// first thing it does not read exactly. Not TypeScript: this folder is outside tsconfig's include.
//
// It reads the chunk where the string kernel (assembly/string-stop.ts) put it: the module
// imports that module's memory (`--importMemory`) and owns no bytes of it but the scratch area
// whose address the caller passes (`area`). It has no data segment, so it writes nothing at
// instantiation. Names are known by a table that the caller fills (`register`) with the ids
// its interner gives: an unknown name stops the list (UNKNOWN_NAME), the caller interns and
// registers it, and calls again.
//
import { KEY_OUT_BYTES, KEY_SLOT, KEY_SLOTS } from './error-key';

// Layout of the scratch area (byte offsets from `area`):
//   0   STATE: i32 position, i32 calls read, i32 name start, i32 name end, i32 names kept,
//       i32 entries, i32 messages (of the last readRecord)
//   64  IDS: i32 x CAP, then LATS: f64 x CAP (the calls read by the last readCalls or readRecord)
//   ... ENTRIES: MAX_ENTRIES x (i32 kind, a, b, c, d, pad, f64 value): readRecord's seed members
//   ... MESSAGES: MAX_MESSAGES x (i32 start, end, flags): readRecord's error messages
//   ... TABLE: SLOTS slots of SLOT bytes: i32 id + 1 (0: free), i32 length, the name's bytes
//       zero-padded to MAX_NAME
//   ... CACHE: see CACHE
//   ... KEYS: the error keys' table, then the scratch where a key is made (assembly/error-key.ts)

/** Calls read by one readCalls or readRecord at most (a longer list takes several readCalls; a record, the JS reader). */
export const CAP: i32 = 4096;
/** Longest name the table keeps: the JS interner's MAX_INTERNED. */
export const MAX_NAME: i32 = 64;
const SLOTS: u32 = 2048; // the interner keeps at most 1,024 names: at most half full
const SLOT: usize = 8 + <usize>MAX_NAME;

const IDS: usize = 64;
const LATS: usize = IDS + 4 * <usize>CAP;
/** Seed members of a record read by readRecord at most. */
export const MAX_ENTRIES: i32 = 32;
/** Error messages of a record read by readRecord at most. */
export const MAX_MESSAGES: i32 = 1024;
export const ENTRIES: usize = LATS + 8 * <usize>CAP;
export const MESSAGES: usize = ENTRIES + 32 * <usize>MAX_ENTRIES;
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
/** The error keys' table (assembly/error-key.ts), and the scratch where a key is made. */
const KEYS: usize = CACHE + CACHE_SLOTS * 16;
/** Where errorKeyAt (assembly/tool-calls.ts) makes a key. */
export const KEY_OUT: usize = KEYS + <usize>KEY_SLOTS * KEY_SLOT;
export const KEYS_AT: usize = KEYS;
/** Bytes of scratch area needed. */
export const AREA_BYTES: usize = KEY_OUT + KEY_OUT_BYTES;

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
export function find(area: usize, s: usize, len: i32): usize {
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
export const NOT_COMPACT: usize = 0;
/** compactCall's answer for a compact call whose name is not in the table (its span in STATE+8) */
export const UNKNOWN: usize = 1;

/**
 * At the '{' at i: a compact call ending before n (see readCalls) into IDS / LATS at index k;
 * the address after its '}', or NOT_COMPACT, or UNKNOWN. Chunk addresses are never 0 or 1.
 */
@inline
export function compactCall(area: usize, i: usize, n: usize, k: i32): usize {
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
