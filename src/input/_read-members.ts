/**
 * The seed profile's members of a session record read straight from the bytes,
 * validating as they are read (issue 13): on a dense archive (200,000 sessions,
 * 6.4M tool calls) the fast decoder used to walk `tool_calls` once to validate it,
 * copy it into a string, `JSON.parse` it into objects, and `toSession` copied those
 * into ToolCalls again; `parseKeptMember` alone was a quarter of the run.
 *
 * `MemberReader.read` takes one member's value in one pass and gives it in the
 * form `toSession` reads: `errors` as `ReadErrors` (the truthy messages),
 * `tool_calls` as `ReadToolCalls` (columns of tool ids and latencies when every call
 * is compact with a name the interner keeps, else ToolCalls), and session_id / repo / duration as
 * the very values `parseKeptMember` gives (a number used as a name keeps its
 * Python spelling: see python/py-num.ts). Tool names and repos are interned.
 * `MemberReader.readRecord` reads a whole record so, its other members skipped.
 *
 * It reads only what it reads exactly, and says NOT_READ for everything else: the
 * decoder then scans the member as before and parses its text (`parseKeptMember`),
 * so every unusual shape keeps today's meaning and today's error. NOT_READ for:
 * the member not ending in this chunk (a number or a literal at its very end
 * too), anything that is not valid JSON (the scanner reports it, at its offset),
 * a newline in a JSON Lines record, escapes in a property name (`"\u0074ool"`),
 * a list or object as a tool, a message or a name, a latency that is not a number
 * or a boolean, a truthy message that is not a string, `errors` / `tool_calls`
 * that are not lists or hold a non-object (their malformed reasons come from
 * `toSession`), values nested deeper than 64 levels.
 * Duplicate keys are read in order, so the last one wins, as `JSON.parse` does.
 * A valid chunk's UTF-8 is checked by the decoder before it scans it; a sequence
 * cut by the chunk's end is never inside a member read here (that member does
 * not end in the chunk).
 *
 * The readers are split by what they read: the tokens (_token-reader.ts), the tool-call
 * list and its columns (_tool-call-reader.ts), and here the members and their dispatch.
 */
import { pyNumber } from '../python/py-num.js';
import type { ToolColumns } from '../session.js';
import { ColumnSession } from './_column-session.js';
import { MAX_INTERNED, toolAndRepoNames as names } from './_intern.js';
import { ToolCallReader } from './_tool-call-reader.js';
import {
  DUR_NULL,
  DUR_TEXT,
  DUR_TRUE,
  DUR_VALUE,
  RECORD,
  RECORD_UNKNOWN_NAME,
  STR_ESCAPED,
  STR_HIGH,
  type ToolCallKernel,
} from './wasm/tool-calls.js';
import { EMPTY, KEY_MESSAGE, spells, LIT_FALSE, LIT_NULL, LIT_TRUE, NO_LIT, isDigit } from './_token-reader.js';

export { ReadToolCalls } from './_tool-call-reader.js';

/**
 * The truthy messages of an `errors` list whose elements are all objects (read by toSession),
 * and, when the record kernel read them, the seed profile's key of each that it made from the
 * bytes (`ToolCallKernel.errorKey`; undefined where it left the key to `normalizeError`).
 */
export class ReadErrors {
  constructor(
    readonly messages: string[],
    readonly keys?: (string | undefined)[],
  ) {}
}

export const K_SESSION_ID = 1;
export const K_REPO = 2;
export const K_ERRORS = 3;
export const K_TOOL_CALLS = 4;
export const K_DURATION = 5;

/** The seed profile's keys (the reference's own), and how `read` reads each. */
export const SEED_KEY_CODES: ReadonlyMap<string, number> = new Map([
  ['session_id', K_SESSION_ID],
  ['repo', K_REPO],
  ['errors', K_ERRORS],
  ['tool_calls', K_TOOL_CALLS],
  ['duration_minutes', K_DURATION],
]);

export const NOT_READ = -1;

/** kernelRecord's mark of a member the record does not have */
const ABSENT: unique symbol = Symbol('absent');

/** The seed keys as bytes, to tell a record's property names apart. */
const SEED_KEY_BYTES = [...SEED_KEY_CODES].map(([name, code]) => ({ name, bytes: Buffer.from(name, 'latin1'), code }));

interface SliceMethods {
  latin1Slice(start: number, end: number): string;
  utf8Slice(start: number, end: number): string;
}
/**
 * Buffer's own decoders where Node has them, as profiles/packed.ts `decodeBytes` calls them:
 * `toString`'s argument checks and encoding lookup were ~0.1 s of the dense archive's run
 * (its 200,000 session ids and 300,000 error messages, `slice` and `toString` in a CPU profile).
 */
const DIRECT =
  typeof (Buffer.prototype as unknown as Partial<SliceMethods>).latin1Slice === 'function' &&
  typeof (Buffer.prototype as unknown as Partial<SliceMethods>).utf8Slice === 'function';

/** Reads one member at a time; one per decoder. */
export class MemberReader extends ToolCallReader {
  /**
   * Skip (validate) the value of a record's member that the seed profile does not read,
   * starting at buf[at]; the index after it, or NOT_READ (then the scanner walks it).
   */
  skipMember(buf: Buffer, at: number, n: number, oneLine: boolean): number {
    this.buf = buf;
    this.n = n;
    this.i = at;
    this.oneLine = oneLine;
    this.newlines = 0;
    const ok = this.skip(buf[at]!, 0);
    this.buf = EMPTY;
    return ok ? this.i : NOT_READ;
  }

  /**
   * Read the value of seed key `key` (a K_ code) that starts at buf[at] (its first
   * byte, not whitespace) and may extend to buf[n - 1]. Returns the index just after
   * the value, or NOT_READ (nothing is kept then). `oneLine`: the record is a JSON
   * Lines record, which a newline would end.
   */
  read(key: number, buf: Buffer, at: number, n: number, oneLine: boolean): number {
    this.buf = buf;
    this.n = n;
    this.i = at;
    this.oneLine = oneLine;
    this.newlines = 0;
    this.value = undefined;
    const ok = this.member(key);
    this.buf = EMPTY; // keep no chunk alive
    if (!ok) {
      this.value = undefined;
      return NOT_READ;
    }
    return this.i;
  }

  /**
   * At '{': a whole session record of an archive whose shape is known, its kept members
   * read (as `read` reads each, none of them `memberBytes` long or longer) and the others
   * skipped, in one pass instead of one scanner walk and one call per member: the object
   * of its kept members in `value` (a `ColumnSession` when the kernel read it with its tool
   * calls, see kernelRecord), the index after it; or NOT_READ for anything else
   * (a name with escapes, a member too long, one the readers leave to the scanner, the
   * record not ending in this chunk): the decoder then walks the record as before.
   */
  readRecord(buf: Buffer, at: number, n: number, oneLine: boolean, memberBytes: number): number {
    this.buf = buf;
    this.n = n;
    this.i = at + 1;
    this.oneLine = oneLine;
    this.newlines = 0;
    const kernel = this.kernel;
    if (kernel !== undefined && buf.buffer === kernel.memory) {
      const record = this.kernelRecord(kernel, at, memberBytes);
      if (record !== undefined) {
        this.buf = EMPTY; // keep no chunk alive
        this.value = record;
        return this.i;
      }
    }
    const ids = this.ids;
    const used = this.used;
    const record = this.recordMembers(n, memberBytes);
    this.buf = EMPTY; // keep no chunk alive
    this.n = n;
    if (record === undefined) {
      if (this.ids === ids) this.used = used; // the columns of a tool_calls read before it failed
      this.value = undefined;
      return NOT_READ;
    }
    this.value = record;
    return this.i;
  }

  /**
   * The record at buf[at] read by the WebAssembly kernel (assembly/tool-calls.ts `readRecord`),
   * as recordMembers reads it, this.i after it; undefined when the kernel does not read it
   * (nothing is kept then: recordMembers reads it). The kernel gives where each seed member's
   * value lies and what it is; the strings are made here, as `text` and `name` make them.
   * A record with tool calls (nearly all) becomes the session itself, with the reference's
   * defaults, as toSession would make it of the record object: one object instead of the
   * record, its `ReadErrors` and `ReadToolCalls` and then the session (toSession checks only
   * its duration).
   */
  private kernelRecord(kernel: ToolCallKernel, at: number, memberBytes: number): unknown {
    const buf = this.buf;
    const base = buf.byteOffset;
    for (;;) {
      const status = kernel.record(base + at, base + this.n, memberBytes);
      if (status === RECORD) break;
      if (status !== RECORD_UNKNOWN_NAME || !this.registerName(kernel)) return undefined;
    }
    const state = kernel.state;
    const entries = kernel.entries;
    // each member's value, or ABSENT (a duplicate member: the last one, as JSON.parse keeps)
    let id: unknown = ABSENT;
    let repo: unknown = ABSENT;
    let duration: unknown = ABSENT;
    let messages: string[] | undefined;
    let keys: (string | undefined)[] | undefined;
    let calls: ToolColumns | undefined;
    for (let k = 0, count = state[5]!; k < count; k++) {
      const o = k << 3;
      const a = entries[o + 1]!;
      const b = entries[o + 2]!;
      const c = entries[o + 3]!;
      switch (entries[o]) {
        case K_SESSION_ID:
          id = this.textAt(a - base, b - base, c);
          break;
        case K_REPO: {
          const name = entries[o + 4]!;
          repo = name >= 0 ? names.texts[name] : this.repoAt(kernel, a - base, b - base, c);
          break;
        }
        case K_ERRORS: {
          const spans = kernel.messages;
          messages = new Array(b);
          keys = new Array(b);
          for (let m = 0; m < b; m++) {
            const q = (a + m) * 3;
            const s = spans[q]!;
            const e = spans[q + 1]!;
            const flags = spans[q + 2]!;
            messages[m] = this.textAt(s - base, e - base, flags);
            // the key from the bytes where they lie (a message with escapes: normalizeError's)
            keys[m] = (flags & STR_ESCAPED) === 0 ? kernel.errorKey(s, e) : undefined;
          }
          break;
        }
        case K_TOOL_CALLS:
          calls = this.kernelColumns(kernel, a, b);
          break;
        default:
          duration =
            c === DUR_VALUE
              ? kernel.entryValues[4 * k + 3]
              : c === DUR_TEXT
                ? Number(buf.toString('latin1', a - base, b - base))
                : c === DUR_NULL
                  ? null
                  : c === DUR_TRUE;
      }
    }
    this.i = state[0]! - base;
    if (calls !== undefined) {
      // the session itself, with the reference's defaults (toSession checks its duration)
      return new ColumnSession(
        id === ABSENT ? 'unknown' : (id as string),
        repo === ABSENT ? 'global' : (repo as string),
        messages ?? [],
        keys,
        calls,
        duration === ABSENT ? 0 : typeof duration === 'boolean' ? (duration ? 1 : 0) : (duration as number | null),
      );
    }
    // no tool_calls: the record of the members it has, as recordMembers makes it
    const record: Record<string, unknown> = {};
    if (id !== ABSENT) record['session_id'] = id;
    if (repo !== ABSENT) record['repo'] = repo;
    if (messages !== undefined) record['errors'] = new ReadErrors(messages, keys);
    if (duration !== ABSENT) record['duration_minutes'] = duration;
    return record;
  }

  /** The string buf[s, e) (between its quotes) with flags STR_*, as `text` makes it. */
  private textAt(s: number, e: number, flags: number): string {
    const buf = this.buf;
    if ((flags & STR_ESCAPED) !== 0) return JSON.parse(buf.toString('utf8', s - 1, e + 1)) as string;
    if (DIRECT)
      return (flags & STR_HIGH) !== 0 ? (buf as unknown as SliceMethods).utf8Slice(s, e) : (buf as unknown as SliceMethods).latin1Slice(s, e);
    return buf.toString((flags & STR_HIGH) !== 0 ? 'utf8' : 'latin1', s, e);
  }

  /** A repo the kernel does not know, as `name` makes it (a name the interner keeps is registered with the kernel). */
  private repoAt(kernel: ToolCallKernel, s: number, e: number, flags: number): string {
    const buf = this.buf;
    if ((flags & STR_ESCAPED) !== 0 || e - s > MAX_INTERNED) return this.textAt(s, e, flags);
    let high = 0;
    for (let k = s; k < e; k++) high |= buf[k]!;
    const id = names.id(buf, s, e, high >= 0x80);
    if (id < 0) return names.get(buf, s, e, high >= 0x80);
    kernel.register(buf.byteOffset + s, e - s, id);
    return names.texts[id]!;
  }

  private recordMembers(n: number, memberBytes: number): Record<string, unknown> | undefined {
    const record: Record<string, unknown> = {};
    let c = this.peek();
    if (c !== 0x7d) {
      for (;;) {
        const k = this.recordKey(c);
        if (k < 0) return undefined;
        c = this.peek();
        if (k === 0) {
          if (!this.skip(c, 0)) return undefined;
        } else {
          const seedKey = SEED_KEY_BYTES[k - 1]!;
          this.n = Math.min(n, this.i + memberBytes);
          const ok = this.member(seedKey.code);
          this.n = n;
          if (!ok) return undefined;
          record[seedKey.name] = this.value;
        }
        c = this.peek();
        if (c === 0x2c) {
          this.i++;
          c = this.peek();
        } else if (c === 0x7d) break;
        else return undefined;
      }
    }
    this.i++;
    return record;
  }

  /**
   * A record's property name at byte c and its ':': 1 + its index in SEED_KEY_BYTES, 0 for a
   * name the seed does not read, -1 for a name with escapes (or not read).
   */
  private recordKey(c: number): number {
    if (c !== 0x22 || !this.str() || this.sEsc) return -1;
    const s = this.sStart;
    const len = this.sEnd - s;
    let key = 0;
    for (let k = 0; k < SEED_KEY_BYTES.length; k++) {
      const bytes = SEED_KEY_BYTES[k]!.bytes;
      if (bytes.length === len && spells(this.buf, s, bytes)) {
        key = k + 1;
        break;
      }
    }
    if (this.peek() !== 0x3a) return -1;
    this.i++;
    return key;
  }

  /** The value of seed key `key` (a K_ code) at buf[i], in `value`. */
  private member(key: number): boolean {
    switch (key) {
      case K_TOOL_CALLS:
        return this.toolCalls();
      case K_ERRORS:
        return this.errors();
      case K_DURATION:
        return this.duration();
      default:
        return this.nameMember(key === K_REPO);
    }
  }

  private errors(): boolean {
    if (this.buf[this.i] !== 0x5b) return false;
    this.i++;
    const messages: string[] = [];
    let c = this.peek();
    if (c !== 0x5d) {
      for (;;) {
        if (c !== 0x7b || !this.error(messages)) return false;
        c = this.peek();
        if (c === 0x2c) {
          this.i++;
          c = this.peek();
        } else if (c === 0x5d) break;
        else return false;
      }
    }
    this.i++;
    this.value = new ReadErrors(messages);
    return true;
  }

  /** At '{': one error; its message is kept when it is a non-empty string (null, false: ignored). */
  private error(messages: string[]): boolean {
    this.i++;
    let message = '';
    let c = this.peek();
    if (c !== 0x7d) {
      for (;;) {
        const key = this.key(c);
        if (key < 0) return false;
        c = this.peek();
        if (key === KEY_MESSAGE) {
          if (c === 0x22) {
            if (!this.str()) return false;
            message = this.text();
          } else {
            const lit = this.lit(c);
            if (lit !== LIT_NULL && lit !== LIT_FALSE) return false;
            message = '';
          }
        } else if (!this.skip(c, 0)) return false;
        c = this.peek();
        if (c === 0x2c) {
          this.i++;
          c = this.peek();
        } else if (c === 0x7d) break;
        else return false;
      }
    }
    this.i++;
    if (message !== '') messages.push(message);
    return true;
  }

  /** session_id or repo: a string, a number (its Python spelling), true, false or null. */
  private nameMember(intern: boolean): boolean {
    const c = this.buf[this.i]!;
    if (c === 0x22) {
      const text = intern ? this.name() : this.str() ? this.text() : undefined;
      if (text === undefined) return false;
      this.value = text;
      return true;
    }
    if (c === 0x2d || isDigit(c)) {
      if (!this.num()) return false;
      this.value = pyNumber(this.buf.toString('latin1', this.nStart, this.i));
      return true;
    }
    const lit = this.lit(c);
    if (lit === NO_LIT) return false;
    this.value = lit === LIT_NULL ? null : lit === LIT_TRUE;
    return true;
  }

  /** duration_minutes: a number (as JSON.parse reads it), true, false or null. */
  private duration(): boolean {
    const c = this.buf[this.i]!;
    if (c === 0x2d || isDigit(c)) {
      if (!this.num()) return false;
      this.value = this.nValue;
      return true;
    }
    const lit = this.lit(c);
    if (lit === NO_LIT) return false;
    this.value = lit === LIT_NULL ? null : lit === LIT_TRUE;
    return true;
  }
}
