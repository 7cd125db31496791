/**
 * The `tool_calls` member of a seed session read straight from the bytes (see
 * _read-members.ts): a list of calls, kept as columns of tool ids and latencies
 * (`ToolColumns` in session.ts) while every call is compact (`{"tool":"NAME","latency_ms":N}`)
 * with a name the interner keeps (nearly always), else as ToolCalls from the first that is
 * not. The columns are blocks shared by the sessions of a chunk.
 */
import { pyNumber } from '../python/py-num.js';
import type { NameValue, ToolCall, ToolColumns } from '../session.js';
import { MAX_INTERNED, toolAndRepoNames as names } from './_intern.js';
import { KEY_LATENCY, KEY_OTHER, KEY_TOOL, LATENCY_MS, LIT_NULL, LIT_TRUE, LIT_FALSE, NO_LIT, TOOL, isDigit, spells } from './_token-reader.js';
import { CompactCallReader } from './_compact-call-reader.js';
import type { StringKernel } from './wasm/string-scan.js';
import { AFTER_CALL, AT_CALL, CLOSED, type ToolCallKernel, UNKNOWN_NAME } from './wasm/tool-calls.js';

/**
 * A `tool_calls` list whose elements are all objects, as ToolCalls, or as columns
 * when every tool is a string the interner keeps (read by toSession).
 */
export class ReadToolCalls {
  constructor(readonly calls: ToolCall[] | ToolColumns) {}
}

/**
 * Calls per block of tool-call columns (~0.8 MB, the calls of ~2,000 dense sessions):
 * the sessions of a chunk share a block, and a full one is left to them and replaced.
 */
const COLUMN_CALLS = 65536;

/**
 * Calls of a reader's first block; each next block doubles, up to COLUMN_CALLS. Why not
 * COLUMN_CALLS at once: every decoder the JIT priming makes (_decoder-priming.ts) allocated
 * 0.8 MB of columns it never filled, 1.7 ms a decoder, ~40 ms of every run's start-up.
 */
const FIRST_COLUMN_CALLS = 64;

/** Reads a `tool_calls` list (and the names it interns); the base of MemberReader. */
export class ToolCallReader extends CompactCallReader {
  /** the value of the member read last */
  value: unknown = undefined;

  // the tool-call columns: calls [runStart, used) are the list being read
  protected ids = new Int32Array(0);
  protected lats = new Float64Array(0);
  protected used = 0;
  protected runStart = 0;

  /**
   * `kernel`: reads the compact calls of a list in WebAssembly, where the chunk is in its memory
   * (see wasm/tool-calls.ts); `strings`: the decoder's string kernel, which skips long strings
   * (see TokenReader `skipStr`).
   */
  constructor(
    protected readonly kernel: ToolCallKernel | undefined = undefined,
    strings: StringKernel | undefined = undefined,
  ) {
    super();
    this.strings = strings;
  }

  /** At '[': the tool_calls list, as a ReadToolCalls in `value`; false, with nothing kept, if not read. */
  protected toolCalls(): boolean {
    const buf = this.buf;
    if (this.viewOf !== buf) {
      this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
      this.viewOf = buf;
    }
    this.runStart = this.used;
    const ok = this.toolCallList();
    if (!ok) this.used = this.runStart;
    return ok;
  }

  /**
   * The list, its calls in the columns while every one is compact with a name the
   * interner keeps (nearly always), else as ToolCalls from the first that is not.
   */
  protected toolCallList(): boolean {
    if (this.buf[this.i] !== 0x5b) return false;
    this.i++;
    let calls: ToolCall[] | undefined;
    let c = this.peek();
    if (c !== 0x5d) {
      // this.i is just after a call (the kernel stopped there), not at the next one
      let after = false;
      if (c === 0x7b && this.kernel !== undefined && this.buf.buffer === this.kernel.memory) {
        const status = this.kernelCalls(this.kernel);
        if (status === CLOSED) return this.columnsRead();
        after = status === AFTER_CALL;
        c = this.peek();
      }
      for (;;) {
        if (!after) {
          if (c !== 0x7b) return false;
          if (calls === undefined && !this.compactColumns()) calls = this.runCalls();
          if (calls !== undefined && !(this.compactCall(calls) || this.toolCall(calls))) return false;
          c = this.peek();
        }
        after = false;
        if (c === 0x2c) {
          this.i++;
          c = this.peek();
        } else if (c === 0x5d) break;
        else return false;
      }
    }
    this.i++;
    if (calls !== undefined) {
      this.value = new ReadToolCalls(calls);
      return true;
    }
    return this.columnsRead();
  }

  /** The list read whole into the columns: they are its value. */
  private columnsRead(): boolean {
    this.value = this.columnsValue();
    return true;
  }

  /** The calls [runStart, used) of the columns, as a list's value. */
  protected columnsValue(): ReadToolCalls {
    return new ReadToolCalls(this.columns());
  }

  /** The calls [runStart, used) of the columns. */
  private columns(): ToolColumns {
    return {
      n: this.used - this.runStart,
      start: this.runStart,
      ids: this.ids,
      latencies: this.lats,
      texts: names.texts,
      keys: names.keys,
    };
  }

  /**
   * The calls [from, from + count) that the kernel read, copied into the columns, as a list
   * read here would be.
   */
  protected kernelColumns(kernel: ToolCallKernel, from: number, count: number): ToolColumns {
    this.runStart = this.used;
    if (this.used + count > this.ids.length) this.newColumns(count);
    const ids = this.ids;
    const lats = this.lats;
    const kIds = kernel.ids;
    const kLats = kernel.latencies;
    for (let k = from, u = this.used; k < from + count; k++, u++) {
      ids[u] = kIds[k]!;
      lats[u] = kLats[k]!;
    }
    this.used += count;
    return this.columns();
  }

  /**
   * The kernel stopped at a compact call whose name, at addresses [state[2], state[3]) of
   * buf's memory, it does not know: intern the name and register it with the kernel; false
   * if the interner does not keep it.
   */
  protected registerName(kernel: ToolCallKernel): boolean {
    const buf = this.buf;
    const base = buf.byteOffset;
    const s = kernel.state[2]!;
    const e = kernel.state[3]!;
    let high = 0;
    for (let k = s - base; k < e - base; k++) high |= buf[k]!;
    const id = names.id(buf, s - base, e - base, high >= 0x80);
    return id >= 0 && kernel.register(s, e - s, id);
  }

  /**
   * At '{' of a chunk in the kernel's memory: the compact calls the kernel reads, into the
   * columns (a name it does not know yet is interned here and registered with it, and it
   * goes on); this.i where it stopped. What the kernel says (CLOSED, AT_CALL, AFTER_CALL).
   */
  private kernelCalls(kernel: ToolCallKernel): number {
    const buf = this.buf;
    const base = buf.byteOffset;
    const state = kernel.state;
    let status: number;
    for (let at = base + this.i; ; ) {
      status = kernel.read(at, base + this.n);
      const read = state[1]!;
      if (read > 0) {
        if (this.used + read > this.ids.length) this.newColumns(read);
        const ids = this.ids;
        const lats = this.lats;
        const kIds = kernel.ids;
        const kLats = kernel.latencies;
        for (let k = 0, u = this.used; k < read; k++, u++) {
          ids[u] = kIds[k]!;
          lats[u] = kLats[k]!;
        }
        this.used += read;
      }
      at = state[0]!;
      if (status === UNKNOWN_NAME) {
        if (this.registerName(kernel)) continue;
        status = AT_CALL; // a name the interner does not keep: the JS reader takes this call
      } else if (status === AT_CALL && read === kernel.capacity) continue;
      this.i = at - base;
      return status;
    }
  }

  /** The calls put in the columns for this list so far, as ToolCalls (taken out of the columns). */
  protected runCalls(): ToolCall[] {
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
  protected compactColumns(): boolean {
    const buf = this.buf;
    let read = false;
    for (;;) {
      const end = this.compactAt();
      const id = end < 0 ? -1 : this.cId >= 0 ? this.cId : names.id(buf, this.cStart, this.cEnd, this.cHigh);
      if (id < 0) {
        if (read) this.i--; // back to the ',' after the last call read
        return read;
      }
      if (this.used === this.ids.length) this.newColumns(1);
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

  /**
   * Fresh columns with room for `more` calls after this list's calls so far, which move to
   * their start (the old ones stay with the sessions that use them).
   */
  protected newColumns(more: number): void {
    const run = this.used - this.runStart;
    const size = Math.max(Math.min(COLUMN_CALLS, 2 * this.ids.length || FIRST_COLUMN_CALLS), run * 2, run + more);
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
  protected compactCall(calls: ToolCall[]): boolean {
    const end = this.compactAt();
    if (end < 0) return false;
    const tool = this.cId >= 0 ? names.texts[this.cId]! : names.get(this.buf, this.cStart, this.cEnd, this.cHigh);
    calls.push({ tool, latency_ms: this.cLatency });
    this.i = end;
    return true;
  }

  /** At '{': one tool call, as toSession reads it (a missing latency is 0, a boolean 1 or 0). */
  protected toolCall(calls: ToolCall[]): boolean {
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

  /** A tool call's property name at byte c and its ':' (KEY_TOOL, KEY_LATENCY, KEY_OTHER), or -1. */
  protected callKey(c: number): number {
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
  protected name(): string | undefined {
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
}
