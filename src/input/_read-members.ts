/**
 * The seed profile's members of a session record read straight from the bytes,
 * validating as they are read (issue 13): on a dense archive (200,000 sessions,
 * 6.4M tool calls) the fast decoder used to walk `tool_calls` once to validate it,
 * copy it into a string, `JSON.parse` it into objects, and `toSession` copied those
 * into ToolCalls again; `parseKeptMember` alone was a quarter of the run.
 *
 * `MemberReader.read` takes one member's value in one pass (_js-member-reader.ts says in
 * what form, and what it leaves to the scanner: NOT_READ). `MemberReader.readRecord` reads
 * a whole record, its other members skipped: here, by the WebAssembly record kernel when the
 * chunk lies in the kernel's memory (`kernelRecord`), else member by member in JS.
 *
 * The readers are split by what they read: the tokens (_token-reader.ts), the tool-call
 * list and its columns (_tool-call-reader.ts), the members one by one in JS
 * (_js-member-reader.ts), and here a whole record, by the record kernel first.
 */
import type { ToolColumns } from '../session.js';
import { ColumnSession } from './_column-session.js';
import { MAX_INTERNED, toolAndRepoNames as names } from './_intern.js';
import { JsMemberReader, K_ERRORS, K_REPO, K_SESSION_ID, K_TOOL_CALLS, NOT_READ, ReadErrors } from './_js-member-reader.js';
import { EMPTY } from './_token-reader.js';
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

export { K_DURATION, K_ERRORS, K_REPO, K_SESSION_ID, K_TOOL_CALLS, NOT_READ, ReadErrors, SEED_KEY_CODES } from './_js-member-reader.js';
export { ReadToolCalls } from './_tool-call-reader.js';

/** kernelRecord's mark of a member the record does not have */
const ABSENT: unique symbol = Symbol('absent');

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

/** Reads one member at a time (JsMemberReader), or a whole record; one per decoder. */
export class MemberReader extends JsMemberReader {
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
}
