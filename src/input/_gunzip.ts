/**
 * Gzip inflated member by member (RFC 1952): the headers and trailers are read here, each
 * member's deflate data by zlib's raw inflater, so that where a member ends is known.
 *
 * Why not zlib's gunzip: it reads concatenated members itself and never says where one ends.
 * Bytes after the last member came out as "incorrect header check" at the byte the inflated
 * output had reached (0 for a small file), and zlib drops what it inflated in the step that
 * fails, so the end of the valid data was never read (a small file: nothing at all). Here every
 * member is read whole before what follows it is judged, and an error in the gzip framing names
 * the byte of the compressed input where it is. After the last member only zero bytes (padding,
 * which gzip(1) accepts too) or the end may come; zlib's gunzip ignored anything after a zero byte.
 *
 * Errors inside a member's deflate data come from zlib with no compressed position: they keep
 * the offset of the inflated stream they had reached, as other input errors do.
 */
import { crc32, createInflateRaw, type InflateRaw } from 'node:zlib';
import { type AnalyzerError, inputError } from '../errors.js';

/** Inflated output chunks: with zlib's 16 KB default, inflating 1 GB took 4.4 s instead of 1.9 s. */
const OUT_CHUNK = 1 << 20;
/** Inflated bytes waiting for the reader before the inflater pauses (memory does not grow with the ratio). */
const PAUSE_BYTES = 2 * OUT_CHUNK;

const FHCRC = 2;
const FEXTRA = 4;
const FNAME = 8;
const FCOMMENT = 16;
const FRESERVED = 0xe0;

/** Where a header's reading is: its fields in order. */
const Step = { Fixed: 0, ExtraLength: 1, Extra: 2, Name: 3, Comment: 4, HeaderCrc: 5 } as const;

/**
 * One member header, read as it arrives: its name and comment may be any length, so only the
 * fixed 10 bytes (and two of a length or checksum) are kept.
 */
class MemberHeader {
  private readonly fixed = Buffer.alloc(10);
  private readonly two = Buffer.alloc(2);
  private got = 0;
  private step: number = Step.Fixed;
  private flags = 0;
  private extraLeft = 0;
  private crc = 0;

  /** Reads `b` from `i`: the index after the header, -1 when `b` ends inside it, or what is wrong (zlib's words; 'magic': not a member). */
  read(b: Buffer, i: number): number | string {
    for (;;) {
      switch (this.step) {
        case Step.Fixed: {
          if (i >= b.length) return -1;
          const n = Math.min(10 - this.got, b.length - i);
          b.copy(this.fixed, this.got, i, i + n);
          i = this.hashed(b, i, i + n);
          this.got += n;
          if (this.fixed[0] !== 0x1f || (this.got >= 2 && this.fixed[1] !== 0x8b)) return 'magic';
          if (this.got < 10) return -1;
          if (this.fixed[2] !== 8) return 'unknown compression method';
          this.flags = this.fixed[3]!;
          if (this.flags & FRESERVED) return 'unknown header flags set';
          this.got = 0;
          this.step = this.flags & FEXTRA ? Step.ExtraLength : Step.Name;
          break;
        }
        case Step.ExtraLength: {
          const r = this.readTwo(b, i, true);
          if (r < 0) return -1;
          i = r;
          this.extraLeft = this.two.readUInt16LE(0);
          this.step = Step.Extra;
          break;
        }
        case Step.Extra: {
          const n = Math.min(this.extraLeft, b.length - i);
          i = this.hashed(b, i, i + n);
          this.extraLeft -= n;
          if (this.extraLeft > 0) return -1;
          this.step = Step.Name;
          break;
        }
        case Step.Name:
        case Step.Comment: {
          const flag = this.step === Step.Name ? FNAME : FCOMMENT;
          if (this.flags & flag) {
            const zero = b.indexOf(0, i);
            i = this.hashed(b, i, zero < 0 ? b.length : zero + 1);
            if (zero < 0) return -1;
          }
          this.step = this.step === Step.Name ? Step.Comment : Step.HeaderCrc;
          break;
        }
        case Step.HeaderCrc: {
          if (!(this.flags & FHCRC)) return i;
          const r = this.readTwo(b, i, false);
          if (r < 0) return -1;
          return this.two.readUInt16LE(0) === (this.crc & 0xffff) ? r : 'header crc mismatch';
        }
      }
    }
  }

  /** Bytes [from, to) of `b` go into the header checksum; returns `to`. */
  private hashed(b: Buffer, from: number, to: number): number {
    if (to > from) this.crc = crc32(b.subarray(from, to), this.crc);
    return to;
  }

  /** The next of a two-byte field into `two`: the index after it, or -1 when `b` ends first. */
  private readTwo(b: Buffer, i: number, hash: boolean): number {
    while (this.got < 2) {
      if (i >= b.length) return -1;
      this.two[this.got++] = b[i]!;
      if (hash) this.hashed(b, i, i + 1);
      i++;
    }
    this.got = 0;
    return i;
  }
}

/**
 * One member's deflate data through zlib's raw inflater, which stops where the deflate data
 * ends: `bytesWritten` then says how much of the last piece it took. Output is queued as it
 * comes and the inflater paused past PAUSE_BYTES, so zlib keeps inflating in its thread while
 * the reader decodes, and memory stays bounded whatever the compression ratio.
 */
class MemberData {
  crc = 0;
  size = 0;
  private readonly z: InflateRaw = createInflateRaw({ chunkSize: OUT_CHUNK });
  private readonly queue: Buffer[] = [];
  private queued = 0;
  private ended = false;
  private failed: (Error & { code?: string }) | undefined;
  private wake: (() => void) | undefined;

  constructor() {
    this.z.on('data', (b: Buffer) => {
      this.queue.push(b);
      this.queued += b.length;
      if (this.queued >= PAUSE_BYTES) this.z.pause();
      this.notify();
    });
    this.z.on('end', () => {
      this.ended = true;
      this.notify();
    });
    this.z.on('error', (err) => {
      this.failed = err;
      this.notify();
    });
  }

  /** Inflate `piece`: yields the output; returns how many bytes of it the deflate data took when it ends there, else undefined. */
  async *write(piece: Buffer): AsyncGenerator<Buffer, number | undefined> {
    const before = this.z.bytesWritten;
    let written = false;
    this.z.write(piece, () => {
      written = true;
      this.notify();
    });
    for (;;) {
      yield* this.output();
      if (this.failed) throw this.failed;
      if (this.ended) return this.z.bytesWritten - before;
      // all of it taken: the data may end exactly here, which the next piece (or `end`) tells
      if (written && this.z.bytesWritten - before === piece.length) return undefined;
      await this.next();
    }
  }

  /** The input has ended: yields the rest of the output; throws zlib's error when the deflate data was not complete. */
  async *end(): AsyncGenerator<Buffer> {
    this.z.end();
    for (;;) {
      yield* this.output();
      if (this.failed) throw this.failed;
      if (this.ended) return;
      await this.next();
    }
  }

  destroy(): void {
    this.z.destroy();
  }

  private *output(): Generator<Buffer> {
    while (this.queue.length > 0) {
      const b = this.queue.shift()!;
      this.queued -= b.length;
      this.crc = crc32(b, this.crc);
      this.size += b.length;
      yield b;
    }
  }

  private next(): Promise<void> {
    if (this.z.isPaused()) this.z.resume();
    return new Promise((resolve) => {
      this.wake = resolve;
    });
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}

type Phase = 'header' | 'data' | 'trailer' | 'between' | 'padding';

/**
 * The inflated bytes of the gzip members in `raw`, each chunk memory of its own. Throws FP_INPUT
 * errors naming `file`; errors of `raw` itself pass through.
 */
export async function* gunzipMembers(raw: AsyncIterable<Buffer> | Iterable<Buffer>, file: string): AsyncGenerator<Buffer> {
  let at = 0; // compressed offset of the current chunk's first byte
  let inflated = 0; // of the members before the current one
  let phase: Phase = 'header';
  let memberAt = 0; // compressed offset of the current member, or of the zero padding
  let header = new MemberHeader();
  let data: MemberData | undefined;
  const trailer = Buffer.alloc(8);
  let trailerGot = 0;
  let trailerAt = 0;
  const invalid = (what: string, offset: number): AnalyzerError => inputError(`Invalid gzip data: ${what}`, { file, offset });
  const truncated = (): AnalyzerError => invalid('unexpected end of file (truncated?)', at);
  const zlibError = (err: Error & { code?: string }): AnalyzerError =>
    // zlib's Z_BUF_ERROR at the end: the input stopped inside the deflate data
    err.code === 'Z_BUF_ERROR' ? truncated() : invalid(err.message, inflated + (data?.size ?? 0));
  try {
    for await (const chunk of raw) {
      let i = 0;
      while (i < chunk.length) {
        switch (phase) {
          case 'between':
            memberAt = at + i;
            if (chunk[i] === 0) {
              phase = 'padding';
              break;
            }
            header = new MemberHeader();
            phase = 'header';
            break;
          case 'padding': {
            while (i < chunk.length && chunk[i] === 0) i++;
            if (i < chunk.length) throw invalid('bytes after the end of the gzip stream', memberAt);
            break;
          }
          case 'header': {
            const r = header.read(chunk, i);
            if (r === 'magic') throw invalid(memberAt > 0 ? 'bytes after the end of the gzip stream' : 'incorrect header check', memberAt);
            if (typeof r === 'string') throw invalid(r, memberAt);
            if (r < 0) i = chunk.length;
            else {
              i = r;
              data = new MemberData();
              phase = 'data';
            }
            break;
          }
          case 'data': {
            const member = data!;
            let took: number | undefined;
            try {
              took = yield* member.write(i === 0 ? chunk : chunk.subarray(i));
            } catch (err) {
              throw zlibError(err as Error);
            }
            if (took === undefined) i = chunk.length;
            else {
              i += took;
              member.destroy();
              trailerGot = 0;
              trailerAt = at + i;
              phase = 'trailer';
            }
            break;
          }
          case 'trailer': {
            const n = Math.min(8 - trailerGot, chunk.length - i);
            chunk.copy(trailer, trailerGot, i, i + n);
            trailerGot += n;
            i += n;
            if (trailerGot < 8) break;
            const member = data!;
            if (trailer.readUInt32LE(0) !== member.crc >>> 0) throw invalid('incorrect data check', trailerAt);
            if (trailer.readUInt32LE(4) !== member.size % 2 ** 32) throw invalid('incorrect length check', trailerAt + 4);
            inflated += member.size;
            data = undefined;
            phase = 'between';
            break;
          }
        }
      }
      at += chunk.length;
    }
    if (phase === 'data') {
      try {
        yield* data!.end();
      } catch (err) {
        throw zlibError(err as Error);
      }
    }
    if (phase !== 'between' && phase !== 'padding') throw truncated();
  } finally {
    data?.destroy();
  }
}
