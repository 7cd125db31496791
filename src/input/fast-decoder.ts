/**
 * The fast session decoder: a hand-written, validating, push-style JSON scanner
 * over Buffers. It finds the records of an archive (array, `{"sessions": [...]}`
 * wrapper, or JSON Lines), keeps only the `SESSION_KEYS` of each record, and skips
 * everything else — above all the huge `messages` strings — without building a
 * string or an object, while still validating every byte as strict JSON
 * (RFC 8259, as Python's `json` with strict=True, minus NaN/Infinity, plus a
 * leading BOM) over strict UTF-8.
 *
 * Speed: UTF-8 validity is checked per chunk with `buffer.isUtf8` (SIMD); string
 * contents are scanned 64 bytes a step by a WebAssembly SIMD kernel that also skips
 * valid escapes (input/wasm/string-scan.ts; 1.5x end to end on long messages), or,
 * where it is unavailable, four bytes at a time (SWAR over an Int32Array view) for
 * the only bytes that matter inside a string: `"`, `\` and controls < 0x20.
 * The state machine survives any chunk boundary; only the bytes of the current
 * record's kept values are ever copied.
 *
 * Kept values become values in one of two ways. With `seedSessions` (the seed
 * profile), a member that ends in its chunk and has a usual shape is read straight
 * from the bytes while it is validated (_read-members.ts: one pass, no text, no
 * JSON.parse). Every other member (another shape, one cut by a chunk boundary, so
 * every oversized one, or any member without `seedSessions`) is scanned here,
 * captured as text (`onValueEnd`) and parsed by `parseKeptMember`: that capture is
 * the one place where a kept member's bytes become text.
 * (The other byte-level scanners, and why each exists: workers/boundary-scanner.ts.)
 */
import { parseKeptMember } from './_kept-values.js';
import { keepOversized, oversized } from './_oversized.js';
import type { MessageReaders } from './message-readers.js';
import { MemberReader, NOT_READ, SEED_KEY_CODES } from './_read-members.js';
import { isUtf8 } from 'node:buffer';
import { AnalyzerError, inputError, type ErrorContext } from '../errors.js';
import { SESSION_KEYS, type DecodeEvent, type RawRecord, type Shape } from './types.js';
import { describeInvalidUtf8, findInvalidUtf8, utf8SequenceLength } from './_utf8.js';
import { type StringKernel, type StringScanChoice, stringKernel } from './wasm/string-scan.js';

export interface FastDecoderOptions {
  /** File name for error messages. */
  file?: string;
  /**
   * 'auto' (default) detects the shape from the content; 'jsonl' forces one record
   * per non-blank line ("sessions" has no special meaning, blank input is valid).
   */
  shape?: 'auto' | 'jsonl';
  /** Absolute offset of the first pushed byte (a shard of a bigger file); default 0. A BOM is only accepted at offset 0. */
  startOffset?: number;
  /** Line number of the first pushed byte; default 1. */
  startLine?: number;
  /** Internal (tests, benchmarks): the string-body scan, WebAssembly SIMD or JS; see input/wasm/string-scan.ts. */
  stringScan?: StringScanChoice;
  /**
   * Records are read for the seed profile (its `toSession` only): only the reference's
   * five keys are kept, and `errors` / `tool_calls` come as `ReadErrors` /
   * `ReadToolCalls`, read straight from the bytes (see _read-members.ts). Default false:
   * every session key, as plain JSON values.
   */
  seedSessions?: boolean;
  /** What the profile reads from an error message: a message too big for one string is kept as a stand-in they read alike (_oversized.ts). */
  messageReaders?: readonly MessageReaders[];
}

// ---- parser states -------------------------------------------------------
// States up to S_AFTER skip whitespace before they look at a byte.
const S_TOP = 0; // between top-level values
const S_VALUE = 1; // a value is expected (after ':' or an array's ',')
const S_ARR_FIRST = 2; // after '['
const S_OBJ_FIRST = 3; // after '{'
const S_OBJ_KEY = 4; // after an object's ','
const S_COLON = 5; // after a property name
const S_AFTER = 6; // after a value inside a container
const S_STR = 7; // inside a string
const S_ESC = 8; // after '\' in a string
const S_U = 9; // inside a \u escape (four hex digits)
const S_NUM_MINUS = 10;
const S_NUM_ZERO = 11;
const S_NUM_INT = 12;
const S_NUM_DOT = 13;
const S_NUM_FRAC = 14;
const S_NUM_E = 15;
const S_NUM_ESIGN = 16;
const S_NUM_EXP = 17;
const S_LIT = 18; // inside true / false / null
const S_BOM = 19; // inside a leading EF BB BF

const ARR = 1;
const OBJ = 2;

const CAP_NONE = 0;
const CAP_MEMBER = 1; // the value of a kept key of an object record
const CAP_RECORD = 2; // a whole non-object record

/** Longest raw key worth reading: "duration_minutes" written entirely with \u escapes is 96 bytes. */
const MAX_KEY_BYTES = 128;

const LIT_TRUE = Uint8Array.from([0x74, 0x72, 0x75, 0x65]);
const LIT_FALSE = Uint8Array.from([0x66, 0x61, 0x6c, 0x73, 0x65]);
const LIT_NULL = Uint8Array.from([0x6e, 0x75, 0x6c, 0x6c]);
const BOM = [0xef, 0xbb, 0xbf];

// Value-start kinds.
const V_STR = 1;
const V_OBJ = 2;
const V_ARR = 3;
const V_MINUS = 4;
const V_ZERO = 5;
const V_DIGIT = 6;
const V_TRUE = 7;
const V_FALSE = 8;
const V_NULL = 9;

const VSTART = new Uint8Array(256);
VSTART[0x22] = V_STR;
VSTART[0x7b] = V_OBJ;
VSTART[0x5b] = V_ARR;
VSTART[0x2d] = V_MINUS;
VSTART[0x30] = V_ZERO;
for (let c = 0x31; c <= 0x39; c++) VSTART[c] = V_DIGIT;
VSTART[0x74] = V_TRUE;
VSTART[0x66] = V_FALSE;
VSTART[0x6e] = V_NULL;

/** 1 for the one-character escapes after '\': " \ / b f n r t */
const ESC1 = new Uint8Array(256);
for (const c of '"\\/bfnrt') ESC1[c.charCodeAt(0)] = 1;
const HEX = new Uint8Array(256);
for (const c of '0123456789abcdefABCDEF') HEX[c.charCodeAt(0)] = 1;

const EMPTY_WORDS = new Int32Array(0);
const EMPTY_BUFFER = Buffer.alloc(0);

/**
 * Index of the first byte in `buf[i, n)` that is '"', '\' or < 0x20, or `n`.
 * `words` is an Int32Array view of `buf` starting at index `a0` (4-byte aligned)
 * and ending at or before `n`.
 */
export function findSpecial(buf: Uint8Array, words: Int32Array, a0: number, i: number, n: number): number {
  while (i < n && ((i - a0) & 3) !== 0) {
    const c = buf[i]!;
    if (c < 0x20 || c === 0x22 || c === 0x5c) return i;
    i++;
  }
  let w = (i - a0) >> 2;
  const wl = words.length;
  if (w < wl) {
    // SWAR: a lane is < 0x20, == '"' or == '\' iff its bit 7 ends up set below.
    while (w < wl) {
      const x = words[w]!;
      const y = x ^ 0x22222222;
      const z = x ^ 0x5c5c5c5c;
      if ((((x - 0x20202020) & ~x) | ((y - 0x01010101) & ~y) | ((z - 0x01010101) & ~z)) & 0x80808080) break;
      w++;
    }
    i = a0 + (w << 2);
  }
  while (i < n) {
    const c = buf[i]!;
    if (c < 0x20 || c === 0x22 || c === 0x5c) return i;
    i++;
  }
  return n;
}

/** The names a property name is compared with: the session keys and "sessions". */
const WATCHED: ReadonlyArray<{ name: string; bytes: Uint8Array }> = [...SESSION_KEYS, 'sessions'].map((name) => ({
  name,
  bytes: Buffer.from(name, 'latin1'),
}));

/**
 * The watched name that the JSON string content buf[s, e) (validated, quotes excluded)
 * spells, or undefined. Compares bytes; decodes only a name written with escapes.
 */
function matchName(buf: Uint8Array, s: number, e: number): string | undefined {
  const len = e - s;
  if (len > MAX_KEY_BYTES) return undefined;
  for (const w of WATCHED) {
    if (w.bytes.length !== len) continue;
    let k = 0;
    while (k < len && buf[s + k] === w.bytes[k]) k++;
    if (k === len) return w.name;
  }
  for (let k = s; k < e; k++) {
    if (buf[k] === 0x5c) {
      const decoded = JSON.parse(`"${Buffer.from(buf.buffer, buf.byteOffset + s, len).toString('utf8')}"`) as string;
      return WATCHED.some((w) => w.name === decoded) ? decoded : undefined;
    }
  }
  return undefined;
}

function printable(c: number): string {
  return c >= 0x21 && c <= 0x7e ? `'${String.fromCharCode(c)}'` : `byte 0x${c.toString(16).toUpperCase().padStart(2, '0')}`;
}

/**
 * Push-style decoder: `push` chunks, then `end`. Events are delivered synchronously
 * from inside `push`/`end`. The first problem throws an `AnalyzerError` (FP_INPUT)
 * whose context has the exact byte offset and line; every later call rethrows it.
 * The events and the error do not depend on how the input is split into chunks.
 */
export class FastDecoder {
  private readonly onEvent: (e: DecodeEvent) => void;
  private readonly file: string | undefined;
  private readonly forcedJsonl: boolean;
  private readonly startOffset: number;
  private readonly kernel: StringKernel | undefined;

  // position
  private base: number; // absolute offset of the next chunk's first byte
  private line: number;

  // parser
  private state = S_TOP;
  private depth = 0;
  private stack = new Uint8Array(64);
  private strIsKey = false;
  private uLeft = 0;
  private lit: Uint8Array = LIT_TRUE;
  private litIdx = 0;
  private bomIdx = 0;

  // property names worth reading
  private keyCollect = false;
  private keyStart = 0;
  private keyLen = 0;
  private keyParts: Buffer[] = [];

  // top level and shape
  private _shape: Shape | undefined = undefined;
  private topCount = 0; // top-level values started
  private topNl = false; // a newline since the last top-level value ended
  private topObj = false; // the top-level object's keys are watched ("sessions")
  private pendingSessions = false; // the next value is the top object's "sessions"
  private sawSessionsArray = false;
  private held: RawRecord | undefined = undefined; // the first object, until we know it is a JSON Lines record
  private firstSpansLines = false;

  // records
  private recActive = false; // values at recDepth are records
  private recDepth = 0;
  /** an object record is open: its kept members so far, each as text to parse or as the value read */
  private recFields: Array<[key: string, text: string | undefined, value: unknown]> | null = null;
  private recOffset = 0;
  private recLine = 0;
  private pendingKey: string | undefined = undefined; // the next value is this kept key's
  /** seed sessions: reads the members of pendingKey straight from the bytes */
  private readonly reader: MemberReader | undefined;
  /** after onValueStart: where the member just read ends (NOT_READ: the scanner goes on) */
  private readEnd = NOT_READ;
  private capKind = CAP_NONE;
  private capDepth = 0;
  private capStart = 0;
  private capKey = '';
  private capParts: Buffer[] = [];
  /** Values starting or ending at a depth <= notify need attention (records, captures, top level). */
  private notify = 0;

  // UTF-8 sequence cut by the end of the previous chunk
  private readonly pend = new Uint8Array(4);
  private pendLen = 0;
  private pendNeed = 0;
  private pendOffset = 0;

  private readonly messageReaders: readonly MessageReaders[];
  private failure: AnalyzerError | undefined = undefined;
  private ended = false;

  constructor(onEvent: (e: DecodeEvent) => void, opts: FastDecoderOptions = {}) {
    if (!primed) prime();
    this.onEvent = onEvent;
    this.file = opts.file;
    this.forcedJsonl = opts.shape === 'jsonl';
    if (this.forcedJsonl) this._shape = 'jsonl';
    this.startOffset = opts.startOffset ?? 0;
    this.base = this.startOffset;
    this.line = opts.startLine ?? 1;
    this.kernel = stringKernel(opts.stringScan);
    this.reader = opts.seedSessions === true ? new MemberReader() : undefined;
    this.messageReaders = opts.messageReaders ?? [];
  }

  /** The input's shape, once known ('jsonl' when forced). A lone object without a "sessions" array is a 'wrapper'. */
  get shape(): Shape | undefined {
    return this._shape;
  }

  /** Bytes pushed so far (plus `startOffset`). */
  get offset(): number {
    return this.base;
  }

  /** Feed the next chunk. Throws FP_INPUT at the first invalid byte. */
  push(chunk: Uint8Array): void {
    if (this.failure) throw this.failure;
    if (this.ended) throw new AnalyzerError('FP_INTERNAL', 'FastDecoder.push called after end()');
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    try {
      const kernel = this.kernel;
      if (kernel === undefined || kernel.busy) this.pushChunk(buf);
      else {
        // The WebAssembly string scan reads the kernel's memory: scan a copy there, in pieces.
        kernel.busy = true;
        try {
          for (let at = 0; at < buf.length; at += kernel.capacity) this.pushChunk(kernel.load(buf.subarray(at, at + kernel.capacity)));
        } finally {
          kernel.busy = false;
        }
      }
    } catch (err) {
      if (err instanceof AnalyzerError) this.failure = err;
      throw err;
    }
  }

  /** The input is complete. Throws FP_INPUT if it is truncated (or empty, unless JSON Lines is forced). */
  end(): void {
    if (this.failure) throw this.failure;
    if (this.ended) return;
    this.ended = true;
    try {
      this.finish();
    } catch (err) {
      if (err instanceof AnalyzerError) this.failure = err;
      throw err;
    }
  }

  // ---- chunks and UTF-8 ----------------------------------------------------

  private pushChunk(buf: Buffer): void {
    const n = buf.length;
    if (n === 0) return;
    let j = 0; // bytes consumed to complete the previous chunk's cut sequence
    if (this.pendLen > 0) {
      const pend = this.pend;
      while (j < n && this.pendLen < this.pendNeed && (buf[j]! & 0xc0) === 0x80) pend[this.pendLen++] = buf[j++]!;
      if (this.pendLen < this.pendNeed && j === n) {
        // still cut: only continuation bytes so far, checked once complete
        this.scan(buf, 0, n);
        this.base += n;
        return;
      }
      const seq = Array.from(pend.subarray(0, this.pendLen));
      if (this.pendLen < this.pendNeed) seq.push(buf[j]!); // the byte that broke the sequence
      if (findInvalidUtf8(seq, 0, seq.length) !== -1) this.failUtf8(describeInvalidUtf8(seq, 0, seq.length), this.pendOffset);
      this.pendLen = 0;
    }
    // A sequence cut by the end of this chunk is checked with the next one.
    let t = n;
    for (let k = n - 1; k >= j && k >= n - 3; k--) {
      const b = buf[k]!;
      if ((b & 0xc0) !== 0x80) {
        const need = utf8SequenceLength(b);
        if (need > 1 && k + need > n) t = k;
        break;
      }
    }
    if (j < t && !isUtf8(buf.subarray(j, t))) {
      const bad = findInvalidUtf8(buf, j, t);
      // Parse through the bad byte so that an earlier (or same-byte) JSON error wins, as it
      // would for any other chunking.
      this.scan(buf, 0, bad + 1);
      this.failUtf8(describeInvalidUtf8(buf, bad, n), this.base + bad);
    }
    this.scan(buf, 0, n);
    if (t < n) {
      this.pend.set(buf.subarray(t, n));
      this.pendLen = n - t;
      this.pendNeed = utf8SequenceLength(buf[t]!);
      this.pendOffset = this.base + t;
    }
    this.base += n;
  }

  private finish(): void {
    const len = this.base;
    let state = this.state;
    if (this.depth === 0 && (state === S_NUM_ZERO || state === S_NUM_INT || state === S_NUM_FRAC || state === S_NUM_EXP)) {
      // a top-level number (JSON Lines) ends with the input
      if (this.depth <= this.notify) this.onValueEnd(EMPTY_BUFFER, 0, 0, this.line);
      state = this.state = S_TOP;
    }
    if (state !== S_TOP) this.fail('unexpected end of input (truncated?)', len, this.line);
    if (this.pendLen > 0) this.failUtf8(describeInvalidUtf8(this.pend, 0, this.pendLen), this.pendOffset);
    if (this.topCount === 0) {
      if (this.forcedJsonl) return;
      this.fail('expecting a value (the input is empty)', this.startOffset, 1);
    }
    if (this._shape === undefined) {
      // One object and nothing else: a document without a "sessions" array. No records.
      this._shape = 'wrapper';
      this.held = undefined;
    }
  }

  // ---- errors --------------------------------------------------------------

  private ctx(offset: number, line: number): ErrorContext {
    return this.file === undefined ? { offset, line } : { file: this.file, offset, line };
  }

  private fail(what: string, offset: number, line: number): never {
    throw inputError(`Invalid JSON: ${what}`, this.ctx(offset, line));
  }

  private failUtf8(what: string, offset: number): never {
    // the line of an invalid UTF-8 byte: no newline can sit between it and where the parser is
    throw inputError(`Invalid UTF-8: ${what}`, this.ctx(offset, this.line));
  }

  // ---- the scanner ---------------------------------------------------------

  /**
   * Parse buf[i, n). `this.base` is the absolute offset of buf[0].
   * The value-end epilogue (notify the record builder, then S_TOP or S_AFTER) is
   * written out in each of the six places a value can end: as a method it measured
   * 2-5% slower on a 300 MB archive (it updates four of this loop's locals).
   */
  private scan(buf: Buffer, i: number, n: number): void {
    const base = this.base;
    let state = this.state;
    let depth = this.depth;
    let line = this.line;
    let notify = this.notify;
    let jsonl = this._shape === 'jsonl';
    let stack = this.stack;

    // The string scan: WebAssembly over a chunk copied into the kernel's memory (see push;
    // then buf is reused by the next chunk: copy what outlives this call), else findSpecial.
    const kernel = this.kernel;
    const wbase = kernel !== undefined && buf.buffer === kernel.memory ? buf.byteOffset : -1;
    const wstop = kernel?.stop;
    // 4-byte aligned view for the string scan
    const a0 = -buf.byteOffset & 3;
    const wl = n > a0 ? (n - a0) >> 2 : 0;
    const words = wl > 0 ? new Int32Array(buf.buffer, buf.byteOffset + a0, wl) : EMPTY_WORDS;

    outer: while (i < n) {
      let c = buf[i]!;
      if (state <= S_AFTER) {
        while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
          if (c === 0x0a) {
            if (depth === 0) this.topNl = true;
            else if (jsonl) {
              this.save(state, depth, line);
              this.fail('a JSON Lines record must fit on one line (unexpected end of line inside a value)', base + i, line);
            }
            line++;
          }
          if (++i >= n) break outer;
          c = buf[i]!;
        }
      }

      switch (state) {
        case S_STR: {
          for (;;) {
            i = wbase >= 0 ? wstop!(wbase + i, wbase + n) - wbase : findSpecial(buf, words, a0, i, n);
            if (i >= n) break;
            c = buf[i]!;
            if (c === 0x5c) {
              if (i + 1 < n) {
                const e = buf[i + 1]!;
                if (ESC1[e] === 1) {
                  i += 2;
                  continue;
                }
                if (e === 0x75 && i + 5 < n && (HEX[buf[i + 2]!]! & HEX[buf[i + 3]!]! & HEX[buf[i + 4]!]! & HEX[buf[i + 5]!]!) === 1) {
                  i += 6;
                  continue;
                }
              }
              state = S_ESC;
              i++;
              break;
            }
            if (c === 0x22) {
              i++;
              if (this.strIsKey) {
                if (this.keyCollect) this.finishKey(buf, i - 1, depth);
                state = S_COLON;
              } else {
                if (depth <= notify) {
                  this.save(state, depth, line);
                  this.onValueEnd(buf, i, depth, line);
                  notify = this.notify;
                  jsonl = this._shape === 'jsonl';
                }
                if (depth === 0) {
                  state = S_TOP;
                  this.topNl = false;
                } else state = S_AFTER;
              }
              break;
            }
            this.fail(`control character ${printable(c)} in a string (must be escaped)`, base + i, line);
          }
          break;
        }

        case S_AFTER: {
          const ct = stack[depth - 1]!;
          if (c === 0x2c) {
            state = ct === ARR ? S_VALUE : S_OBJ_KEY;
            i++;
            break;
          }
          if (c !== (ct === ARR ? 0x5d : 0x7d)) {
            this.fail(ct === ARR ? "expected ',' or ']' after an array element" : "expected ',' or '}' after an object member", base + i, line);
          }
          depth--;
          i++;
          if (depth <= notify) {
            this.save(state, depth, line);
            this.onValueEnd(buf, i, depth, line);
            notify = this.notify;
            jsonl = this._shape === 'jsonl';
          }
          if (depth === 0) {
            state = S_TOP;
            this.topNl = false;
          } else state = S_AFTER;
          break;
        }

        case S_COLON:
          if (c !== 0x3a) this.fail("expected ':' after a property name", base + i, line);
          state = S_VALUE;
          i++;
          break;

        case S_OBJ_FIRST:
        case S_OBJ_KEY: {
          if (c === 0x22) {
            this.strIsKey = true;
            if (depth <= notify && this.wantKey(depth)) {
              this.keyCollect = true;
              this.keyStart = i + 1;
              this.keyLen = 0;
              if (this.keyParts.length !== 0) this.keyParts = [];
            } else this.keyCollect = false;
            state = S_STR;
            i++;
            break;
          }
          if (c === 0x7d && state === S_OBJ_FIRST) {
            depth--;
            i++;
            if (depth <= notify) {
              this.save(state, depth, line);
              this.onValueEnd(buf, i, depth, line);
              notify = this.notify;
              jsonl = this._shape === 'jsonl';
            }
            if (depth === 0) {
              state = S_TOP;
              this.topNl = false;
            } else state = S_AFTER;
            break;
          }
          this.fail(
            c === 0x7d
              ? "trailing comma before '}'"
              : state === S_OBJ_FIRST
                ? "expected a double-quoted property name or '}'"
                : 'expected a double-quoted property name',
            base + i,
            line,
          );
        }
        // falls through (unreachable: fail() throws)

        case S_ARR_FIRST:
          if (c === 0x5d) {
            depth--;
            i++;
            if (depth <= notify) {
              this.save(state, depth, line);
              this.onValueEnd(buf, i, depth, line);
              notify = this.notify;
              jsonl = this._shape === 'jsonl';
            }
            if (depth === 0) {
              state = S_TOP;
              this.topNl = false;
            } else state = S_AFTER;
            break;
          }
          state = S_VALUE;
          continue outer;

        case S_TOP:
          if (c === 0xef && base + i === 0 && this.topCount === 0) {
            state = S_BOM;
            this.bomIdx = 1;
            i++;
            break;
          }
          this.save(state, depth, line);
          this.topValueStart(base + i, c, line);
          notify = this.notify;
          jsonl = this._shape === 'jsonl';
          state = S_VALUE;
          continue outer;

        case S_VALUE: {
          const k = VSTART[c]!;
          if (k === 0) {
            this.fail(c === 0x5d && depth > 0 && stack[depth - 1] === ARR ? "trailing comma before ']'" : 'expected a value', base + i, line);
          }
          if (depth <= notify) {
            this.save(state, depth, line);
            this.onValueStart(buf, i, n, depth, c, line);
            notify = this.notify;
            jsonl = this._shape === 'jsonl';
            if (this.readEnd !== NOT_READ) {
              // a kept member read whole (seed sessions); it is inside the record, so depth > 0
              i = this.readEnd;
              this.readEnd = NOT_READ;
              line += this.reader!.newlines;
              state = S_AFTER;
              continue outer;
            }
          }
          i++;
          switch (k) {
            case V_STR:
              this.strIsKey = false;
              state = S_STR;
              break;
            case V_OBJ:
            case V_ARR:
              if (depth === stack.length) {
                const bigger = new Uint8Array(stack.length * 2);
                bigger.set(stack);
                stack = this.stack = bigger;
              }
              stack[depth++] = k === V_OBJ ? OBJ : ARR;
              state = k === V_OBJ ? S_OBJ_FIRST : S_ARR_FIRST;
              break;
            case V_MINUS:
              state = S_NUM_MINUS;
              break;
            case V_ZERO:
              state = S_NUM_ZERO;
              break;
            case V_DIGIT:
              state = S_NUM_INT;
              break;
            default:
              this.lit = k === V_TRUE ? LIT_TRUE : k === V_FALSE ? LIT_FALSE : LIT_NULL;
              this.litIdx = 1;
              state = S_LIT;
          }
          break;
        }

        case S_ESC:
          if (ESC1[c] === 1) state = S_STR;
          else if (c === 0x75) {
            state = S_U;
            this.uLeft = 4;
          } else this.fail(`invalid escape: ${printable(c)} after '\\'`, base + i, line);
          i++;
          break;

        case S_U:
          if (HEX[c] !== 1) this.fail('invalid \\u escape (expected 4 hex digits)', base + i, line);
          i++;
          if (--this.uLeft === 0) state = S_STR;
          break;

        case S_LIT: {
          const lit = this.lit;
          if (c !== lit[this.litIdx]) {
            const word = lit === LIT_TRUE ? 'true' : lit === LIT_FALSE ? 'false' : 'null';
            this.fail(`invalid literal (expected '${word}')`, base + i, line);
          }
          i++;
          if (++this.litIdx === lit.length) {
            if (depth <= notify) {
              this.save(state, depth, line);
              this.onValueEnd(buf, i, depth, line);
              notify = this.notify;
              jsonl = this._shape === 'jsonl';
            }
            if (depth === 0) {
              state = S_TOP;
              this.topNl = false;
            } else state = S_AFTER;
          }
          break;
        }

        case S_BOM:
          // EF at offset 0. A byte that does not continue a BOM fails only once the
          // 3-byte character is complete: if it is not valid UTF-8, that error (at
          // offset 0) must win whatever the chunking.
          if (c !== BOM[this.bomIdx]) this.bomIdx |= 4;
          i++;
          if ((++this.bomIdx & 3) === 3) {
            if (this.bomIdx !== 3) this.fail('expected a value', 0, 1);
            state = S_TOP;
          }
          break;

        case S_NUM_MINUS:
          if (c === 0x30) state = S_NUM_ZERO;
          else if (c >= 0x31 && c <= 0x39) state = S_NUM_INT;
          else this.fail("invalid number: expected a digit after '-'", base + i, line);
          i++;
          break;

        case S_NUM_DOT:
          if (c < 0x30 || c > 0x39) this.fail("invalid number: expected a digit after '.'", base + i, line);
          state = S_NUM_FRAC;
          i++;
          break;

        case S_NUM_E:
          if (c === 0x2b || c === 0x2d) state = S_NUM_ESIGN;
          else if (c >= 0x30 && c <= 0x39) state = S_NUM_EXP;
          else this.fail('invalid number: expected a digit in the exponent', base + i, line);
          i++;
          break;

        case S_NUM_ESIGN:
          if (c < 0x30 || c > 0x39) this.fail('invalid number: expected a digit in the exponent', base + i, line);
          state = S_NUM_EXP;
          i++;
          break;

        default: {
          // S_NUM_ZERO, S_NUM_INT, S_NUM_FRAC, S_NUM_EXP: digits, then maybe '.', 'e'; any other byte ends the number
          if (state !== S_NUM_ZERO) {
            while (c >= 0x30 && c <= 0x39) {
              if (++i >= n) break outer;
              c = buf[i]!;
            }
          } else if (c >= 0x30 && c <= 0x39) this.fail('invalid number: leading zero', base + i, line);
          if (c === 0x2e && (state === S_NUM_ZERO || state === S_NUM_INT)) {
            state = S_NUM_DOT;
            i++;
            break;
          }
          if ((c === 0x65 || c === 0x45) && state !== S_NUM_EXP) {
            state = S_NUM_E;
            i++;
            break;
          }
          // the number ended before buf[i]; buf[i] is looked at again after the value
          if (depth <= notify) {
            this.save(state, depth, line);
            this.onValueEnd(buf, i, depth, line);
            notify = this.notify;
            jsonl = this._shape === 'jsonl';
          }
          if (depth === 0) {
            state = S_TOP;
            this.topNl = false;
          } else state = S_AFTER;
          break;
        }
      }
    }

    this.save(state, depth, line);
    // Keep what the next chunk continues: a kept value, a watched property name.
    if (this.capKind !== CAP_NONE) {
      if (this.capStart < n) this.capParts.push(Buffer.from(buf.subarray(this.capStart, n)));
      this.capStart = 0;
    }
    if (this.keyCollect && this.strIsKey && (state === S_STR || state === S_ESC || state === S_U)) {
      this.appendKey(buf, this.keyStart, n);
      this.keyStart = 0;
    }
  }

  private save(state: number, depth: number, line: number): void {
    this.state = state;
    this.depth = depth;
    this.line = line;
  }

  // ---- property names --------------------------------------------------------

  private wantKey(depth: number): boolean {
    return (depth === 1 && this.topObj) || (this.recFields !== null && depth === this.recDepth + 1);
  }

  private appendKey(buf: Buffer, start: number, end: number): void {
    if (!this.keyCollect) return;
    this.keyLen += end - start;
    if (this.keyLen > MAX_KEY_BYTES) {
      this.keyCollect = false; // too long to be a name we look for
      this.keyParts = [];
      return;
    }
    if (end > start) this.keyParts.push(Buffer.from(buf.subarray(start, end)));
  }

  /** The watched property name ending at buf[q] (the closing quote) is complete. */
  private finishKey(buf: Buffer, q: number, depth: number): void {
    let name: string | undefined;
    if (this.keyParts.length === 0) name = matchName(buf, this.keyStart, q);
    else {
      this.appendKey(buf, this.keyStart, q);
      if (!this.keyCollect) return; // grew too long to be a watched name
      const raw = Buffer.concat(this.keyParts);
      this.keyParts = [];
      name = matchName(raw, 0, raw.length);
    }
    this.keyCollect = false;
    if (name === undefined) return;
    if (depth === 1 && this.topObj && name === 'sessions') {
      this.pendingSessions = true;
      return;
    }
    if (this.recFields !== null && depth === this.recDepth + 1 && name !== 'sessions' && (this.reader === undefined || SEED_KEY_CODES.has(name))) {
      this.pendingKey = name;
    }
  }

  // ---- top level, records and captures ----------------------------------------

  private updateNotify(): void {
    this.notify = this.recActive ? this.recDepth + 1 : this.topObj ? 1 : 0;
  }

  /** A top-level value starts with byte c at absolute offset `at`. */
  private topValueStart(at: number, c: number, line: number): void {
    if (this.topCount === 0) {
      this.topCount = 1;
      if (this.forcedJsonl) {
        this.recActive = true;
        this.recDepth = 0;
      } else if (c === 0x5b) {
        this._shape = 'array';
        this.recActive = true;
        this.recDepth = 1;
      } else if (c === 0x7b) {
        // a wrapper document, a document without sessions, or the first JSON Lines record
        this.topObj = true;
        this.recActive = true;
        this.recDepth = 0;
      } else if (VSTART[c] !== 0) {
        throw inputError(
          'Invalid input: the top-level JSON value is not an array of sessions or an object (not a session archive)',
          this.ctx(at, line),
        );
      } else this.fail('expected a value', at, line);
      this.updateNotify();
      return;
    }
    const shape = this._shape;
    if (shape === 'array' || shape === 'wrapper') this.fail('extra data after the top-level value', at, line);
    if (!this.topNl) {
      this.fail(shape === 'jsonl' ? 'extra data on a JSON Lines line (one value per line)' : 'extra data after the top-level value', at, line);
    }
    if (VSTART[c] === 0) this.fail('expected a value', at, line);
    if (shape === undefined) {
      // The first object had no "sessions" array and another value follows: JSON Lines.
      if (this.firstSpansLines) this.fail('extra data after the top-level value (a JSON Lines record must fit on one line)', at, line);
      this._shape = 'jsonl';
      this.topObj = false;
      this.updateNotify();
      const held = this.held;
      this.held = undefined;
      if (held) this.onEvent({ kind: 'record', record: held });
    }
    this.topCount++;
  }

  /**
   * A value starts at buf[pos] (byte c) with `d` containers open around it; d <= notify.
   * Sets `readEnd` when it read the value whole (a kept member of a seed session).
   */
  private onValueStart(buf: Buffer, pos: number, n: number, d: number, c: number, line: number): void {
    if (this.pendingSessions) {
      // the value of the top object's "sessions"
      this.pendingSessions = false;
      if (this.sawSessionsArray) this.onEvent({ kind: 'reset' });
      if (c === 0x5b) {
        this.sawSessionsArray = true;
        this._shape = 'wrapper';
        this.recFields = null; // the top object is not a record after all
        this.pendingKey = undefined;
        this.recActive = true;
        this.recDepth = 2;
        this.updateNotify();
      }
      return;
    }
    if (this.recActive && d === this.recDepth) {
      this.recOffset = this.base + pos;
      this.recLine = line;
      if (c === 0x7b) {
        this.recFields = [];
        this.pendingKey = undefined;
      } else this.startCapture(CAP_RECORD, pos, d);
      return;
    }
    if (this.pendingKey === undefined) {
      // a member the seed profile does not read (messages, started_at...): skipped by the reader when it can
      if (this.reader !== undefined && this.recFields !== null && d === this.recDepth + 1) {
        const end = this.reader.skipMember(buf, pos, n, this._shape === 'jsonl');
        if (end !== NOT_READ) this.readEnd = end;
      }
      return;
    }
    if (this.reader !== undefined) {
      // a member as big as oversized.bytes takes the capture path, where _oversized.ts sees it
      const stop = Math.min(n, pos + oversized.bytes);
      const end = this.reader.read(SEED_KEY_CODES.get(this.pendingKey)!, buf, pos, stop, this._shape === 'jsonl');
      if (end !== NOT_READ) {
        this.recFields!.push([this.pendingKey, undefined, this.reader.value]);
        this.pendingKey = undefined;
        this.readEnd = end;
        return;
      }
    }
    this.startCapture(CAP_MEMBER, pos, d);
    this.capKey = this.pendingKey;
    this.pendingKey = undefined;
  }

  private startCapture(kind: number, pos: number, d: number): void {
    this.capKind = kind;
    this.capDepth = d;
    this.capStart = pos;
    if (this.capParts.length !== 0) this.capParts = [];
  }

  /** A value ended just before buf[end] with `d` containers open around it; d <= notify. */
  private onValueEnd(buf: Buffer, end: number, d: number, line: number): void {
    if (this.capKind !== CAP_NONE && d === this.capDepth) {
      // a value too big for one string: only what the analysis reads of it (issue #9)
      const key = this.capKind === CAP_MEMBER ? this.capKey : undefined;
      const big = keepOversized(key, this.capParts, buf, this.capStart, end, this.base, this.file, this.messageReaders);
      let text: string | { value: unknown };
      if (big !== undefined) {
        text = big;
        this.capParts = [];
      } else if (this.capParts.length === 0) text = buf.toString('utf8', this.capStart, end);
      else {
        this.capParts.push(buf.subarray(this.capStart, end));
        text = Buffer.concat(this.capParts).toString('utf8');
        this.capParts = [];
      }
      const kind = this.capKind;
      this.capKind = CAP_NONE;
      if (kind === CAP_MEMBER) {
        if (typeof text === 'string') this.recFields!.push([this.capKey, text, undefined]);
        else this.recFields!.push([this.capKey, undefined, text.value]);
      } else this.recordDone(typeof text === 'string' ? (JSON.parse(text) as unknown) : text.value, d, line);
      return;
    }
    if (this.recFields !== null && this.recActive && d === this.recDepth) {
      const fields = this.recFields;
      this.recFields = null;
      const value: Record<string, unknown> = {};
      for (const [k, text, read] of fields) value[k] = text === undefined ? read : parseKeptMember(k, text);
      this.recordDone(value, d, line);
      return;
    }
    if (d === 1 && this.recActive && this.recDepth === 2) {
      // the "sessions" array closed
      this.recActive = false;
      this.updateNotify();
    }
  }

  private recordDone(value: unknown, d: number, line: number): void {
    const record: RawRecord = { value, offset: this.recOffset, line: this.recLine };
    if (d === 0 && this._shape === undefined) {
      // the first object: a JSON Lines record only if another value follows
      this.held = record;
      this.firstSpansLines = line !== this.recLine;
      return;
    }
    this.onEvent({ kind: 'record', record });
  }
}

/**
 * The decoder as an async generator over a byte source (the pipeline's `Decoder`
 * shape): events are yielded after each chunk is scanned, so at most one chunk's
 * records are held at a time.
 */
export async function* decodeWithFastDecoder(source: AsyncIterable<Uint8Array>, opts: FastDecoderOptions = {}): AsyncGenerator<DecodeEvent> {
  let batch: DecodeEvent[] = [];
  const decoder = new FastDecoder((e) => batch.push(e), opts);
  for await (const chunk of source) {
    decoder.push(chunk);
    if (batch.length > 0) {
      const ready = batch;
      batch = [];
      yield* ready;
    }
  }
  decoder.end();
  yield* batch;
}

// ---- JIT priming -----------------------------------------------------------
// `scan` is one big function. V8 optimizes it once it is hot, with the type feedback
// gathered so far; a branch never taken before (a \u escape split by a chunk
// boundary, an exponent, a literal...) then deoptimizes it, and it runs in the
// interpreter (~20 MB/s) until it is hot again. Measured on real agent logs, those
// cycles cost the first ~50 MB. Running every path once, on a tiny corpus and
// several chunkings, before the first real input gives the optimizer complete
// feedback. Costs about a millisecond, once per process (or worker).

let primed = false;

const PRIME_CORPUS: ReadonlyArray<readonly [string, FastDecoderOptions]> = [
  [
    '\ufeff[{"session_id":"s\\u00e9\\n\\"x\\\\","repo":"r/é😀","messages":[{"role":"user","content":"a\\tb\\/c\\bd\\fe\\rf\\u20AC 中文 \\ud83d\\ude00"},' +
      '{"k":[1,-2,0,0.5,-0.25e+3,1E-2,1e5,true,false,null,{},[]]}],"errors":[{"message":"m"}],' +
      '"tool_calls":[{"tool":"t","latency_ms":12.5},{"tool":"u","latency_ms":0}],"duration_minutes":3,' +
      '"\\u0073ession_id":"dup","' +
      'a property name longer than any name we look for, '.repeat(3) +
      '":1,' +
      '"x":{"sessions":[1]}},\n 5, -1.5e3, 0, "str", true, false, null, [1, {"a": "b"}], {}\n]\n',
    {},
  ],
  ['{"version": 1, "sessions": [{"session_id": "a", "duration_minutes": 1.5}], "meta": {"a": [1]}, "sessions": [{"repo": "b"}, 2]}', {}],
  ['{"session_id":"a","x":[1,2]}\n{"repo":"b"}\r\n\n7\n"s"\n[true]\n', {}],
  ['{"sessions":1}\n12\n{"tool_calls":[]}\n-3', { shape: 'jsonl' }],
  // the members read straight from the bytes (seed sessions), in all their shapes
  [
    '[{"session_id":7,"repo":"r","errors":[{"message":"a\\"b","x":[{"y":null}]},{"message":null},{}],"tool_calls":[{"tool":"t","latency_ms":12},' +
      '{"tool":"é","latency_ms":1.5e3,"x":{"a":[true,false]}},{"tool":null,"latency_ms":true},{"tool":2.0},{}],"duration_minutes":-0.5},\n' +
      '{"session_id":null,"repo":1e400,"errors":[],"tool_calls":[],"duration_minutes":false}, {"errors":"", "tool_calls":{}, "repo":[1]}]',
    { seedSessions: true },
  ],
];

function prime(): void {
  primed = true;
  for (const [text, opts] of PRIME_CORPUS) {
    const bytes = Buffer.from(text, 'utf8');
    for (const seedSessions of opts.seedSessions === true ? [true] : [false, true]) {
      for (const size of [bytes.length, 1, 3]) {
        const decoder = new FastDecoder(() => {}, { ...opts, seedSessions });
        for (let at = 0; at < bytes.length; at += size) decoder.push(bytes.subarray(at, at + size));
        decoder.end();
      }
    }
  }
}
