/**
 * Keys as bytes (profiles/key-bytes.ts): every string comes back as it went in (wide
 * characters and lone surrogates too), compares equal to itself as a string and as a
 * packed state's span, goes to a pack as `PackWriter.str` writes it, and a copy grows
 * apart from its original.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { hashSpan, KeyBytes } from '../../src/profiles/key-bytes.js';
import { hashKey } from '../../src/profiles/key-index.js';
import { PackReader, PackWriter } from '../../src/profiles/packed.js';

const text = fc.oneof(fc.string({ unit: 'binary', maxLength: 12 }), fc.constantFrom('', 'é', 'ÿ', 'Ā', '😀', '\uD800', 'x'.repeat(3000)));

const { pageBytes } = KeyBytes;
afterEach(() => {
  KeyBytes.pageBytes = pageBytes;
});

describe(KeyBytes.name, () => {
  it.each([
    ['pages of 1 MB', pageBytes],
    // pages of 16 bytes: keys cross to new pages often, and a long key gets a page of its own
    ['pages of 16 bytes', 16],
  ])('gives back every key, equal to itself as a string and as a packed span, and to no other (%s)', (_name, page) => {
    KeyBytes.pageBytes = page;
    fc.assert(
      fc.property(fc.array(text, { maxLength: 200 }), fc.array(text, { maxLength: 10 }), (keys, others) => {
        const b = new KeyBytes();
        for (const k of keys) b.push(k);
        expect(b.length).toBe(keys.length);
        expect(keys.map((_, i) => b.get(i))).toEqual(keys);
        // through a pack: written from the bytes, read back as spans and as strings
        const w = new PackWriter();
        for (let i = 0; i < keys.length; i++) b.copyTo(i, w);
        const packed = w.finish();
        const spans = new PackReader(packed);
        const strs = new PackReader(packed);
        const again = new KeyBytes();
        for (let i = 0; i < keys.length; i++) {
          const sp = spans.span();
          expect(b.equalsSpan(i, sp)).toBe(true);
          expect(hashSpan(sp)).toBe(hashKey(keys[i]!));
          again.pushSpan(sp);
          expect(strs.str()).toBe(keys[i]);
        }
        expect(keys.map((_, i) => again.get(i))).toEqual(keys);
        for (const [i, k] of keys.entries()) {
          expect(b.equals(i, k)).toBe(true);
          if (k !== '') expect(b.firstCode(i)).toBe(k.charCodeAt(0));
          for (const o of others) expect(b.equals(i, o)).toBe(o === k);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('writes a key as PackWriter.str writes the same string', () => {
    fc.assert(
      fc.property(fc.array(text, { maxLength: 30 }), (keys) => {
        const b = new KeyBytes();
        const fromBytes = new PackWriter();
        const fromStr = new PackWriter();
        for (const [i, k] of keys.entries()) {
          b.push(k);
          b.copyTo(i, fromBytes);
          fromStr.str(k);
        }
        const [x, y] = [fromBytes.finish(), fromStr.finish()];
        expect(x.bytes).toEqual(y.bytes);
        expect(x.lens).toEqual(y.lens);
      }),
    );
  });

  it('a copy grows apart from its original (the page being filled is not shared)', () => {
    const a = new KeyBytes();
    for (let i = 0; i < 100; i++) a.push(`key-${i}`);
    const b = a.copy();
    a.push('only in a');
    b.push('only in b, and longer');
    expect(a.get(100)).toBe('only in a');
    expect(b.get(100)).toBe('only in b, and longer');
    for (let i = 0; i < 100; i++) expect([a.get(i), b.get(i)]).toEqual([`key-${i}`, `key-${i}`]);
  });
});
