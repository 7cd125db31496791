/**
 * The token readers under the seed members (_read-members.ts): whitespace, property
 * names, strings, numbers and literals read and validated straight from a chunk's bytes,
 * and any JSON value skipped. Each says false (or -1) for what it does not read exactly
 * (the value does not end in the chunk, it is not valid JSON, a newline ends a JSON Lines
 * record, it is nested deeper than MAX_DEPTH): the decoder's scanner then takes the member.
 *
 * The readers are one class chain over one object (TokenReader <- ToolCallReader
 * <- MemberReader): the hot calls stay calls on `this`, with the fields the decoder
 * used when they were one class.
 */
import { escapeEnd } from './_json-bytes.js';
import type { StringKernel } from './wasm/string-scan.js';

const MAX_DEPTH = 64;
/**
 * Without the string kernel (see `strings`), the longest string skipped here: longer ones go
 * faster through the scanner's 4-bytes-a-step loop.
 */
const SHORT_STRING = 256;
/**
 * With the string kernel, the bytes of a skipped string looked at here before the rest of it
 * goes to the kernel (a short value, "ok" or a timestamp, costs no call into WebAssembly).
 */
const JS_PREFIX = 12;

export const LIT_FALSE = 0;
export const LIT_TRUE = 1;
export const LIT_NULL = 2;
export const NO_LIT = -1;

// property names told apart (tool calls and errors)
export const KEY_OTHER = 0;
export const KEY_TOOL = 1;
export const KEY_LATENCY = 2;
export const KEY_MESSAGE = 3;

export const EMPTY = Buffer.alloc(0);

export const TOOL = Buffer.from('tool', 'latin1');
export const LATENCY_MS = Buffer.from('latency_ms', 'latin1');
const MESSAGE = Buffer.from('message', 'latin1');

/** buf[s, s + word.length) spells word. */
export function spells(buf: Buffer, s: number, word: Uint8Array): boolean {
  for (let k = 0; k < word.length; k++) if (buf[s + k] !== word[k]) return false;
  return true;
}

export const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;

/** Reads tokens of the chunk buf[0, n) from buf[i]; one per decoder (a MemberReader). */
export class TokenReader {
  protected buf: Buffer = EMPTY;
  protected n = 0;
  protected i = 0;
  protected oneLine = false;
  /** newlines inside the member read last */
  newlines = 0;

  // the last string: its content buf[sStart, sEnd), with escapes, with bytes >= 0x80
  protected sStart = 0;
  protected sEnd = 0;
  protected sEsc = false;
  protected sHigh = false;
  // the last number: buf[nStart, i), its value
  protected nStart = 0;
  protected nValue = 0;
  /**
   * The WebAssembly string kernel (wasm/string-scan.ts) of the decoder, set by ToolCallReader:
   * where the chunk is in its memory, a skipped string of any length is skipped here (the
   * kernel walks its body), so that a record of long messages is read whole instead of being
   * left to the scanner after a first attempt (issue 13, the long-message archive).
   */
  protected strings: StringKernel | undefined = undefined;
  /**
   * Set when a value skipped by the string kernel reached the end of the bytes (its caller
   * clears it): the record being read is cut by the chunk's end, and the decoder may read it
   * again whole with the next chunk (ChunkedInput's carry) instead of walking it.
   */
  cut = false;

  /** Skip whitespace; the byte there, or -1 (the chunk ends, or a newline ends a JSON Lines record). */
  protected peek(): number {
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

  /** A property name at byte c and its ':'; which one it is (KEY_*), or -1. Names with escapes are not read. */
  protected key(c: number): number {
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
  protected str(): boolean {
    return this.strBefore(this.n);
  }

  /**
   * At '"': a string that ends in this chunk, skipped. Where the chunk is in the string
   * kernel's memory, any length: its first JS_PREFIX bytes here, the rest by the kernel. Else
   * at most SHORT_STRING bytes: a longer one (a transcript's message) is left to the scanner's
   * wider string loop.
   */
  protected skipStr(): boolean {
    const k = this.strings;
    const buf = this.buf;
    if (k === undefined || buf.buffer !== k.memory) return this.strBefore(Math.min(this.n, this.i + 1 + SHORT_STRING));
    const n = this.n;
    let i = this.i + 1;
    const prefixEnd = Math.min(n, i + JS_PREFIX);
    while (i < prefixEnd) {
      const c = buf[i]!;
      if (c === 0x22) {
        this.i = i + 1;
        return true;
      }
      if (c === 0x5c) {
        i = escapeEnd(buf, i, n);
        if (i < 0) return false;
        continue;
      }
      if (c < 0x20) return false;
      i++;
    }
    if (i >= n) return false;
    // i is inside the body, past any escape begun before it: the kernel's contract (its addresses are memory offsets)
    const base = buf.byteOffset;
    const q = k.stop(base + i, base + n) - base;
    if (q >= n || buf[q] !== 0x22) return false; // cut by the chunk's end, or invalid: the scanner says where
    this.i = q + 1;
    return true;
  }

  /** At '"': a string that ends before buf[n]; its content is buf[sStart, sEnd). */
  protected strBefore(n: number): boolean {
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
        i = escapeEnd(buf, i, n);
        if (i < 0) return false;
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
  protected text(): string {
    if (this.sEsc) return JSON.parse(this.buf.toString('utf8', this.sStart - 1, this.sEnd + 1)) as string;
    return this.buf.toString(this.sHigh ? 'utf8' : 'latin1', this.sStart, this.sEnd);
  }

  /**
   * At '-' or a digit: a JSON number followed by a byte of this chunk (else it might
   * go on in the next one). Its value is what JSON.parse reads.
   */
  protected num(): boolean {
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
  protected digits(i: number): number {
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
  protected lit(c: number): number {
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
  protected skip(c: number, depth: number): boolean {
    if (c === 0x22) return this.skipStr();
    if (c === 0x2d || isDigit(c)) return this.num();
    if (c === 0x7b || c === 0x5b) {
      const k = this.strings;
      if (k !== undefined && this.buf.buffer === k.memory) return this.skipInKernel(k);
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

  /**
   * At '{' or '[' of a chunk in the string kernel's memory: the whole value skipped by the kernel
   * in one call (a transcript's `messages`, ~100 tokens and tens of KB of strings), as strictly
   * as the scanner would walk it; false for anything it leaves (the scanner then walks it), with
   * `cut` set when the value reached the end of the bytes.
   */
  private skipInKernel(k: StringKernel): boolean {
    const base = this.buf.byteOffset;
    const e = k.skip(base + this.i, base + this.n, this.oneLine ? 1 : 0);
    if (e < 0) {
      if (e === -2) this.cut = true;
      return false;
    }
    this.newlines += k.skippedNewlines();
    this.i = e - base;
    return true;
  }
}
