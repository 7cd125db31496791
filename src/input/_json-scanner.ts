/**
 * The validating scanner of the fast decoder: a hand-written, push-style JSON state
 * machine over Buffers that validates every byte as strict JSON (RFC 8259, as Python's
 * `json` with strict=True, minus NaN/Infinity, plus a leading BOM) and builds nothing.
 * It survives any chunk boundary. It knows nothing of sessions: it tells its subclass
 * (the record layer, fast-decoder.ts) of top-level values, of values starting and ending
 * at a depth <= `notify`, and of property names it asks to collect; the subclass may
 * read a value whole itself (`readEnd`), and the scan goes on after it.
 *
 * Speed: string contents are scanned 64 bytes a step by a WebAssembly SIMD kernel that
 * also skips valid escapes (wasm/string-scan.ts; 1.5x end to end on long messages), or,
 * where it is unavailable, four bytes at a time (`findSpecial`, _json-bytes.ts).
 * `scan` is one function on purpose (see its comment) over the steps a long input repeats;
 * the rest lives around it: the short tokens' steps (escapes, literals, a number's sign, dot
 * and exponent) and the words of the structure's errors below (_json-tokens.ts), chunks and
 * UTF-8 below that (_chunked-input.ts), records above (fast-decoder.ts).
 */
import { EMPTY_WORDS, ESC1, findSpecial, HEX, MAX_DEPTH, printable, TOO_DEEP } from './_json-bytes.js';
import { afterMemberError, JsonTokenSteps, propertyNameError, valueError } from './_json-tokens.js';
import type { Shape } from './types.js';

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

export const VSTART = new Uint8Array(256);
VSTART[0x22] = V_STR;
VSTART[0x7b] = V_OBJ;
VSTART[0x5b] = V_ARR;
VSTART[0x2d] = V_MINUS;
VSTART[0x30] = V_ZERO;
for (let c = 0x31; c <= 0x39; c++) VSTART[c] = V_DIGIT;
VSTART[0x74] = V_TRUE;
VSTART[0x66] = V_FALSE;
VSTART[0x6e] = V_NULL;

const EMPTY_BUFFER = Buffer.alloc(0);

export abstract class JsonScanner extends JsonTokenSteps {
  // parser
  private state = S_TOP;
  private depth = 0;
  private stack = new Uint8Array(64);
  protected strIsKey = false;

  /** The input's shape, decided by the record layer; the scanner asks only whether it is JSON Lines (a newline ends a record). */
  protected _shape: Shape | undefined = undefined;
  protected topCount = 0; // top-level values started
  protected topNl = false; // a newline since the last top-level value ended
  /** A property name is being collected (`collectKey` said yes): `finishKey` hears of its end. */
  protected keyCollect = false;
  /** Values starting or ending at a depth <= notify need attention (records, captures, top level). */
  protected notify = 0;
  /** Set by onValueStart when it read the value whole: the index after it (else -1), and the newlines inside it. */
  protected readEnd = -1;
  protected readNewlines = 0;

  /** A top-level value starts with byte c at absolute offset `at`. */
  protected abstract topValueStart(at: number, c: number, line: number): void;
  /** A value starts at buf[pos] (byte c) with `d` containers open around it; d <= notify. May set `readEnd`. */
  protected abstract onValueStart(buf: Buffer, pos: number, n: number, d: number, c: number, line: number): void;
  /** A value ended just before buf[end] with `d` containers open around it; d <= notify. */
  protected abstract onValueEnd(buf: Buffer, end: number, d: number, line: number): void;
  /** A property name starts at buf[start] with `depth` containers open; d <= notify. Collect it? */
  protected abstract collectKey(start: number, depth: number): boolean;
  /** The collected property name ending at buf[q] (the closing quote) is complete. */
  protected abstract finishKey(buf: Buffer, q: number, depth: number): void;
  /** The chunk buf[0, n) is scanned: keep what the next chunk continues (`inKey`: a collected name is cut). */
  protected abstract keepTail(buf: Buffer, n: number, inKey: boolean): void;
  /** After the scanner's own end-of-input checks: the record layer's. */
  protected abstract finishRecords(): void;

  protected finish(): void {
    const len = this.base;
    let state = this.state;
    if (this.depth === 0 && (state === S_NUM_ZERO || state === S_NUM_INT || state === S_NUM_FRAC || state === S_NUM_EXP)) {
      // a top-level number (JSON Lines) ends with the input
      if (this.depth <= this.notify) this.onValueEnd(EMPTY_BUFFER, 0, 0, this.line);
      state = this.state = S_TOP;
    }
    if (state !== S_TOP) this.fail('unexpected end of input (truncated?)', len, this.line);
    this.checkNoCutSequence();
    this.finishRecords();
  }

  /**
   * Parse buf[i, n). `this.base` is the absolute offset of buf[0].
   * The value-end epilogue (notify the record builder, then S_TOP or S_AFTER) is
   * written out in each of the six places a value can end: as a method it measured
   * 2-5% slower on a 300 MB archive (it updates four of this loop's locals).
   */
  protected scan(buf: Buffer, i: number, n: number): void {
    const base = this.base;
    let state = this.state;
    let depth = this.depth;
    let line = this.line;
    let notify = this.notify;
    let jsonl = this._shape === 'jsonl';
    let stack = this.stack;

    // The string scan: WebAssembly over a chunk in the kernel's memory (copied there by push,
    // or read there by pushFrom; then buf is reused by the next chunk: copy what outlives this
    // call), else findSpecial.
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
          if (c !== (ct === ARR ? 0x5d : 0x7d)) this.fail(afterMemberError(ct === ARR), base + i, line);
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
            this.keyCollect = depth <= notify && this.collectKey(i + 1, depth);
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
          this.fail(propertyNameError(c, state === S_OBJ_FIRST), base + i, line);
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
            this.startBom();
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
          if (k === 0) this.fail(valueError(c, depth > 0 && stack[depth - 1] === ARR), base + i, line);
          if (depth <= notify) {
            this.save(state, depth, line);
            this.onValueStart(buf, i, n, depth, c, line);
            if (this.carryFrom >= 0) return; // a record cut by the chunk's end, carried to the next one (state saved at its start)
            notify = this.notify;
            jsonl = this._shape === 'jsonl';
            if (this.readEnd >= 0) {
              // a kept member or a whole record read (seed sessions); a JSON Lines record is at depth 0
              i = this.readEnd;
              this.readEnd = -1;
              line += this.readNewlines;
              if (depth === 0) {
                state = S_TOP;
                this.topNl = false;
              } else state = S_AFTER;
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
                // one byte of `stack` a level: without a bound a stream of `[` grew memory with its bytes
                if (depth === MAX_DEPTH) this.fail(TOO_DEEP, base + i - 1, line);
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
              this.startLiteral(c);
              state = S_LIT;
          }
          break;
        }

        case S_ESC:
          state = this.escapeStep(c, base + i, line) ? S_U : S_STR;
          i++;
          break;

        case S_U:
          if (this.unicodeStep(c, base + i, line)) state = S_STR;
          i++;
          break;

        case S_LIT:
          i++;
          if (this.literalStep(c, base + i - 1, line)) {
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

        case S_BOM:
          if (this.bomStep(c)) state = S_TOP;
          i++;
          break;

        case S_NUM_MINUS:
          state = this.afterMinus(c, base + i, line) ? S_NUM_ZERO : S_NUM_INT;
          i++;
          break;

        case S_NUM_DOT:
          this.afterDot(c, base + i, line);
          state = S_NUM_FRAC;
          i++;
          break;

        case S_NUM_E:
          state = this.afterE(c, base + i, line) ? S_NUM_ESIGN : S_NUM_EXP;
          i++;
          break;

        case S_NUM_ESIGN:
          this.afterExponentSign(c, base + i, line);
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
    this.keepTail(buf, n, this.keyCollect && this.strIsKey && (state === S_STR || state === S_ESC || state === S_U));
  }

  private save(state: number, depth: number, line: number): void {
    this.state = state;
    this.depth = depth;
    this.line = line;
  }
}
