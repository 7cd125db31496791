/**
 * The bytes of one classified input, inflated when it is gzip.
 *
 * A regular file is read through one FileHandle, exactly the `size` seen when it
 * was classified: a file still being written (a live agent session, a log being
 * appended) is read up to that point, whatever the worker count (issue 9: one
 * worker read to the moving end and failed, two read the planned size). Reads are
 * at most 1 MB and never larger than what is left, so a tiny file costs one small
 * buffer: `createReadStream` allocated a 1 MB buffer per file, and a folder of
 * 20k tiny files spent most of its time collecting them (measured: see the
 * README's Performance section).
 *
 * A stream (stdin, FIFO, /dev/fd/N) replays the bytes its classification read,
 * then continues from where that stopped.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { open } from 'node:fs/promises';
import { AnalyzerError } from '../errors.js';
import type { Input } from './classify.js';
import { describeFsError } from './sources.js';

/** Largest single read of a regular file into a buffer of its own (`readFileRange`). */
export const READ_BYTES = 1 << 20;

/**
 * Bytes per read of a `FileRangeReader`. Synchronous reads of 1 MB cost
 * this VM ~0.8 s of system time per GB from the page cache, of 128-256 KB ~0.3 s (a loop of
 * `readSync` over the 1 GB archive, 2026-12-01: 64-128 KB 0.29-0.33 s, 192 KB-16 MB
 * 0.77-0.86 s; the copy into a buffer that stays in the CPU's cache is the cheap one). In the
 * whole run 64 KB lost to 256 KB (1.11x the CPU: a step per chunk) and 128-512 KB were alike.
 */
export const REUSED_READ_BYTES = 256 * 1024;

/** Bytes read synchronously between two turns of the event loop (`FileRangeReader.turn`). */
const TURN_BYTES = 1024 * 1024;

export function readError(file: string, err: unknown): AnalyzerError {
  if (err instanceof AnalyzerError) return err;
  return new AnalyzerError('FP_INPUT', `Cannot read input: ${describeFsError(err)}, in ${file}`, { file }, { cause: err });
}

/**
 * Bytes [start, end) of a regular file (fewer if it shrank), each chunk memory of its own, so
 * that a caller may keep them all (the stream-json decoder, gzip).
 */
export async function* readFileRange(file: string, start: number, end: number): AsyncGenerator<Buffer> {
  if (end <= start) return;
  if (end - start <= READ_BYTES) {
    // one read: synchronous calls, cheaper than three promise round trips through the thread pool
    let fd: number | undefined;
    let chunk: Buffer;
    try {
      fd = openSync(file, 'r');
      const buf = Buffer.allocUnsafe(end - start);
      chunk = buf.subarray(0, readSync(fd, buf, 0, buf.length, start));
    } catch (err) {
      throw readError(file, err);
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
    if (chunk.length > 0) yield chunk;
    return;
  }
  let fh;
  try {
    fh = await open(file, 'r');
  } catch (err) {
    throw readError(file, err);
  }
  // The next read is issued before this chunk is handed over, so the thread pool reads while
  // the caller decodes: without it the main thread sat idle in every read (a CPU profile of
  // the 1 GB array with one worker: 0.87 s idle of 3.9 s). Each chunk is a buffer of its own,
  // so the read ahead never writes into a chunk the caller holds.
  const readAt = async (at: number): Promise<Buffer> => {
    const buf = Buffer.allocUnsafe(Math.min(READ_BYTES, end - at));
    let n: number;
    try {
      n = (await fh.read(buf, 0, buf.length, at)).bytesRead;
    } catch (err) {
      throw readError(file, err);
    }
    return n === buf.length ? buf : buf.subarray(0, n);
  };
  let next: Promise<Buffer> | undefined;
  try {
    let at = start;
    next = readAt(at);
    for (;;) {
      const chunk = await next;
      next = undefined;
      if (chunk.length === 0) return; // the file shrank: the decoder sees where it ends
      at += chunk.length;
      if (at < end) {
        next = readAt(at);
        next.catch(() => undefined); // a caller that stops early never awaits it: no unhandled rejection
      }
      yield chunk;
      if (next === undefined) return;
    }
  } finally {
    if (next !== undefined) await next.catch(() => undefined); // no read in flight when the handle closes
    await fh.close();
  }
}

/**
 * Bytes [start, end) of a regular file (fewer if it shrank), read synchronously, at most
 * `chunkBytes` at a time, into whatever buffer the caller gives each read: the fast decoder
 * gives its WebAssembly kernel's memory (`ChunkedInput.pushFrom`), so that a chunk is scanned
 * where it was read instead of copied there. `turn` says when the event loop is due a turn
 * (every TURN_BYTES), so that worker replies, progress and signals are not held up by a long file.
 *
 * Why synchronous and small (issue 13, 1 GB long-message array, one thread, 2026-12-01, pairs at
 * load 4-7): two 1 MB buffers read ahead through the thread pool left the main thread idle 0.95 s
 * of a 3.5 s run waiting for reads (a CPU profile on a quiet machine) and cost ~1 s of system
 * time; 256 KB synchronous reads into one buffer: no idle time, 0.43-0.64 instead of 0.98-1.14 s
 * of system time, 0.79-0.85x the CPU of the whole run (two rounds of 5 pairs). (A fresh 1 MB
 * buffer per read, before the two buffers, had V8 start a full collection every ~60 ms for the
 * external memory alone.) A file not in the page cache still streams: the kernel reads ahead of
 * sequential reads.
 */
export class FileRangeReader {
  private at: number;
  private sinceTurn = 0;

  private constructor(
    readonly file: string,
    private fd: number | undefined,
    start: number,
    private readonly end: number,
    readonly chunkBytes: number,
  ) {
    this.at = start;
  }

  /** Open `file` for bytes [start, end); throws FP_INPUT when it cannot be opened. */
  static open(file: string, start: number, end: number, chunkBytes = REUSED_READ_BYTES): FileRangeReader {
    if (end <= start) return new FileRangeReader(file, undefined, start, end, chunkBytes);
    try {
      return new FileRangeReader(file, openSync(file, 'r'), start, end, chunkBytes);
    } catch (err) {
      throw readError(file, err);
    }
  }

  /** Most bytes the next `readInto` gives (0 at the end). */
  nextBytes(): number {
    return this.fd === undefined ? 0 : Math.max(0, Math.min(this.chunkBytes, this.end - this.at));
  }

  /** Read the next at most min(into.length, chunkBytes) bytes into `into` from its start; 0 at the end (or where a file that shrank ends). */
  readInto(into: Buffer): number {
    const fd = this.fd;
    if (fd === undefined || this.at >= this.end) return 0;
    let n: number;
    try {
      n = readSync(fd, into, 0, Math.min(into.length, this.chunkBytes, this.end - this.at), this.at);
    } catch (err) {
      throw readError(this.file, err);
    }
    if (n === 0) this.at = this.end; // the file shrank: the decoder sees where it ends
    this.at += n;
    this.sinceTurn += n;
    return n;
  }

  /** A promise to await before the next read when the event loop is due a turn, else undefined. */
  turn(): Promise<void> | undefined {
    if (this.sinceTurn < TURN_BYTES) return undefined;
    this.sinceTurn = 0;
    return nextTurn().then(() => undefined);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/**
 * A reader of a whole input when it is a regular file read as it is on disk (not gzip), for a
 * consumer that reads chunk by chunk into its own memory (the fast decoder's `pushFrom`); else
 * undefined (read it through `openBytes`).
 */
export function openFileReader(input: Input): FileRangeReader | undefined {
  if (input.transport !== 'file' || input.gzip) return undefined;
  // size is known for every classified readable file; an unreadable one fails at open
  return FileRangeReader.open(input.path, 0, input.size ?? Number.MAX_SAFE_INTEGER);
}

/** The raw bytes of an input as they arrive. */
async function* rawBytes(input: Input): AsyncGenerator<Buffer> {
  if (input.transport === 'file') {
    // size is known for every classified readable file; an unreadable one fails at open
    yield* readFileRange(input.path, 0, input.size ?? Number.MAX_SAFE_INTEGER);
    return;
  }
  const s = input.stream;
  if (s === undefined) throw new AnalyzerError('FP_INTERNAL', `The stream ${input.path} was already read`, { file: input.path });
  input.stream = undefined; // a stream is read once
  yield* s.head;
  try {
    for (let r = await s.rest.next(); !r.done; r = await s.rest.next()) yield r.value;
  } catch (err) {
    throw readError(input.path, err);
  }
}

/**
 * The decoded bytes of one input: gunzipped when classified as gzip (`_gunzip.ts`).
 * `onRawBytes` reports bytes as read from disk or the stream (for progress). Each chunk is
 * memory of its own (the inflater may still hold a chunk it was written); a regular file read
 * into memory the caller reuses is a `FileRangeReader`.
 */
export async function* openBytes(input: Input, onRawBytes?: (n: number) => void): AsyncGenerator<Buffer> {
  async function* counted(): AsyncGenerator<Buffer> {
    for await (const chunk of rawBytes(input)) {
      onRawBytes?.(chunk.length);
      yield chunk;
    }
  }
  if (!input.gzip) return yield* counted();
  // imported when an input is gzip: a run of plain files never loads it
  const { gunzipMembers } = await import('./_gunzip.js');
  yield* gunzipMembers(counted(), input.path);
}
