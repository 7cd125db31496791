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
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { AnalyzerError, inputError } from '../errors.js';
import type { Input } from './classify.js';
import { describeFsError } from './sources.js';

/** Largest single read of a regular file. */
export const READ_BYTES = 1 << 20;

export function readError(file: string, err: unknown): AnalyzerError {
  if (err instanceof AnalyzerError) return err;
  return new AnalyzerError('FP_INPUT', `Cannot read input: ${describeFsError(err)}, in ${file}`, { file }, { cause: err });
}

/**
 * Bytes [start, end) of a regular file (fewer if it shrank). By default each chunk is memory
 * of its own, so a caller may keep them all. With `reuse`, chunks are views of two buffers
 * taken in turn: a chunk is valid until the caller asks for the next one, the contract of a
 * consumer that copies what it keeps (the fast decoder; see workers/_read-range.ts).
 */
export async function* readFileRange(file: string, start: number, end: number, reuse = false): AsyncGenerator<Buffer> {
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
  // the 1 GB array with one worker: 0.87 s idle of 3.9 s). Without `reuse` each chunk is a
  // buffer of its own, so the read ahead never writes into a chunk the caller holds. With it,
  // the read ahead writes into the other buffer of two: a fresh 1 MB buffer per read kept
  // V8 starting a full collection every ~60 ms for the external memory alone (34 of them on
  // the 1 GB array); two buffers took one worker to 0.78x the wall time, 0.70x the CPU and
  // 82 instead of 118 MiB peak RSS (5 pairs, 2026-12-01, load ~1.5; dense unchanged).
  const ring = reuse ? [Buffer.allocUnsafe(READ_BYTES), Buffer.allocUnsafe(READ_BYTES)] : undefined;
  let turn = 0;
  const readAt = async (at: number): Promise<Buffer> => {
    const len = Math.min(READ_BYTES, end - at);
    const buf = ring !== undefined ? ring[turn++ & 1]!.subarray(0, len) : Buffer.allocUnsafe(len);
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

/** The raw bytes of an input as they arrive. */
async function* rawBytes(input: Input, reuse: boolean): AsyncGenerator<Buffer> {
  if (input.transport === 'file') {
    // size is known for every classified readable file; an unreadable one fails at open
    yield* readFileRange(input.path, 0, input.size ?? Number.MAX_SAFE_INTEGER, reuse && !input.gzip);
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
 * The decoded bytes of one input: gunzipped when classified as gzip.
 * `onRawBytes` reports bytes as read from disk or the stream (for progress).
 * `reuse`: a regular file's chunks may be views of two buffers (`readFileRange`); gzip input
 * never is, because the inflater may still hold a chunk it was written.
 */
export async function* openBytes(input: Input, onRawBytes?: (n: number) => void, reuse = false): AsyncGenerator<Buffer> {
  async function* counted(): AsyncGenerator<Buffer> {
    for await (const chunk of rawBytes(input, reuse)) {
      onRawBytes?.(chunk.length);
      yield chunk;
    }
  }
  if (!input.gzip) return yield* counted();
  // 1 MB output chunks: with the 16 KB default, inflating 1 GB took 4.4 s instead of 1.9 s
  const gunzip = createGunzip({ chunkSize: 1 << 20 });
  // feed the gunzip stream by hand so that read errors and gzip errors both surface here
  const pump = (async () => {
    try {
      for await (const chunk of counted()) {
        if (!gunzip.write(chunk)) await new Promise<void>((r) => gunzip.once('drain', r));
      }
      gunzip.end();
    } catch (err) {
      gunzip.destroy(err as Error);
    }
  })();
  let inflated = 0;
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      inflated += chunk.length;
      yield chunk;
    }
  } catch (err) {
    if (err instanceof AnalyzerError) throw err;
    const msg = (err as Error).message;
    throw inputError(`Invalid gzip data: ${msg === 'unexpected end of file' ? 'unexpected end of file (truncated?)' : msg}`, {
      file: input.path,
      offset: inflated,
    });
  } finally {
    await pump.catch(() => undefined);
  }
}
