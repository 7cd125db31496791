/**
 * The fast decoder's contract with its caller, under the JSON scanner: `push` chunks,
 * then `end` (or `pushFrom`, which reads the chunk itself). Each chunk's UTF-8 is checked
 * before it is scanned, with `buffer.isUtf8` (SIMD); a sequence cut by the end of a chunk is
 * completed by the next one. A pushed chunk is copied into the WebAssembly string kernel's
 * memory first when the kernel is in use (see wasm/string-scan.ts); `pushFrom` reads straight
 * into that memory instead. The first error is kept and every later call rethrows it;
 * errors are placed by absolute byte offset and line.
 *
 * The layers are one class chain over one decoder object (ChunkedInput <- JsonScanner
 * <- FastDecoder): the scanner's hot loop calls its hooks on `this`, as it did when they
 * were one class.
 */
import { isUtf8 } from 'node:buffer';
import { AnalyzerError, type ErrorContext, inputError } from '../errors.js';
import { describeInvalidUtf8, findInvalidUtf8, utf8SequenceLength } from './_utf8.js';
import { type StringKernel, type StringScanChoice, stringKernel } from './wasm/string-scan.js';

/** Reads the next bytes of an input synchronously into a buffer it is given (input/bytes.ts `FileRangeReader`). */
export interface ChunkSource {
  /** Most bytes the next `readInto` gives (0 at the end). */
  nextBytes(): number;
  /** Read at most min(into.length, chunkBytes) bytes into `into` from its start; 0 at the end. */
  readInto(into: Buffer): number;
}

export abstract class ChunkedInput {
  protected readonly file: string | undefined;
  protected readonly startOffset: number;
  protected readonly kernel: StringKernel | undefined;

  // position
  protected base: number; // absolute offset of the next chunk's first byte
  protected line: number;

  // UTF-8 sequence cut by the end of the previous chunk
  private readonly pend = new Uint8Array(4);
  private pendLen = 0;
  private pendNeed = 0;
  private pendOffset = 0;

  /**
   * Invalid UTF-8 is not an error (the agent logs' JSON walk, adapters/_json-walk.ts: those logs
   * are read as the line-based ones are, an invalid byte as U+FFFD); the session archives check it.
   */
  protected lenientUtf8 = false;

  private failure: AnalyzerError | undefined = undefined;
  private ended = false;
  /** `pushFrom`'s buffer where the kernel's memory cannot be read into (no kernel, or busy). */
  private spare: Buffer | undefined = undefined;

  /**
   * The carry (issue 13, long messages): a record cut by the end of a chunk read by `pushFrom`
   * is not walked by the scanner; the scanner stops at its first byte (`carryFrom`, set by the
   * record layer while `carryOK`) and its bytes so far wait in `carried` to be scanned again in
   * front of the next chunk, where the record is read whole. A 256 KB chunk of a 1 GB archive of
   * ~50 KB records ends inside a record nearly every time; walked by the scanner, that record
   * was read twice more (a first attempt to the chunk's end, then the scanner's walk).
   */
  protected carryOK = false;
  /** Set by the scanner's record layer while `carryOK`: stop at this index, and carry the chunk from it. */
  protected carryFrom = -1;
  private carried: Buffer | undefined = undefined;
  private carriedLen = 0;

  /** `file`: for error messages; `startOffset`, `startLine`: of the first pushed byte; `stringScan`: see wasm/string-scan.ts. */
  constructor(file: string | undefined, startOffset: number, startLine: number, stringScan: StringScanChoice | undefined) {
    this.file = file;
    this.startOffset = startOffset;
    this.base = startOffset;
    this.line = startLine;
    this.kernel = stringKernel(stringScan);
  }

  /** Scan buf[i, n) (valid UTF-8 but for a sequence cut at its end). `this.base` is the absolute offset of buf[0]. */
  protected abstract scan(buf: Buffer, i: number, n: number): void;

  /** The input ended: fail if it is incomplete (`checkNoCutSequence` checks the UTF-8). */
  protected abstract finish(): void;

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
      this.flushCarried();
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

  /**
   * Read the next chunk from `source` and push it; the bytes read (0: the input has no more).
   * With the WebAssembly kernel, the read lands in the kernel's memory, where the scan reads it:
   * no copy (`push` copies each chunk there, ~0.06 s per GB). The read and the scan are one
   * synchronous call, so no other decoder of this thread can write the kernel's memory between
   * them (a chunk read ahead into it could be overwritten before it is scanned).
   */
  pushFrom(source: ChunkSource): number {
    if (this.failure) throw this.failure;
    const kernel = this.kernel;
    if (kernel === undefined || kernel.busy) {
      if (this.carriedLen > 0) {
        try {
          this.flushCarried();
        } catch (err) {
          if (err instanceof AnalyzerError) this.failure = err;
          throw err;
        }
      }
      // sized as the read (a small file, a small buffer: a folder of tiny files once spent most of its time collecting 1 MB buffers)
      const want = source.nextBytes();
      const spare = this.spare !== undefined && this.spare.length >= want ? this.spare : (this.spare = Buffer.allocUnsafe(want));
      const n = source.readInto(spare);
      if (n > 0) this.push(spare.subarray(0, n));
      return n;
    }
    if (this.ended) throw new AnalyzerError('FP_INTERNAL', 'FastDecoder.pushFrom called after end()');
    kernel.busy = true;
    try {
      const room = kernel.room;
      // the carried bytes first, then the read after them (c < room.length: a record is carried only from past a chunk's start)
      const c = this.carriedLen;
      if (c > 0) this.carried!.copy(room, 0, 0, c);
      this.carriedLen = 0;
      const n = source.readInto(c > 0 ? room.subarray(c) : room);
      // at the input's end (n = 0) the carried bytes are scanned as they are
      if (c + n > 0) this.pushChunk(room.subarray(0, c + n), n > 0);
      return n;
    } catch (err) {
      if (err instanceof AnalyzerError) this.failure = err;
      throw err;
    } finally {
      kernel.busy = false;
    }
  }

  /** The input is complete. Throws FP_INPUT if it is truncated (or empty, unless JSON Lines is forced). */
  end(): void {
    if (this.failure) throw this.failure;
    if (this.ended) return;
    try {
      this.flushCarried();
      this.ended = true;
      this.finish();
    } catch (err) {
      if (err instanceof AnalyzerError) this.failure = err;
      throw err;
    }
  }

  /** Bytes carried and not followed by a `pushFrom` chunk (a `push`, the input's end): scanned as they are. */
  private flushCarried(): void {
    const c = this.carriedLen;
    if (c === 0) return;
    this.carriedLen = 0;
    this.pushChunk(this.carried!.subarray(0, c));
  }

  /** `carry`: the scanner may stop at a record's start and carry the rest over (see `carryOK`). */
  private pushChunk(buf: Buffer, carry = false): void {
    const n = buf.length;
    if (n === 0) return;
    if (this.lenientUtf8) {
      this.scan(buf, 0, n);
      this.base += n;
      return;
    }
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
    this.carryOK = carry;
    try {
      this.scan(buf, 0, n);
    } finally {
      this.carryOK = false;
    }
    const p = this.carryFrom;
    if (p >= 0) {
      // the scanner stopped at a record cut by this chunk's end: its bytes wait for the next chunk
      // (a UTF-8 sequence cut at the end is among them, checked again then)
      this.carryFrom = -1;
      const len = n - p;
      if (this.carried === undefined || this.carried.length < len) this.carried = Buffer.allocUnsafe(Math.max(len, 1 << 16));
      buf.copy(this.carried, 0, p, n);
      this.carriedLen = len;
      this.base += p;
      return;
    }
    if (t < n) {
      this.pend.set(buf.subarray(t, n));
      this.pendLen = n - t;
      this.pendNeed = utf8SequenceLength(buf[t]!);
      this.pendOffset = this.base + t;
    }
    this.base += n;
  }

  /** At the end of the input: no UTF-8 sequence may be left cut. */
  protected checkNoCutSequence(): void {
    if (this.pendLen > 0) this.failUtf8(describeInvalidUtf8(this.pend, 0, this.pendLen), this.pendOffset);
  }

  // ---- errors --------------------------------------------------------------

  protected ctx(offset: number, line: number): ErrorContext {
    return this.file === undefined ? { offset, line } : { file: this.file, offset, line };
  }

  protected fail(what: string, offset: number, line: number): never {
    throw inputError(`Invalid JSON: ${what}`, this.ctx(offset, line));
  }

  private failUtf8(what: string, offset: number): never {
    // the line of an invalid UTF-8 byte: no newline can sit between it and where the parser is
    throw inputError(`Invalid UTF-8: ${what}`, this.ctx(offset, this.line));
  }
}
