/**
 * The packed form (profiles/packed.ts) carries any string exactly, lone surrogates
 * included (they do not survive UTF-8), in buffers of its own that can be transferred.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_REFS, PackReader, PackWriter } from '../../src/profiles/packed.js';

const { numChunk, byteChunk } = PackWriter;
afterEach(() => {
  PackWriter.numChunk = numChunk;
  PackWriter.byteChunk = byteChunk;
});

describe('PackWriter / PackReader', () => {
  it.each([
    ['as written by default', numChunk, byteChunk],
    // chunks of a few numbers and bytes: every string and number crosses a chunk's edge somewhere
    ['across chunk edges', 1, 3],
  ])('read back every string and number %s', (_name, nums, bytes) => {
    PackWriter.numChunk = nums;
    PackWriter.byteChunk = bytes;
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.string({ unit: 'binary' }), fc.double())), fc.boolean(), (items, ascii) => {
        const w = new PackWriter();
        const written = items.map(([s, x]) => [ascii ? s.replace(/[^ -~]/g, 'a') : s, x] as const);
        for (const [s, x] of written) {
          w.str(s);
          w.num(x);
        }
        const p = w.finish();
        const r = new PackReader(p);
        const read: (readonly [string, number])[] = [];
        while (r.more) read.push([r.str(), r.num()]);
        expect(read).toEqual(written);
      }),
      { numRuns: 200 },
    );
  });

  it('keeps its strings in a buffer of its own (transferring a pooled Buffer would detach the pool)', () => {
    const w = new PackWriter();
    w.str('short');
    w.str('\ud800 lone');
    w.num(1);
    const p = w.finish();
    expect(p.bytes.byteOffset).toBe(0);
    expect(p.bytes.buffer.byteLength).toBe(p.bytes.byteLength);
    const r = new PackReader(p);
    expect([r.str(), r.str(), r.num()]).toEqual(['short', '\ud800 lone', 1]);
  });

  it('reads back strings written by ref, as their first reading, past the dictionary bound too', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constantFrom('acme/api', 'sweb', '\ud800', ''), fc.string({ maxLength: 3 }))),
        fc.integer({ min: 0, max: 6 }),
        (refs, spread) => {
          const w = new PackWriter();
          // past the bound: MAX_REFS distinct strings first when `spread` is 0
          const filler = spread === 0 ? Array.from({ length: MAX_REFS }, (_, i) => `f${i}`) : [];
          for (const s of [...filler, ...refs]) {
            w.ref(s);
            w.num(spread);
          }
          const r = new PackReader(w.finish());
          const read: string[] = [];
          const firsts: string[] = [];
          while (r.more) {
            read.push(r.ref((s) => (firsts.push(s), s)));
            expect(r.num()).toBe(spread);
          }
          expect(read).toEqual([...filler, ...refs]);
          // each distinct string is decoded once while the dictionary has room
          if (spread !== 0) expect(firsts).toEqual([...new Set(refs)]);
        },
      ),
      { numRuns: 40 },
    );
  });
});
