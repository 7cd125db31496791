/**
 * A state as columns, for the trip from a worker thread to the main thread: every number
 * in one Float64Array and every string in one block of bytes (both transferred, not copied). The structured clone of a state object by object cost more than the whole
 * analysis when keys are many: a state of 125k distinct error keys took 2-3 s to
 * serialize and ~6 s to deserialize, against 0.6-1.5 s to pack and 1.2-1.7 s to unpack
 * this way (in one process, the machine loaded; 2026-12-01), and the main thread, which
 * deserializes every worker's states, was what made two workers slower than one.
 *
 * A detector that packs writes its entries field by field with a `PackWriter` and reads
 * them back in the same order with a `PackReader`; the result must equal the state it
 * packed (the laws tests check it through the state-file form).
 */
import type { Ordinal } from './ordinal.js';

/** A packed state: plain data that crosses threads cheaply. */
export interface PackedState {
  $packed: 1;
  nums: Float64Array;
  /** every string, one after another: Latin-1 if every code unit is below 0x100, else UTF-16
   * (a lone surrogate survives it, not UTF-8); its own ArrayBuffer, transferred */
  bytes: Uint8Array;
  /** per string: its length in characters times 2, plus 1 when it is written as UTF-16 */
  lens: Uint32Array;
}

/**
 * A string as bytes: `bytes[start, end)`, one byte a code unit (Latin-1), or two (UTF-16LE)
 * when `wide`. A string is written wide only when a code unit is above 0xFF, in a packed
 * state as in a key table's bytes (key-bytes.ts), so that one string has one form.
 */
export interface StrSpan {
  bytes: Buffer;
  start: number;
  end: number;
  wide: boolean;
}

interface SliceMethods {
  latin1Slice(start: number, end: number): string;
  ucs2Slice(start: number, end: number): string;
}
/** Buffer's own decoders where Node has them (toString's argument checks cost ~0.5 s per 1M strings). */
const DIRECT = typeof (Buffer.prototype as unknown as Partial<SliceMethods>).latin1Slice === 'function';

/** The string of bytes b[start, end), as `StrSpan` says: a string of its own, not a view of a larger one. */
export function decodeBytes(b: Buffer, start: number, end: number, wide: boolean): string {
  if (DIRECT) return wide ? (b as unknown as SliceMethods).ucs2Slice(start, end) : (b as unknown as SliceMethods).latin1Slice(start, end);
  return b.toString(wide ? 'utf16le' : 'latin1', start, end);
}

export function isPacked(v: unknown): v is PackedState {
  return typeof v === 'object' && v !== null && (v as { $packed?: unknown }).$packed === 1;
}

/**
 * Strings `ref` writes once and then by number, per packed state: a bound, so that a state
 * of a million distinct repos does not keep a million-entry dictionary on both sides.
 */
export const MAX_REFS = 4096;

export class PackWriter {
  /** numbers a chunk, bytes a chunk (static: tests lower them to cross chunk edges) */
  static numChunk = 1 << 16;
  static byteChunk = 1 << 20;

  // Numbers and string bytes are written into chunks and copied once, at `finish`, into
  // buffers of their exact size: a Float64Array grown by doubling, and the strings kept
  // until then and joined into one string, left ~2x the packed size behind for the
  // collector in every worker, for every shard (1M error keys: ~35 MB a worker a shard).
  // the first chunks are small (most states are: a detector of a few keys, a batch of tiny
  // files) and each next one twice the last, up to the bound
  private nums = new Float64Array(Math.min(256, PackWriter.numChunk));
  private n = 0;
  private readonly fullNums: Float64Array[] = [];
  private bytes: Buffer = Buffer.allocUnsafeSlow(Math.min(1024, PackWriter.byteChunk));
  private at = 0;
  private readonly fullBytes: Uint8Array[] = [];
  private lens = new Uint32Array(Math.min(256, PackWriter.numChunk));
  private nLens = 0;
  private readonly fullLens: Uint32Array[] = [];
  private readonly refs = new Map<string, number>();

  num(x: number): void {
    if (this.n === this.nums.length) {
      this.fullNums.push(this.nums);
      this.nums = new Float64Array(Math.min(PackWriter.numChunk, 2 * this.nums.length));
      this.n = 0;
    }
    this.nums[this.n++] = x;
  }

  /**
   * A string as bytes: one a character when every code unit is below 0x100, else its UTF-16
   * code units (a lone surrogate survives them, not UTF-8). Decoded on the other side into a string of its own:
   * a string sliced out of one big string is a view that keeps all of it alive (on 1M error
   * keys the main thread held every shard's text, ~80 bytes a key).
   */
  str(s: string): void {
    const len = s.length;
    if (this.bytes.length - this.at < len) this.nextBytes(len);
    let b = this.bytes;
    let at = this.at;
    let i = 0;
    for (; i < len; i++) {
      const c = s.charCodeAt(i);
      if (c > 0xff) break;
      b[at + i] = c;
    }
    if (i === len) {
      this.at = at + len;
      return this.len(len * 2);
    }
    if (this.bytes.length - this.at < 2 * len) this.nextBytes(2 * len);
    b = this.bytes;
    at = this.at;
    for (let k = 0; k < len; k++) {
      const c = s.charCodeAt(k);
      b[at + 2 * k] = c & 0xff;
      b[at + 2 * k + 1] = c >>> 8;
    }
    this.at = at + 2 * len;
    this.len(len * 2 + 1);
  }

  /** A string given as its bytes (`StrSpan`'s form), copied: a key table's key, without making its string. */
  strBytes(src: Uint8Array, start: number, end: number, wide: boolean): void {
    const n = end - start;
    if (this.bytes.length - this.at < n) this.nextBytes(n);
    this.bytes.set(src.subarray(start, end), this.at);
    this.at += n;
    this.len(wide ? n + 1 : 2 * n);
  }

  ordinal(o: Ordinal): void {
    this.num(o.length);
    for (const x of o) this.num(x);
  }

  /**
   * A string that recurs (a repo): the first time -1 and the string, then its number; -2
   * and the string once MAX_REFS are taken. On 1M error keys each key's repo was a string
   * of its own to write, decode and intern on the main thread.
   */
  ref(s: string): void {
    const i = this.refs.get(s);
    if (i !== undefined) return this.num(i);
    if (this.refs.size < MAX_REFS) {
      this.refs.set(s, this.refs.size);
      this.num(-1);
    } else this.num(-2);
    this.str(s);
  }

  /** Every number, string and length written, each in one buffer of its own (to transfer). */
  finish(): PackedState {
    // not Buffer.from: a small Buffer may be a slice of Node's shared pool, which must not be transferred
    const bytes = Buffer.allocUnsafeSlow(this.fullBytes.reduce((t, c) => t + c.length, this.at));
    let at = 0;
    for (const c of [...this.fullBytes, this.bytes.subarray(0, this.at)]) {
      bytes.set(c, at);
      at += c.length;
    }
    return {
      $packed: 1,
      nums: concat(this.fullNums, this.nums, this.n, Float64Array),
      bytes,
      lens: concat(this.fullLens, this.lens, this.nLens, Uint32Array),
    };
  }

  private len(x: number): void {
    if (this.nLens === this.lens.length) {
      this.fullLens.push(this.lens);
      this.lens = new Uint32Array(Math.min(PackWriter.numChunk, 2 * this.lens.length));
      this.nLens = 0;
    }
    this.lens[this.nLens++] = x;
  }

  /** A new chunk of bytes with room for `need` bytes at least (a long string gets one of its own size). */
  private nextBytes(need: number): void {
    this.fullBytes.push(this.bytes.subarray(0, this.at));
    this.bytes = Buffer.allocUnsafeSlow(Math.max(Math.min(PackWriter.byteChunk, 2 * this.bytes.length), need));
    this.at = 0;
  }
}

/** Full chunks and the first `n` of the last one, in one array of the exact length. */
function concat<A extends Float64Array | Uint32Array>(full: A[], last: A, n: number, make: new (length: number) => A): A {
  const out = new make(full.reduce((t, c) => t + c.length, n));
  let at = 0;
  for (const c of full) {
    out.set(c, at);
    at += c.length;
  }
  out.set(last.subarray(0, n), at);
  return out;
}

export class PackReader {
  private i = 0;
  private s = 0;
  private at = 0;
  private readonly bytes: Buffer;
  private readonly refs: string[] = [];
  /** what `span` returns (one object, filled anew each call) */
  private readonly lastSpan: StrSpan;

  constructor(private readonly p: PackedState) {
    this.bytes = Buffer.from(p.bytes.buffer, p.bytes.byteOffset, p.bytes.byteLength);
    this.lastSpan = { bytes: this.bytes, start: 0, end: 0, wide: false };
  }

  /** true while numbers are left */
  get more(): boolean {
    return this.i < this.p.nums.length;
  }

  num(): number {
    return this.p.nums[this.i++]!;
  }

  /** the next string, decoded into a string of its own (not a view of a larger one) */
  str(): string {
    const l = this.p.lens[this.s++]!;
    const wide = (l & 1) === 1;
    const end = this.at + (wide ? l - 1 : l >>> 1);
    const s = decodeBytes(this.bytes, this.at, end, wide);
    this.at = end;
    return s;
  }

  /**
   * The next string as its bytes, not decoded: a key merged into a key table is looked up
   * and copied as bytes (key-bytes.ts). The span is the reader's own, valid until the next call.
   */
  span(): StrSpan {
    const l = this.p.lens[this.s++]!;
    const sp = this.lastSpan;
    sp.wide = (l & 1) === 1;
    sp.start = this.at;
    this.at = sp.end = this.at + (sp.wide ? l - 1 : l >>> 1);
    return sp;
  }

  /** a string `PackWriter.ref` wrote; `fresh` is given each string read the first time (to intern it) */
  ref(fresh?: (s: string) => string): string {
    const i = this.num();
    if (i >= 0) return this.refs[i]!;
    const s = fresh === undefined ? this.str() : fresh(this.str());
    if (i === -1) this.refs.push(s);
    return s;
  }

  ordinal(): Ordinal {
    const n = this.num();
    const o = new Array<number>(n);
    for (let k = 0; k < n; k++) o[k] = this.num();
    return o;
  }
}
