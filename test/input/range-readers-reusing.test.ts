/**
 * The two readers of a file's bytes into one buffer, for the fast decoder, which copies what it
 * keeps of a chunk before it asks for the next one: `FileRangeReader` (input/bytes.ts,
 * synchronous, a file read whole; here read as `ChunkedInput.pushFrom` reads it) and
 * `readRangeReusing` (workers/_read-range.ts, through the thread pool, a range shard). Same
 * contract, same tests.
 */
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { FileRangeReader, READ_BYTES } from '../../src/input/bytes.js';
import { decodeWithFastDecoder } from '../../src/input/fast-decoder.js';
import type { DecodeEvent } from '../../src/input/types.js';
import { readRangeReusing } from '../../src/workers/_read-range.js';
import { recordArb } from '../arbitraries.js';
import { removeTmpDirs, tmpDir, writeFile } from '../workers/_archive.js';

afterAll(removeTmpDirs);

/**
 * A `FileRangeReader`'s reads as `ChunkedInput.pushFrom` and fastRecordBatches make them: into
 * one buffer, with a turn of the event loop when the reader says one is due.
 */
async function* fileRangeReader(file: string, start: number, end: number, chunkBytes?: number): AsyncGenerator<Buffer> {
  const reader = FileRangeReader.open(file, start, end, chunkBytes);
  try {
    const buf = Buffer.allocUnsafe(reader.nextBytes());
    for (;;) {
      const turn = reader.turn();
      if (turn !== undefined) await turn;
      const n = reader.readInto(buf);
      if (n === 0) return;
      yield buf.subarray(0, n);
    }
  } finally {
    reader.close();
  }
}

async function events(chunks: AsyncIterable<Buffer> | Iterable<Buffer>, opts: Parameters<typeof decodeWithFastDecoder>[1]): Promise<DecodeEvent[]> {
  async function* source() {
    yield* chunks;
  }
  const out: DecodeEvent[] = [];
  for await (const ev of decodeWithFastDecoder(source(), opts)) out.push(ev);
  return out;
}

describe.each([
  { reader: FileRangeReader.name, read: fileRangeReader },
  { reader: readRangeReusing.name, read: readRangeReusing },
])('$reader', ({ read }) => {
  it('gives bytes [start, end) as views of one buffer, whatever the chunk size', async () => {
    const dir = tmpDir();
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 3000 }), fc.nat(), fc.nat(), fc.integer({ min: 1, max: 700 }), async (bytes, a, b, chunk) => {
        const file = writeFile(dir, 'f.bin', Buffer.from(bytes)).path;
        const start = a % (bytes.length + 1);
        const end = start + (b % (bytes.length - start + 1));
        const seen: Buffer[] = [];
        // a buffer is its memory and where it starts there (small buffers share Node's pool)
        const buffers = new Map<ArrayBufferLike, Set<number>>();
        for await (const c of read(file, start, end, chunk)) {
          expect(c.length).toBeLessThanOrEqual(chunk);
          seen.push(Buffer.from(c)); // a copy: the next chunk overwrites it
          buffers.set(c.buffer, (buffers.get(c.buffer) ?? new Set<number>()).add(c.byteOffset));
        }
        expect(Buffer.concat(seen)).toEqual(Buffer.from(bytes.subarray(start, end)));
        expect([...buffers.values()].reduce((n, offsets) => n + offsets.size, 0)).toBeLessThanOrEqual(1);
      }),
      { numRuns: 60 },
    );
  });

  it('stops where a file that shrank ends, and reports an unreadable one as input (FP_INPUT)', async () => {
    const file = writeFile(tmpDir(), 'short.json', '[1,2]').path;
    const seen: Buffer[] = [];
    for await (const c of read(file, 1, 100)) seen.push(Buffer.from(c));
    expect(Buffer.concat(seen).toString()).toBe('1,2]');
    const missing = async () => {
      for await (const _ of read(path.join(tmpDir(), 'missing.json'), 0, 10));
    };
    await expect(missing()).rejects.toMatchObject({ code: 'FP_INPUT', message: expect.stringMatching(/^Cannot read input: .*missing\.json$/) });
  });

  // What the worker relies on: the fast decoder keeps nothing of a chunk once it asks for the next.
  it.each(['js', 'wasm'] as const)(
    'feeds the fast decoder (%s scan) exactly as fresh buffers do, the buffer overwritten after each chunk',
    async (stringScan) => {
      const dir = tmpDir();
      await fc.assert(
        fc.asyncProperty(
          fc.array(recordArb, { maxLength: 12 }),
          fc.integer({ min: 1, max: 97 }),
          fc.boolean(),
          async (records, chunk, seedSessions) => {
            const text = JSON.stringify(records);
            const file = writeFile(dir, 'a.json', text).path;
            const opts = { file, seedSessions, stringScan };
            // the same chunking, each chunk a buffer of its own (how a member is cut changes how it is read)
            const copies: Buffer[] = [];
            for await (const c of read(file, 0, Buffer.byteLength(text) + 8, chunk)) copies.push(Buffer.from(c));
            const fresh = await events(copies, opts);
            async function* scribbled(): AsyncGenerator<Buffer> {
              for await (const c of read(file, 0, Buffer.byteLength(text) + 8, chunk)) {
                yield c;
                c.fill(0x7b); // '{': anything the decoder still pointed at would now be garbage
              }
            }
            const got = await events(scribbled(), opts);
            // vitest's toEqual walks the events' typed arrays key by key (most of this test's time):
            // node's isDeepStrictEqual decides (it is stricter), vitest's diff only when they differ
            if (!isDeepStrictEqual(got, fresh)) expect(got).toEqual(fresh);
          },
        ),
        { numRuns: 40 },
      );
    },
  );
});

describe(FileRangeReader.name, () => {
  it('lets the event loop run during a long read (worker replies and progress are not held up)', async () => {
    const size = 9 * READ_BYTES; // past two turns' worth of bytes
    const file = writeFile(tmpDir(), 'big.bin', Buffer.alloc(size, 0x61)).path;
    let turns = 0;
    let reading = true;
    const tick = (): void => {
      if (!reading) return;
      turns++;
      setImmediate(tick);
    };
    setImmediate(tick);
    let bytes = 0;
    const buffers = new Set<ArrayBufferLike>();
    for await (const c of fileRangeReader(file, 0, size)) {
      bytes += c.length;
      buffers.add(c.buffer);
    }
    reading = false;
    expect(bytes).toBe(size);
    expect(buffers.size).toBe(1);
    expect(turns).toBeGreaterThanOrEqual(2);
  });
});
