// AssemblyScript: a whole seed session record read in one call (readRecord), the tool calls by
// assembly/compact-calls.ts's compactCall and every other token by assembly/json-tokens.ts; exported
// through assembly/tool-calls.ts, the module's entry. Not TypeScript (see there).
import { CAP, ENTRIES, MAX_ENTRIES, MAX_MESSAGES, MAX_NAME, MESSAGES, UNKNOWN, compactCall, find } from './compact-calls';
import { STR_ESCAPED, afterValue, closed, keyEnd, lit, num, numFast, numValue, skip, str, strFlags, ws } from './json-tokens';

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

// a duration's kind (entry field c)
/** its value is the entry's f64 */
export const DUR_VALUE: i32 = 0;
/** a number whose value is Number() of its text [a, b) */
export const DUR_TEXT: i32 = 1;
export const DUR_NULL: i32 = 2;
export const DUR_TRUE: i32 = 3;
export const DUR_FALSE: i32 = 4;

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
          p = afterValue(p, n, 0x7d);
          if (p == 0) return 0;
          if (closed) break;
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
      p = afterValue(p, n, 0x5d);
      if (p == 0) return 0;
      if (closed) break;
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
      p = afterValue(p, n, 0x5d);
      if (p == 0) return 0;
      if (closed) break;
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
      p = afterValue(p, n, 0x7d);
      if (p == 0) return NOT_RECORD;
      if (closed) {
        p++;
        status = RECORD;
        break;
      }
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
