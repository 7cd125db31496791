/** Where generated archive bytes go: a file, optionally through gzip, with backpressure. */
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { createGzip, type Gzip } from 'node:zlib';

/** Where session JSON goes: text pieces and pre-encoded UTF-8 pieces, in order. */
export interface PieceWriter {
  text(s: string): void;
  bytes(b: Uint8Array): void;
}

const CHUNK_BYTES = 8 << 20;

/**
 * A backpressure-aware sink over a file, optionally through gzip. Pieces are
 * copied into 8 MB buffers; full buffers are handed to the stream by `drain()`,
 * which waits whenever the stream asks to.
 */
export class Sink implements PieceWriter {
  private buf = Buffer.allocUnsafe(CHUNK_BYTES);
  private used = 0;
  private full: Buffer[] = [];
  private failure: Error | undefined;
  private readonly file: WriteStream;
  private readonly head: NodeJS.WritableStream;
  /** uncompressed bytes written so far */
  written = 0;

  constructor(path: string, gzipLevel: number | undefined) {
    this.file = createWriteStream(path, { highWaterMark: 1 << 20 });
    let gzip: Gzip | undefined;
    if (gzipLevel !== undefined) {
      gzip = createGzip({ level: gzipLevel, chunkSize: 1 << 16 });
      gzip.pipe(this.file);
      this.head = gzip;
    } else {
      this.head = this.file;
    }
    const fail = (err: Error): void => {
      this.failure ??= err;
      this.head.emit('drain'); // wake a pending write so that it can throw
    };
    this.file.on('error', fail);
    gzip?.on('error', fail);
  }

  private rotate(min: number): void {
    if (this.used > 0) this.full.push(this.buf.subarray(0, this.used));
    this.buf = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, min));
    this.used = 0;
  }

  text(s: string): void {
    // worst case 3 bytes per UTF-16 unit
    if (this.used + s.length * 3 > this.buf.length) this.rotate(s.length * 3);
    const n = this.buf.write(s, this.used, 'utf8');
    this.used += n;
    this.written += n;
  }

  bytes(b: Uint8Array): void {
    if (this.used + b.length > this.buf.length) this.rotate(b.length);
    this.buf.set(b, this.used);
    this.used += b.length;
    this.written += b.length;
  }

  /** Hand full buffers to the stream, honouring backpressure. */
  async drain(force = false): Promise<void> {
    if (force) this.rotate(0);
    if (this.failure) throw this.failure;
    const chunks = this.full;
    this.full = [];
    for (const chunk of chunks) {
      if (!this.head.write(chunk)) await once(this.head, 'drain');
      if (this.failure) throw this.failure;
    }
  }

  async close(): Promise<void> {
    await this.drain(true);
    const finished = once(this.file, 'close');
    this.head.end();
    await finished;
    if (this.failure) throw this.failure;
  }
}
