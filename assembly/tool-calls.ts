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
//   0   STATE: i32 position, i32 calls read, i32 name start, i32 name end, i32 names kept
//   64  IDS: i32 x CAP, then LATS: f64 x CAP (the calls read by the last readCalls)
//   ... TABLE: SLOTS slots of SLOT bytes: i32 id + 1 (0: free), i32 length, the name's bytes
//       zero-padded to MAX_NAME

/** Calls read by one readCalls at most (a longer list takes several). */
export const CAP: i32 = 1024;
/** Longest name the table keeps: the JS interner's MAX_INTERNED. */
const MAX_NAME: i32 = 64;
const SLOTS: u32 = 2048; // the interner keeps at most 1,024 names: at most half full
const SLOT: usize = 8 + <usize>MAX_NAME;

const IDS: usize = 64;
const LATS: usize = IDS + 4 * <usize>CAP;
const TABLE: usize = LATS + 8 * <usize>CAP;
/** Bytes of scratch area needed. */
export const AREA_BYTES: usize = TABLE + <usize>SLOTS * SLOT;

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

/**
 * From the '{' at i, the compact calls before n, into IDS / LATS: CLOSED, AT_CALL, AFTER_CALL or
 * UNKNOWN_NAME (the position in STATE+0, the calls read in STATE+4). A compact call here is
 * exactly `{"tool":"NAME","latency_ms":N}`: NAME without '\' or control bytes, of at most
 * MAX_NAME bytes, in the table; N a positive integer of 1 to 15 digits (exact in an f64).
 */
export function readCalls(area: usize, i: usize, n: usize): i32 {
  const quote = i8x16.splat(0x22);
  const bslash = i8x16.splat(0x5c);
  const space = i8x16.splat(0x20);
  let k: i32 = 0;
  let status = AT_CALL;
  while (k < CAP) {
    // {"tool":"
    if (i + 9 >= n || load<u64>(i) != OPEN_TOOL || load<u8>(i, 8) != 0x22) break;
    const s = i + 9;
    // the name's closing quote, 16 bytes a step (a name of more than MAX_NAME bytes is not read)
    let e = s;
    while (true) {
      const v = v128.load(e);
      const bits = i8x16.bitmask(v128.or(v128.or(i8x16.eq(v, quote), i8x16.eq(v, bslash)), i8x16.lt_u(v, space)));
      if (bits != 0) {
        e += <usize>ctz(bits);
        break;
      }
      e += 16;
      if (e - s > <usize>MAX_NAME) break;
    }
    const len = <i32>(e - s);
    if (len > MAX_NAME || e >= n || load<u8>(e) != 0x22) break;
    // ,"latency_ms":
    if (e + 16 >= n || load<u64>(e, 1) != COMMA_LATENC || load<u32>(e, 9) != Y_MS || load<u16>(e, 13) != QUOTE_COLON) break;
    let p = e + 15;
    let c = <u32>load<u8>(p);
    if (c - 0x31 > 8) break; // not 1-9
    let v: u64 = <u64>(c - 0x30);
    const digits = p;
    while (++p < n) {
      c = <u32>load<u8>(p);
      if (c - 0x30 > 9) break;
      v = v * 10 + <u64>(c - 0x30);
    }
    if (p >= n || c != 0x7d || p - digits > 15) break;
    const slot = find(area, s, len);
    const id1 = load<i32>(slot);
    if (id1 == 0) {
      store<i32>(area, <i32>s, 8);
      store<i32>(area, <i32>e, 12);
      status = UNKNOWN_NAME;
      break;
    }
    store<i32>(area + IDS + (<usize>k << 2), id1 - 1);
    store<f64>(area + LATS + (<usize>k << 3), <f64>v);
    k++;
    i = p + 1;
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
