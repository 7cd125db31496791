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
import type { NameValue, ToolCall, ToolColumns } from '../session.js';
import { Interner, MAX_INTERNED } from './_intern.js';

/** The truthy messages of an `errors` list whose elements are all objects (read by toSession). */
export class ReadErrors {
  constructor(readonly messages: string[]) {}
}

/**
 * A `tool_calls` list whose elements are all objects, as ToolCalls, or as columns
 * when every tool is a string the interner keeps (read by toSession).
 */
export class ReadToolCalls {
  constructor(readonly calls: ToolCall[] | ToolColumns) {}
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

const MAX_DEPTH = 64;
/**
 * Calls per block of tool-call columns (~0.8 MB, the calls of ~2,000 dense sessions):
 * the sessions of a chunk share a block, and a full one is left to them and replaced.
 */
const COLUMN_CALLS = 65536;
/** Longest string skipped here: longer ones go faster through the scanner's 4-bytes-a-step loop. */
const SHORT_STRING = 256;

/** 1 for the one-character escapes after '\': " \ / b f n r t */
const ESC1 = new Uint8Array(256);
for (const c of '"\\/bfnrt') ESC1[c.charCodeAt(0)] = 1;
const HEX = new Uint8Array(256);
for (const c of '0123456789abcdefABCDEF') HEX[c.charCodeAt(0)] = 1;

const LIT_FALSE = 0;
const LIT_TRUE = 1;
const LIT_NULL = 2;
const NO_LIT = -1;

// tool call keys
const KEY_OTHER = 0;
const KEY_TOOL = 1;
const KEY_LATENCY = 2;
const KEY_MESSAGE = 3;

/** Tool names and repos, for the whole process (a folder of files shares them). */
const names = new Interner();

const EMPTY = Buffer.alloc(0);

const TOOL = Buffer.from('tool', 'latin1');
const LATENCY_MS = Buffer.from('latency_ms', 'latin1');
const MESSAGE = Buffer.from('message', 'latin1');

/** buf[s, s + word.length) spells word. */
function spells(buf: Buffer, s: number, word: Uint8Array): boolean {
  for (let k = 0; k < word.length; k++) if (buf[s + k] !== word[k]) return false;
  return true;
}

const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;

/** 4 bytes of latin1 text as DataView.getInt32(_, true) reads them */
const word = (text: string): number => Buffer.from(text, 'latin1').readInt32LE(0);
const W_OPEN_TO = word('{"to');
const W_OL_COLON = word('ol":');
const W_COMMA_LA = word(',"la');
const W_TENC = word('tenc');
const W_Y_MS = word('y_ms');

/** Reads one member at a time; one per decoder. */
export class MemberReader {
  private buf: Buffer = EMPTY;
  private n = 0;
  private i = 0;
  private oneLine = false;
  /** newlines inside the member read last */
  newlines = 0;
  /** the value of the member read last */
  value: unknown = undefined;

  // the last string: its content buf[sStart, sEnd), with escapes, with bytes >= 0x80
  private sStart = 0;
  private sEnd = 0;
  private sEsc = false;
  private sHigh = false;
  // the last number: buf[nStart, i), its value
  private nStart = 0;
  private nValue = 0;
  // the last compact tool call: its name buf[cStart, cEnd), with bytes >= 0x80, its latency
  private cStart = 0;
  private cEnd = 0;
  private cHigh = false;
  private cLatency = 0;
  // buf as 4-byte words for compactAt (made again only for a new chunk, so it keeps one chunk alive)
  private view: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));
  private viewOf: Buffer = EMPTY;
  // the tool-call columns: calls [runStart, used) are the list being read
  private ids = new Int32Array(COLUMN_CALLS);
  private lats = new Float64Array(COLUMN_CALLS);
  private used = 0;
  private runStart = 0;

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
    let ok: boolean;
    switch (key) {
      case K_TOOL_CALLS:
        if (this.viewOf !== buf) {
          this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
          this.viewOf = buf;
        }
        ok = this.toolCalls();
        break;
      case K_ERRORS:
        ok = this.errors();
        break;
      case K_DURATION:
        ok = this.duration();
        break;
      default:
        ok = this.nameMember(key === K_REPO);
    }
    this.buf = EMPTY; // keep no chunk alive
    if (!ok) {
      this.value = undefined;
      return NOT_READ;
    }
    return this.i;
  }

  // ---- the members ---------------------------------------------------------------

  private toolCalls(): boolean {
    this.runStart = this.used;
    const ok = this.toolCallList();
    if (!ok) this.used = this.runStart;
    return ok;
  }

  /**
   * The list, its calls in the columns while every one is compact with a name the
   * interner keeps (nearly always), else as ToolCalls from the first that is not.
   */
  private toolCallList(): boolean {
    if (this.buf[this.i] !== 0x5b) return false;
    this.i++;
    let calls: ToolCall[] | undefined;
    let c = this.peek();
    if (c !== 0x5d) {
      for (;;) {
        if (c !== 0x7b) return false;
        if (calls === undefined && !this.compactColumns()) calls = this.runCalls();
        if (calls !== undefined && !(this.compactCall(calls) || this.toolCall(calls))) return false;
        c = this.peek();
        if (c === 0x2c) {
          this.i++;
          c = this.peek();
        } else if (c === 0x5d) break;
        else return false;
      }
    }
    this.i++;
    this.value = new ReadToolCalls(
      calls ?? {
        n: this.used - this.runStart,
        start: this.runStart,
        ids: this.ids,
        latencies: this.lats,
        texts: names.texts,
        keys: names.keys,
      },
    );
    return true;
  }

  /** The calls put in the columns for this list so far, as ToolCalls (taken out of the columns). */
  private runCalls(): ToolCall[] {
    const calls: ToolCall[] = [];
    for (let k = this.runStart; k < this.used; k++) calls.push({ tool: names.texts[this.ids[k]!]!, latency_ms: this.lats[k]! });
    this.used = this.runStart;
    return calls;
  }

  /**
   * At '{': compact tool calls (see compactAt) into the columns, their names as ids, as
   * many as follow one another with a bare ',' between them (without going back to the
   * list's loop for each: ~10% less CPU in reading tool calls, measured alone); this.i
   * is then at the byte after the last one. False, with nothing read, if the first is
   * not compact or has a name the interner does not keep.
   */
  private compactColumns(): boolean {
    const buf = this.buf;
    let read = false;
    for (;;) {
      const end = this.compactAt();
      const id = end < 0 ? -1 : names.id(buf, this.cStart, this.cEnd, this.cHigh);
      if (id < 0) {
        if (read) this.i--; // back to the ',' after the last call read
        return read;
      }
      if (this.used === this.ids.length) this.newColumns();
      this.ids[this.used] = id;
      this.lats[this.used] = this.cLatency;
      this.used++;
      read = true;
      if (buf[end] !== 0x2c || buf[end + 1] !== 0x7b) {
        this.i = end;
        return true;
      }
      this.i = end + 1;
    }
  }

  /** Fresh columns, with this list's calls so far moved to their start (the old ones stay with the sessions that use them). */
  private newColumns(): void {
    const run = this.used - this.runStart;
    const size = Math.max(COLUMN_CALLS, run * 2);
    const ids = new Int32Array(size);
    const lats = new Float64Array(size);
    ids.set(this.ids.subarray(this.runStart, this.used));
    lats.set(this.lats.subarray(this.runStart, this.used));
    this.ids = ids;
    this.lats = lats;
    this.runStart = 0;
    this.used = run;
  }

  /** At '{': a compact tool call (see compactAt) as a ToolCall; false, with nothing read, for any other. */
  private compactCall(calls: ToolCall[]): boolean {
    const end = this.compactAt();
    if (end < 0) return false;
    calls.push({ tool: names.get(this.buf, this.cStart, this.cEnd, this.cHigh), latency_ms: this.cLatency });
    this.i = end;
    return true;
  }

  /**
   * compactAt for the layout without spaces, as a dense archive writes every call: the
   * fixed parts compared 4 bytes at a time (`{"to` `ol":` and `,"la` `tenc` `y_ms`), ~2/3
   * fewer byte steps per call; any other layout goes to compactAtSpaced.
   */
  private compactAt(): number {
    const buf = this.buf;
    const dv = this.view;
    const n = this.n;
    const i0 = this.i;
    if (i0 + 9 >= n || dv.getInt32(i0, true) !== W_OPEN_TO || dv.getInt32(i0 + 4, true) !== W_OL_COLON || buf[i0 + 8] !== 0x22) {
      return this.compactAtSpaced();
    }
    const s = i0 + 9;
    let i = s;
    let high = 0;
    for (;;) {
      if (i >= n) return -1;
      const c = buf[i]!;
      if (c === 0x22) break;
      if (c === 0x5c || c < 0x20) return -1;
      high |= c;
      i++;
    }
    const e = i;
    if (e - s > MAX_INTERNED || e + 16 >= n) return -1;
    if (
      dv.getInt32(e + 1, true) !== W_COMMA_LA ||
      dv.getInt32(e + 5, true) !== W_TENC ||
      dv.getInt32(e + 9, true) !== W_Y_MS ||
      buf[e + 13] !== 0x22 ||
      buf[e + 14] !== 0x3a
    ) {
      return this.compactAtSpaced();
    }
    return this.compactLatency(e + 15, s, e, high);
  }

  /**
   * At '{': a tool call written `{"tool":"NAME","latency_ms":N}` (N a positive integer of
   * at most 15 digits; a space allowed after ':' and ','), as nearly every one is, read
   * without the general loop: the index after it, its name in buf[cStart, cEnd) (cHigh:
   * with bytes >= 0x80) and its latency in cLatency; -1 for any other layout (nothing is
   * read). Measured on the dense archive: ~35% less CPU in reading tool calls.
   */
  private compactAtSpaced(): number {
    const buf = this.buf;
    const n = this.n;
    let i = this.i + 1;
    if (i + 8 >= n || buf[i] !== 0x22 || buf[i + 5] !== 0x22 || buf[i + 6] !== 0x3a || !spells(buf, i + 1, TOOL)) return -1;
    i += 7;
    if (buf[i] === 0x20) i++;
    if (buf[i] !== 0x22) return -1;
    const s = ++i;
    let high = 0;
    for (;;) {
      if (i >= n) return -1;
      const c = buf[i]!;
      if (c === 0x22) break;
      if (c === 0x5c || c < 0x20) return -1;
      high |= c;
      i++;
    }
    const e = i++;
    if (e - s > MAX_INTERNED || i + 16 >= n || buf[i] !== 0x2c) return -1;
    if (buf[++i] === 0x20) i++;
    if (buf[i] !== 0x22 || buf[i + 11] !== 0x22 || buf[i + 12] !== 0x3a || !spells(buf, i + 1, LATENCY_MS)) return -1;
    i += 13;
    if (buf[i] === 0x20) i++;
    return this.compactLatency(i, s, e, high);
  }

  /**
   * At buf[i]: the latency of a compact call whose name is buf[s, e) (`high`: its bytes
   * or'ed), a positive integer of at most 15 digits, then its '}': the index after it, the
   * call in cStart/cEnd/cHigh/cLatency; -1 for anything else.
   */
  private compactLatency(i: number, s: number, e: number, high: number): number {
    const buf = this.buf;
    const n = this.n;
    let c = buf[i]!;
    if (c < 0x31 || c > 0x39) return -1;
    const digits = i;
    let v = c - 0x30;
    while (++i < n) {
      c = buf[i]!;
      if (c < 0x30 || c > 0x39) break;
      v = v * 10 + (c - 0x30);
    }
    if (i >= n || c !== 0x7d || i - digits > 15) return -1;
    this.cStart = s;
    this.cEnd = e;
    this.cHigh = high >= 0x80;
    this.cLatency = v;
    return i + 1;
  }

  /** At '{': one tool call, as toSession reads it (a missing latency is 0, a boolean 1 or 0). */
  private toolCall(calls: ToolCall[]): boolean {
    this.i++;
    let tool: NameValue | undefined;
    let latency = 0;
    let c = this.peek();
    if (c !== 0x7d) {
      for (;;) {
        const key = this.callKey(c);
        if (key < 0) return false;
        c = this.peek();
        if (key === KEY_TOOL) {
          if (c === 0x22) {
            const name = this.name();
            if (name === undefined) return false;
            tool = name;
          } else if (c === 0x2d || isDigit(c)) {
            if (!this.num()) return false;
            tool = pyNumber(this.buf.toString('latin1', this.nStart, this.i));
          } else {
            const lit = this.lit(c);
            if (lit === NO_LIT) return false;
            tool = lit === LIT_NULL ? null : lit === LIT_TRUE;
          }
        } else if (key === KEY_LATENCY) {
          if (c === 0x2d || isDigit(c)) {
            if (!this.num()) return false;
            latency = this.nValue;
          } else {
            const lit = this.lit(c);
            if (lit !== LIT_TRUE && lit !== LIT_FALSE) return false;
            latency = lit;
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
    calls.push({ tool, latency_ms: latency });
    return true;
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

  // ---- tokens --------------------------------------------------------------------

  /** Skip whitespace; the byte there, or -1 (the chunk ends, or a newline ends a JSON Lines record). */
  private peek(): number {
    const buf = this.buf;
    const n = this.n;
    let i = this.i;
    while (i < n) {
      const c = buf[i]!;
      if (c > 0x20) {
        this.i = i;
        return c;
      }
      if (c === 0x0a) {
        if (this.oneLine) return -1;
        this.newlines++;
      } else if (c !== 0x20 && c !== 0x09 && c !== 0x0d) return -1;
      i++;
    }
    return -1;
  }

  /** A tool call's property name at byte c and its ':' (KEY_TOOL, KEY_LATENCY, KEY_OTHER), or -1. */
  private callKey(c: number): number {
    // "tool" and "latency_ms" as they are nearly always written, without a second look
    const buf = this.buf;
    const i = this.i;
    let end = -1;
    let key = KEY_OTHER;
    if (c === 0x22 && i + 12 < this.n) {
      const b = buf[i + 1];
      if (b === 0x74 && buf[i + 5] === 0x22 && spells(buf, i + 1, TOOL)) {
        end = i + 6;
        key = KEY_TOOL;
      } else if (b === 0x6c && buf[i + 11] === 0x22 && spells(buf, i + 1, LATENCY_MS)) {
        end = i + 12;
        key = KEY_LATENCY;
      }
    }
    if (end < 0) return this.key(c);
    if (buf[end] === 0x3a) this.i = end + 1;
    else {
      this.i = end;
      if (this.peek() !== 0x3a) return -1;
      this.i++;
    }
    return key;
  }

  /** At '"': a tool name or a repo, interned; undefined if not read. */
  private name(): string | undefined {
    const buf = this.buf;
    const n = this.n;
    const s = this.i + 1;
    let high = 0;
    for (let i = s; i < n; i++) {
      const c = buf[i]!;
      if (c === 0x22) {
        this.i = i + 1;
        return i - s > MAX_INTERNED ? buf.toString(high >= 0x80 ? 'utf8' : 'latin1', s, i) : names.get(buf, s, i, high >= 0x80);
      }
      if (c === 0x5c || c < 0x20) {
        // an escape (or an error): the general way
        if (!this.str()) return undefined;
        return this.text();
      }
      high |= c;
    }
    return undefined;
  }

  /** A property name at byte c and its ':'; which one it is (KEY_*), or -1. Names with escapes are not read. */
  private key(c: number): number {
    if (c !== 0x22 || !this.str() || this.sEsc) return -1;
    const buf = this.buf;
    const s = this.sStart;
    let key = KEY_OTHER;
    const len = this.sEnd - s;
    if (len === TOOL.length && spells(buf, s, TOOL)) key = KEY_TOOL;
    else if (len === LATENCY_MS.length && spells(buf, s, LATENCY_MS)) key = KEY_LATENCY;
    else if (len === MESSAGE.length && spells(buf, s, MESSAGE)) key = KEY_MESSAGE;
    if (this.peek() !== 0x3a) return -1;
    this.i++;
    return key;
  }

  /** At '"': a string that ends in this chunk; its content is buf[sStart, sEnd). */
  private str(): boolean {
    return this.strBefore(this.n);
  }

  /**
   * At '"': a string of at most SHORT_STRING bytes that ends in this chunk, skipped.
   * A longer one (a transcript's message) is left to the scanner's wider string loop.
   */
  private shortStr(): boolean {
    return this.strBefore(Math.min(this.n, this.i + 1 + SHORT_STRING));
  }

  /** At '"': a string that ends before buf[n]; its content is buf[sStart, sEnd). */
  private strBefore(n: number): boolean {
    const buf = this.buf;
    let i = this.i + 1;
    const s = i;
    let esc = false;
    let high = 0;
    for (;;) {
      if (i >= n) return false;
      const c = buf[i]!;
      if (c === 0x22) break;
      if (c === 0x5c) {
        if (i + 1 >= n) return false;
        const e = buf[i + 1]!;
        if (ESC1[e] === 1) i += 2;
        else if (e === 0x75 && i + 5 < n && (HEX[buf[i + 2]!]! & HEX[buf[i + 3]!]! & HEX[buf[i + 4]!]! & HEX[buf[i + 5]!]!) === 1) i += 6;
        else return false;
        esc = true;
        continue;
      }
      if (c < 0x20) return false;
      high |= c;
      i++;
    }
    this.sStart = s;
    this.sEnd = i;
    this.sEsc = esc;
    this.sHigh = high >= 0x80;
    this.i = i + 1;
    return true;
  }

  /** The last string's value, exactly as JSON.parse reads it. */
  private text(): string {
    if (this.sEsc) return JSON.parse(this.buf.toString('utf8', this.sStart - 1, this.sEnd + 1)) as string;
    return this.buf.toString(this.sHigh ? 'utf8' : 'latin1', this.sStart, this.sEnd);
  }

  /**
   * At '-' or a digit: a JSON number followed by a byte of this chunk (else it might
   * go on in the next one). Its value is what JSON.parse reads.
   */
  private num(): boolean {
    const buf = this.buf;
    const n = this.n;
    const s = this.i;
    let i = s;
    const neg = buf[i] === 0x2d;
    if (neg && ++i >= n) return false;
    let c = buf[i]!;
    let v = 0;
    if (c === 0x30) i++;
    else if (c >= 0x31 && c <= 0x39) {
      v = c - 0x30;
      while (++i < n) {
        c = buf[i]!;
        if (c < 0x30 || c > 0x39) break;
        v = v * 10 + (c - 0x30);
      }
    } else return false;
    if (i >= n) return false; // the number may go on in the next chunk
    c = buf[i]!;
    let simple = true;
    if (c === 0x2e) {
      simple = false;
      i = this.digits(i + 1);
      if (i < 0) return false;
      c = buf[i]!;
    }
    if (c === 0x65 || c === 0x45) {
      simple = false;
      i++;
      if (i < n && (buf[i] === 0x2b || buf[i] === 0x2d)) i++;
      i = this.digits(i);
      if (i < 0) return false;
      c = buf[i]!;
    }
    if (c >= 0x30 && c <= 0x39) return false; // a digit after a leading 0
    this.nStart = s;
    this.i = i;
    // at most 15 digits: v is exact
    this.nValue = simple && i - s <= 15 ? (neg ? -v : v) : Number(buf.toString('latin1', s, i));
    return true;
  }

  /** One or more digits from buf[i]; the index after them (a byte of this chunk), or -1. */
  private digits(i: number): number {
    const buf = this.buf;
    const n = this.n;
    const s = i;
    while (i < n) {
      const c = buf[i]!;
      if (c < 0x30 || c > 0x39) break;
      i++;
    }
    return i === s || i >= n ? -1 : i;
  }

  /** A literal starting with byte c: LIT_TRUE, LIT_FALSE, LIT_NULL, or NO_LIT. */
  private lit(c: number): number {
    const buf = this.buf;
    const i = this.i;
    if (c === 0x74) {
      if (i + 4 > this.n || buf[i + 1] !== 0x72 || buf[i + 2] !== 0x75 || buf[i + 3] !== 0x65) return NO_LIT;
      this.i = i + 4;
      return LIT_TRUE;
    }
    if (c === 0x66) {
      if (i + 5 > this.n || buf[i + 1] !== 0x61 || buf[i + 2] !== 0x6c || buf[i + 3] !== 0x73 || buf[i + 4] !== 0x65) return NO_LIT;
      this.i = i + 5;
      return LIT_FALSE;
    }
    if (c === 0x6e) {
      if (i + 4 > this.n || buf[i + 1] !== 0x75 || buf[i + 2] !== 0x6c || buf[i + 3] !== 0x6c) return NO_LIT;
      this.i = i + 4;
      return LIT_NULL;
    }
    return NO_LIT;
  }

  /** Any JSON value starting with byte c, validated and skipped. */
  private skip(c: number, depth: number): boolean {
    if (c === 0x22) return this.shortStr();
    if (c === 0x2d || isDigit(c)) return this.num();
    if (c === 0x7b || c === 0x5b) {
      if (depth >= MAX_DEPTH) return false;
      const close = c + 2; // '}' or ']'
      this.i++;
      c = this.peek();
      if (c === close) {
        this.i++;
        return true;
      }
      for (;;) {
        if (close === 0x7d) {
          if (this.key(c) < 0) return false;
          c = this.peek();
        }
        if (!this.skip(c, depth + 1)) return false;
        c = this.peek();
        if (c === 0x2c) {
          this.i++;
          c = this.peek();
        } else if (c === close) {
          this.i++;
          return true;
        } else return false;
      }
    }
    return this.lit(c) !== NO_LIT;
  }
}
