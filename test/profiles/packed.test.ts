/**
 * The packed form (profiles/packed.ts) carries any string exactly, lone surrogates
 * included (they do not survive UTF-8), in buffers of its own that can be transferred.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_REFS, packBuffers, PackReader, PackWriter } from '../../src/profiles/packed.js';

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

  it('reads back every number written by uint, small counts in a few bytes and any other number as it is', () => {
    PackWriter.byteChunk = 7;
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.nat(300), fc.integer({ min: 0, max: 2 ** 31 }), fc.double(), fc.constantFrom(-0, -1, 2 ** 53, 0x7ffffffe, 0x7fffffff)), {
          maxLength: 50,
        }),
        (xs) => {
          const w = new PackWriter();
          for (const x of xs) {
            w.uint(x);
            w.str('');
          }
          const p = w.finish();
          const r = new PackReader(p);
          const read: number[] = [];
          while (r.more) {
            read.push(r.uint());
            r.str();
          }
          expect(read).toEqual(xs);
        },
      ),
      { numRuns: 200 },
    );
    const w = new PackWriter();
    for (let i = 0; i < 100; i++) w.uint(i);
    const p = w.finish();
    expect(p.ints.reduce((n, c) => n + c.length, 0)).toBe(100);
    expect(p.nums.reduce((n, c) => n + c.length, 0)).toBe(0);
  });

  it('leaves the last span as it was while strings and numbers are read after it', () => {
    const w = new PackWriter();
    for (const x of ['key', 'id', 'é']) w.str(x);
    w.num(5);
    const r = new PackReader(w.finish());
    const sp = r.span();
    expect([r.str(), r.str(), r.num()]).toEqual(['id', 'é', 5]);
    expect(sp.bytes.toString('latin1', sp.start, sp.end)).toBe('key');
  });

  it('carries the key count its writer gave, through a transfer; a pack whose writer gave none has none', () => {
    const w = new PackWriter();
    w.keyCount(3);
    for (const k of ['a', 'b', 'c']) w.str(k);
    const p = w.finish();
    const moved = structuredClone(p, { transfer: packBuffers(p) });
    expect(moved.keys).toBe(3);
    expect(new PackReader(moved).keyCount).toBe(3);
    const none = new PackWriter();
    none.str('a');
    const q = none.finish();
    expect('keys' in q).toBe(false);
    expect(new PackReader(q).keyCount).toBeUndefined();
  });

  it('is transferred as the chunks it was written in, each of a buffer of its own (transferring a pooled Buffer would detach the pool)', () => {
    PackWriter.numChunk = 2;
    PackWriter.byteChunk = 8;
    const w = new PackWriter();
    const strs = ['short', '\ud800 lone', '', 'a longer string than a chunk'];
    for (const [i, x] of strs.entries()) {
      w.str(x);
      w.num(i);
    }
    const p = w.finish();
    const buffers = packBuffers(p);
    expect(p.bytes.length).toBeGreaterThan(1);
    expect(new Set(buffers).size).toBe(buffers.length);
    for (const c of [...p.nums, ...p.bytes, ...p.lens]) expect(c.byteOffset).toBe(0);
    const moved = structuredClone(p, { transfer: buffers });
    expect(p.bytes[0]!.byteLength).toBe(0); // detached: transferred, not copied
    const r = new PackReader(moved);
    const read: unknown[] = [];
    while (r.more) read.push(r.str(), r.num());
    expect(read).toEqual(strs.flatMap((x, i) => [x, i]));
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
