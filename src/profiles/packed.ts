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
  /** every string, one after another: Latin-1 if it is ASCII, else UTF-16 (a lone surrogate
   * survives it, not UTF-8); its own ArrayBuffer, transferred */
  bytes: Uint8Array;
  /** per string: its length in characters times 2, plus 1 when it is written as UTF-16 */
  lens: Uint32Array;
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
  private nums = new Float64Array(1024);
  private n = 0;
  private readonly strs: string[] = [];
  private readonly refs = new Map<string, number>();

  num(x: number): void {
    if (this.n === this.nums.length) {
      const grown = new Float64Array(this.nums.length * 2);
      grown.set(this.nums);
      this.nums = grown;
    }
    this.nums[this.n++] = x;
  }

  str(s: string): void {
    this.strs.push(s);
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

  /**
   * The strings go as bytes rather than one string: a string sliced out of one big string
   * is a view that keeps all of it alive (on 1M error keys the main thread held every
   * shard's text, ~80 bytes a key), while one decoded from bytes is a copy of its own.
   */
  finish(): PackedState {
    const strs = this.strs;
    const lens = new Uint32Array(strs.length);
    const joined = strs.join('');
    let bytes: Buffer;
    if (Buffer.byteLength(joined, 'utf8') === joined.length) {
      // all ASCII (the usual case): one write
      // not Buffer.from: a small Buffer may be a slice of Node's shared pool, which must not be transferred
      bytes = Buffer.allocUnsafeSlow(joined.length);
      bytes.write(joined, 'latin1');
      for (let i = 0; i < strs.length; i++) lens[i] = strs[i]!.length * 2;
    } else {
      // string by string: one wide string must not make every key two bytes a character
      const wide = strs.map((x) => Buffer.byteLength(x, 'utf8') !== x.length);
      let size = 0;
      for (let i = 0; i < strs.length; i++) size += wide[i] ? 2 * strs[i]!.length : strs[i]!.length;
      bytes = Buffer.allocUnsafeSlow(size);
      let at = 0;
      for (let i = 0; i < strs.length; i++) {
        const x = strs[i]!;
        lens[i] = x.length * 2 + (wide[i] ? 1 : 0);
        at += bytes.write(x, at, wide[i] ? 'utf16le' : 'latin1');
      }
    }
    return { $packed: 1, nums: this.nums.slice(0, this.n), bytes, lens };
  }
}

interface SliceMethods {
  latin1Slice(start: number, end: number): string;
  ucs2Slice(start: number, end: number): string;
}
/** Buffer's own decoders where Node has them (toString's argument checks cost ~0.5 s per 1M strings). */
const DIRECT = typeof (Buffer.prototype as unknown as Partial<SliceMethods>).latin1Slice === 'function';

export class PackReader {
  private i = 0;
  private s = 0;
  private at = 0;
  private readonly bytes: Buffer;
  private readonly refs: string[] = [];

  constructor(private readonly p: PackedState) {
    this.bytes = Buffer.from(p.bytes.buffer, p.bytes.byteOffset, p.bytes.byteLength);
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
    const b = this.bytes;
    let s: string;
    if (DIRECT) s = wide ? (b as unknown as SliceMethods).ucs2Slice(this.at, end) : (b as unknown as SliceMethods).latin1Slice(this.at, end);
    else s = b.toString(wide ? 'utf16le' : 'latin1', this.at, end);
    this.at = end;
    return s;
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
