/**
 * A state as columns, for the trip from a worker thread to the main thread: numbers in
 * Float64Array chunks and strings in chunks of bytes (transferred, not copied). The structured clone of a state object by object cost more than the whole
 * analysis when keys are many: a state of 125k distinct error keys took 2-3 s to
 * serialize and ~6 s to deserialize, against 0.6-1.5 s to pack and 1.2-1.7 s to unpack
 * this way (in one process, the machine loaded; 2026-12-01), and the main thread, which
 * deserializes every worker's states, was what made two workers slower than one.
 *
 * A detector that packs writes its entries field by field with a `PackWriter` and reads
 * them back in the same order with a `PackReader`; the result must equal the state it
 * packed (the laws tests check it through the state-file form).
 */
import type { Ordinal } from '../ordinal.js';

/**
 * A packed state: plain data that crosses threads cheaply, as the chunks it was written in
 * (each a view of an ArrayBuffer of its own, transferred as it is: see `finish`).
 */
export interface PackedState {
  $packed: 1;
  nums: Float64Array[];
  /** what `uint` wrote: varints (a number never crosses chunks) */
  ints: Uint8Array[];
  /** every string, one after another (a string never crosses chunks): Latin-1 if every code
   * unit is below 0x100, else UTF-16 (a lone surrogate survives it, not UTF-8) */
  bytes: Uint8Array[];
  /** per string: its length in characters times 2, plus 1 when it is written as UTF-16 */
  lens: Uint32Array[];
  /**
   * how many keys a keyed detector wrote (`PackWriter.keyCount`), so that a merge sizes its
   * key index once (`KeyIndex.reserve`); absent from a pack whose detector does not say, which
   * merges as before (growing as it goes). Packs live only between a worker and the main
   * thread of one run (state files and the cache hold documents, never packs): no version.
   */
  keys?: number;
}

/** The buffers of a packed state, to transfer rather than copy. */
export function packBuffers(p: PackedState): ArrayBuffer[] {
  return [...p.nums, ...p.ints, ...p.lens, ...p.bytes].map((c) => c.buffer as ArrayBuffer);
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

/** bytes below which `copyBytes` copies in a loop */
const SHORT_COPY = 64;

/**
 * `src[start, end)` copied into `dst` at `at`. A short span (most keys, session ids) in a
 * loop: `set(src.subarray(...))` made a Buffer object per key, ~0.4 s of 1M keys merged
 * on the main thread (pushSpan 477 ms self + FastBuffer 207 + subarray 172 in the profile
 * of an 8-shard merge in process, load 7, 2026-12-02).
 */
export function copyBytes(src: Uint8Array, start: number, end: number, dst: Uint8Array, at: number): void {
  if (end - start < SHORT_COPY) for (let i = start; i < end; i++) dst[at++] = src[i]!;
  else dst.set(src.subarray(start, end), at);
}

export function isPacked(v: unknown): v is PackedState {
  return typeof v === 'object' && v !== null && (v as { $packed?: unknown }).$packed === 1;
}

/**
 * Strings `ref` writes once and then by number, per packed state: a bound, so that a state
 * of a million distinct repos does not keep a million-entry dictionary on both sides.
 */
export const MAX_REFS = 4096;

/** bytes of the longest varint `uint` writes (of 2^31) */
const MAX_VARINT = 5;

export class PackWriter {
  /** numbers a chunk, bytes a chunk (static: tests lower them to cross chunk edges) */
  static numChunk = 1 << 16;
  static byteChunk = 1 << 20;

  // Numbers and string bytes are written into chunks, and the chunks are what is transferred:
  // a Float64Array grown by doubling, and the strings kept until then and joined into one
  // string, left ~2x the packed size behind for the collector in every worker, for every
  // shard (1M error keys: ~35 MB a worker a shard), and copying the chunks once into buffers
  // of their exact size still left the chunks (1x). The first chunks are small (most states are: a detector of a few keys, a batch of tiny
  // files) and each next one twice the last, up to the bound
  private nums = new Float64Array(Math.min(256, PackWriter.numChunk));
  private n = 0;
  private readonly fullNums: Float64Array[] = [];
  private ints: Buffer = Buffer.allocUnsafeSlow(Math.max(MAX_VARINT, Math.min(256, PackWriter.byteChunk)));
  private ia = 0;
  private readonly fullInts: Uint8Array[] = [];
  private bytes: Buffer = Buffer.allocUnsafeSlow(Math.min(1024, PackWriter.byteChunk));
  private at = 0;
  private readonly fullBytes: Uint8Array[] = [];
  private lens = new Uint32Array(Math.min(256, PackWriter.numChunk));
  private nLens = 0;
  private readonly fullLens: Uint32Array[] = [];
  private readonly refs = new Map<string, number>();
  private keys: number | undefined;

  /** Say that the pack holds `n` keys (distinct: a key table's rows), for the merge at the other end to size its index by. */
  keyCount(n: number): void {
    this.keys = n;
  }

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
    copyBytes(src, start, end, this.bytes, this.at);
    this.at += n;
    this.len(wide ? n + 1 : 2 * n);
  }

  /**
   * A number that is nearly always a small count or index (an ordinal's, a count, a mark):
   * x + 1 as a varint (1-5 bytes) when x is an integer in [0, 2^31 - 1), else 0 and `num(x)`.
   * As `num` every one was 8 bytes: on 1M error keys ~70 of a key's ~118 packed bytes.
   */
  uint(x: number): void {
    if (this.ints.length - this.ia < MAX_VARINT) {
      this.fullInts.push(this.ints.subarray(0, this.ia));
      this.ints = Buffer.allocUnsafeSlow(Math.max(MAX_VARINT, Math.min(PackWriter.byteChunk, 2 * this.ints.length)));
      this.ia = 0;
    }
    const b = this.ints;
    let at = this.ia;
    if (!(x >= 0 && x < 0x7fffffff && x === Math.floor(x)) || (x === 0 && 1 / x < 0)) {
      b[at] = 0;
      this.ia = at + 1;
      return this.num(x);
    }
    let v = x + 1;
    while (v >= 0x80) {
      b[at++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    b[at++] = v;
    this.ia = at;
  }

  ordinal(o: Ordinal): void {
    this.uint(o.length);
    for (const x of o) this.uint(x);
  }

  /**
   * A string that recurs (a repo): the first time 0 and the string, then its number + 2; 1
   * and the string once MAX_REFS are taken (by `uint`). On 1M error keys each key's repo was a string
   * of its own to write, decode and intern on the main thread.
   */
  ref(s: string): void {
    const i = this.refs.get(s);
    if (i !== undefined) return this.uint(i + 2);
    if (this.refs.size < MAX_REFS) {
      this.refs.set(s, this.refs.size);
      this.uint(0);
    } else this.uint(1);
    this.str(s);
  }

  /**
   * Every number, string and length written, as the chunks they were written in (each chunk
   * a view of a buffer of its own: allocUnsafeSlow, never a slice of Node's shared pool, which
   * must not be transferred). The writer is done with.
   */
  finish(): PackedState {
    const p: PackedState = {
      $packed: 1,
      nums: [...this.fullNums, this.nums.subarray(0, this.n)],
      ints: [...this.fullInts, this.ints.subarray(0, this.ia)],
      bytes: [...this.fullBytes, this.bytes.subarray(0, this.at)],
      lens: [...this.fullLens, this.lens.subarray(0, this.nLens)],
    };
    if (this.keys !== undefined) p.keys = this.keys;
    return p;
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

export class PackReader {
  // the chunk being read of each kind, its index, and the place in it
  private nums: Float64Array;
  private ni = 0;
  private i = 0;
  private ints: Uint8Array;
  private ii = 0;
  private ia = 0;
  private lens: Uint32Array;
  private li = 0;
  private s = 0;
  private bytes: Buffer;
  private bi = 0;
  private at = 0;
  private readonly byteChunks: Buffer[];
  private readonly refs: string[] = [];
  /** what `span` returns (one object, filled anew each call) */
  private readonly lastSpan: StrSpan;
  /** `str`'s own, so that `str` leaves the last `span` as it was */
  private readonly strSpan: StrSpan;

  /** how many keys the pack holds, when its writer said (`PackWriter.keyCount`) */
  readonly keyCount: number | undefined;

  constructor(private readonly p: PackedState) {
    this.keyCount = p.keys;
    this.nums = p.nums[0] ?? new Float64Array(0);
    this.ints = p.ints[0] ?? new Uint8Array(0);
    this.lens = p.lens[0] ?? new Uint32Array(0);
    this.byteChunks = p.bytes.map((c) => Buffer.from(c.buffer, c.byteOffset, c.byteLength));
    this.bytes = this.byteChunks[0] ?? Buffer.alloc(0);
    this.lastSpan = { bytes: this.bytes, start: 0, end: 0, wide: false };
    this.strSpan = { bytes: this.bytes, start: 0, end: 0, wide: false };
  }

  /** true while numbers or strings are left */
  get more(): boolean {
    return this.i < this.nums.length || this.ia < this.ints.length || this.s < this.lens.length || this.moreChunks();
  }

  private moreChunks(): boolean {
    const p = this.p;
    for (let c = this.ni + 1; c < p.nums.length; c++) if (p.nums[c]!.length > 0) return true;
    for (let c = this.ii + 1; c < p.ints.length; c++) if (p.ints[c]!.length > 0) return true;
    for (let c = this.li + 1; c < p.lens.length; c++) if (p.lens[c]!.length > 0) return true;
    return false;
  }

  /** what `PackWriter.uint` wrote */
  uint(): number {
    while (this.ia === this.ints.length) {
      this.ints = this.p.ints[++this.ii]!;
      this.ia = 0;
    }
    const b = this.ints;
    let v = 0;
    let scale = 1;
    for (;;) {
      const x = b[this.ia++]!;
      v += (x & 0x7f) * scale;
      if (x < 0x80) break;
      scale *= 128;
    }
    return v === 0 ? this.num() : v - 1;
  }

  num(): number {
    if (this.i === this.nums.length) this.nextNums();
    return this.nums[this.i++]!;
  }

  /** the next string, decoded into a string of its own (not a view of a larger one) */
  str(): string {
    const sp = this.next(this.strSpan);
    return decodeBytes(sp.bytes, sp.start, sp.end, sp.wide);
  }

  /**
   * The next string as its bytes, not decoded: a key merged into a key table is looked up
   * and copied as bytes (key-bytes.ts). The span is the reader's own, valid until the next call.
   */
  span(): StrSpan {
    return this.next(this.lastSpan);
  }

  /** `sp` set to the next string's bytes. */
  private next(sp: StrSpan): StrSpan {
    if (this.s === this.lens.length) {
      do this.lens = this.p.lens[++this.li]!;
      while (this.lens.length === 0);
      this.s = 0;
    }
    const l = this.lens[this.s++]!;
    const wide = (l & 1) === 1;
    const n = wide ? l - 1 : l >>> 1;
    // a string is never cut between chunks: one that does not fit what is left is in the next
    while (this.at + n > this.bytes.length) {
      this.bytes = this.byteChunks[++this.bi]!;
      this.at = 0;
    }
    sp.bytes = this.bytes;
    sp.wide = wide;
    sp.start = this.at;
    this.at = sp.end = this.at + n;
    return sp;
  }

  private nextNums(): void {
    do this.nums = this.p.nums[++this.ni]!;
    while (this.nums.length === 0);
    this.i = 0;
  }

  /** a string `PackWriter.ref` wrote; `fresh` is given each string read the first time (to intern it) */
  ref(fresh?: (s: string) => string): string {
    const i = this.uint();
    if (i >= 2) return this.refs[i - 2]!;
    const s = fresh === undefined ? this.str() : fresh(this.str());
    if (i === 0) this.refs.push(s);
    return s;
  }

  /**
   * `ordinal()` read into `o` (its length set), for a merge that only compares or copies it:
   * an array per merged key was ~10% of merging 1M keys (profile of an 8-shard merge in process).
   */
  ordinalInto(o: number[]): Ordinal {
    const n = this.uint();
    o.length = n;
    for (let k = 0; k < n; k++) o[k] = this.uint();
    return o;
  }

  ordinal(): Ordinal {
    const n = this.uint();
    const o = new Array<number>(n);
    for (let k = 0; k < n; k++) o[k] = this.uint();
    return o;
  }
}
