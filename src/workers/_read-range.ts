/**
 * A range shard's bytes for the fast decoder: bytes [start, end) of a file, read into ONE
 * buffer that every chunk is a view of. A chunk is valid until the next one is asked for.
 *
 * Why: `readFileRange` (input/bytes.ts) allocates a fresh 1 MB buffer per read, and a worker
 * held 12-21 MB of them waiting for the collector (`v8.getHeapStatistics().external_memory`
 * at each range's end, 1 GB array, two workers): one buffer per range took the run's peak RSS
 * from 150 MiB to 132.5 MiB (medians of 4 pairs at load 11-12, identical output, 0.93x the CPU
 * time, 1.01x the wall time). Measured and
 * not kept (1 GB array, two workers, pairs at load 8-10): synchronous reads into the buffer
 * (as little memory, 1.28x the wall time: the worker stops for every read, where the libuv
 * pool reads beside it), and two buffers with the next read issued before a chunk is handed
 * over (0.96x the wall time within the noise, 1.13x the CPU, 6 MB more). Measured again and not
 * kept (issue 13, fifth round, dense 316 MB array, two threads, pairs at load 8-11): synchronous
 * 256 KB reads (a `FileRangeReader`, what the main thread's whole-file path now uses): 1.03x
 * the CPU but 1.10x the wall time (6 pairs, every one slower), though 129 instead of 150 MiB.
 *
 * Only for a consumer that copies what it keeps before it asks for the next chunk: the fast
 * decoder does (every byte that outlives a `push` is copied, whichever string scan runs,
 * because its WebAssembly scan works on a copy that the next chunk overwrites).
 */
import { open } from 'node:fs/promises';
import { READ_BYTES, readError } from '../input/bytes.js';

/** Bytes [start, end) of `file` (fewer if it shrank), as views of one buffer of at most `chunkBytes`. */
export async function* readRangeReusing(file: string, start: number, end: number, chunkBytes = READ_BYTES): AsyncGenerator<Buffer> {
  if (end <= start) return;
  let fh;
  try {
    fh = await open(file, 'r');
  } catch (err) {
    throw readError(file, err);
  }
  try {
    const buf = Buffer.allocUnsafe(Math.min(chunkBytes, end - start));
    for (let at = start; at < end; ) {
      let n: number;
      try {
        n = (await fh.read(buf, 0, Math.min(buf.length, end - at), at)).bytesRead;
      } catch (err) {
        throw readError(file, err);
      }
      if (n === 0) return; // the file shrank: the decoder sees where it ends
      at += n;
      yield buf.subarray(0, n);
    }
  } finally {
    await fh.close();
  }
}
