/**
 * `readFileRange` (input/bytes.ts) reads ahead: the next chunk's read is in flight while the
 * caller holds this one. The caller may keep every chunk (the stream-json path and the
 * decoder's kept members do), so no two chunks may share memory, and a caller that stops
 * early must leave no read running and no rejection unhandled.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { READ_BYTES, readFileRange } from '../../src/input/bytes.js';

const dir = mkdtempSync(path.join(tmpdir(), 'fp-read-range-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const MB = READ_BYTES;
/** bytes that tell their own offset apart (a shifted or reused chunk shows) */
function pattern(n: number): Buffer {
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + (i >> 8)) & 255;
  return b;
}
const FILE = path.join(dir, 'data.bin');
const DATA = pattern(3 * MB + 12_345);
writeFileSync(FILE, DATA);

describe('readFileRange', () => {
  it('gives bytes [start, end) exactly, each chunk in memory of its own, for any range', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: DATA.length }), fc.nat({ max: DATA.length + 100 }), async (a, b) => {
        const [start, end] = a <= b ? [a, b] : [b, a];
        const chunks: Buffer[] = [];
        for await (const c of readFileRange(FILE, start, end)) chunks.push(c);
        expect(Buffer.concat(chunks).equals(DATA.subarray(start, Math.min(end, DATA.length)))).toBe(true);
        // kept chunks are still right after the whole read (no later read wrote into them)
        let at = start;
        for (const c of chunks) {
          expect(c.equals(DATA.subarray(at, at + c.length))).toBe(true);
          at += c.length;
        }
        expect(new Set(chunks.map((c) => c.buffer)).size).toBe(chunks.length);
      }),
      { numRuns: 25 },
    );
  });

  it('stops cleanly when the caller stops after the first chunk (a read was in flight)', async () => {
    for (let k = 0; k < 5; k++) {
      const it = readFileRange(FILE, 0, DATA.length);
      const first = await it.next();
      expect(first.done).toBe(false);
      await it.return(undefined);
    }
    // the file can be removed and read again: nothing holds it
    const copy = path.join(dir, 'copy.bin');
    writeFileSync(copy, DATA);
    const chunks: Buffer[] = [];
    for await (const c of readFileRange(copy, 0, DATA.length)) chunks.push(c);
    rmSync(copy);
    expect(Buffer.concat(chunks).length).toBe(DATA.length);
  });

  it('reports a file gone before it is read as an input error (FP_INPUT)', async () => {
    const gone = path.join(dir, 'gone.bin');
    await expect(async () => {
      for await (const _ of readFileRange(gone, 0, 3 * MB)) void _;
    }).rejects.toMatchObject({ code: 'FP_INPUT' });
  });
});
