/**
 * The seed profile's members of a session record read by the JS token readers, one member
 * at a time, validating as they are read (issue 13; why: _read-members.ts). `read` takes one
 * member's value in one pass and gives it in the form `toSession` reads: `errors` as
 * `ReadErrors` (the truthy messages), `tool_calls` as `ReadToolCalls` (by the base class,
 * _tool-call-reader.ts), and session_id / repo / duration as the very values
 * `parseKeptMember` gives (a number used as a name keeps its Python spelling: see
 * python/py-num.ts). Tool names and repos are interned. `recordMembers` reads a whole
 * record so, its other members skipped: the path of a record the record kernel does not
 * read (_read-members.ts).
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
 */
import { pyNumber } from '../python/py-num.js';
import { ToolCallReader } from './_tool-call-reader.js';
import { EMPTY, KEY_MESSAGE, spells, LIT_FALSE, LIT_NULL, LIT_TRUE, NO_LIT, isDigit } from './_token-reader.js';

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

/** The seed keys as bytes, to tell a record's property names apart. */
const SEED_KEY_BYTES = [...SEED_KEY_CODES].map(([name, code]) => ({ name, bytes: Buffer.from(name, 'latin1'), code }));

/** Reads one member at a time, and a record member by member; the base of MemberReader. */
export class JsMemberReader extends ToolCallReader {
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

  protected recordMembers(n: number, memberBytes: number): Record<string, unknown> | undefined {
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
