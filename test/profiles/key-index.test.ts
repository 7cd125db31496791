import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { KeyBytes } from '../../src/profiles/key-bytes.js';
import { hashKey, KeyIndex } from '../../src/profiles/key-index.js';
import { PackReader, PackWriter } from '../../src/profiles/packed.js';

const DEFAULT_MAP_UP_TO = KeyIndex.mapUpTo;
afterEach(() => {
  KeyIndex.mapUpTo = DEFAULT_MAP_UP_TO;
});

/** keys with many near-misses: equal lengths, shared prefixes, wide characters, a lone surrogate */
const key = fc.oneof(fc.stringMatching(/^[ab]{0,4}$/), fc.string({ maxLength: 6 }), fc.constantFrom('é', 'ü', '😀', '\uD800', 'sRead', 'sread', ''));

/** Every key added in turn to `index` and to a Map (the model): both must agree throughout. */
function checkAgainstMap(index: KeyIndex, keys: readonly string[], probes: readonly string[]): void {
  const model = new Map<string, number>();
  const found: [number | undefined, number | undefined][] = [];
  for (const k of keys) {
    found.push([index.get(k), model.get(k)]);
    if (model.has(k)) continue;
    model.set(k, model.size);
    index.set(k, model.size - 1);
  }
  expect(found.filter(([a, b]) => a !== b)).toEqual([]);
  expect(index.size).toBe(model.size);
  // other string objects of the same text must find the same rows
  const all = [...keys, ...probes];
  expect(all.map((k) => index.get(k.split('').join('')))).toEqual(all.map((k) => model.get(k)));
  expect([...index]).toEqual([...model]);
  expect([...index.keys()]).toEqual([...model.keys()]);
  const copy = index.copy();
  expect([...copy]).toEqual([...model]);
  for (const k of probes) expect(copy.get(k)).toBe(model.get(k));
  // row-wise: keyAt, firstCode; through a pack: writeKey, then getSpan and set of a span
  const rows = [...model.keys()];
  expect(rows.map((_, r) => index.keyAt(r))).toEqual(rows);
  for (const [r, k] of rows.entries()) if (k !== '') expect(index.firstCode(r)).toBe(k.charCodeAt(0));
  const w = new PackWriter();
  for (let r = 0; r < index.size; r++) index.writeKey(r, w);
  for (const k of probes) w.str(k);
  const reader = new PackReader(w.finish());
  const fromSpans = new KeyIndex();
  for (const k of [...rows, ...probes]) {
    const sp = reader.span();
    expect(index.getSpan(sp)).toBe(model.get(k));
    if (fromSpans.getSpan(sp) === undefined) fromSpans.set(sp, fromSpans.size);
  }
  expect([...fromSpans]).toEqual([...new Set([...rows, ...probes])].map((k, r) => [k, r]));
}

describe(KeyIndex.name, () => {
  it.each([
    ['a Map throughout', 1 << 16],
    ['slots from the first key', 0],
    ['a Map, then slots', 3],
  ] as const)('finds what a Map finds, in the same row order (%s)', (_name, upTo) => {
    KeyIndex.mapUpTo = upTo;
    fc.assert(
      fc.property(fc.array(key, { maxLength: 300 }), fc.array(key, { maxLength: 20 }), (keys, probes) => {
        checkAgainstMap(new KeyIndex(), keys, probes);
      }),
      { numRuns: 150 },
    );
  });

  it('keeps every key through growth, and tells apart keys of the same hash', () => {
    KeyIndex.mapUpTo = 10;
    // two keys of the same 32-bit hash (found by a birthday search over `c${i}`)
    const pair = ['c693596', 'c1170850'] as const;
    expect(hashKey(pair[0])).toBe(hashKey(pair[1]));
    const keys = [...Array.from({ length: 1500 }, (_, i) => `key-${i}`), pair[0], pair[1]];
    checkAgainstMap(new KeyIndex(), keys, ['key-1500', 'key-', 'nope']);
    const index = new KeyIndex();
    for (const k of [...keys.slice(0, 20), pair[0]]) index.set(k, index.size);
    expect(index.get(pair[1])).toBeUndefined();
  });

  it.each([
    ['a Map throughout (reserve within mapUpTo)', 1 << 16],
    ['slots from the first key', 0],
    ['a Map, then slots', 3],
  ] as const)('reserve(total): up to total keys added never grow the index, rows as without it (%s)', (_name, upTo) => {
    KeyIndex.mapUpTo = upTo;
    const grow = vi.spyOn(KeyIndex.prototype as unknown as { grow(): void }, 'grow');
    // a few thousand keys besides the tricky ones: past several doublings of the slot array (1024 slots hold 512 keys)
    const keys = fc.tuple(fc.array(key, { maxLength: 100 }), fc.nat(2500)).map(([ks, n]) => [...ks, ...Array.from({ length: n }, (_, i) => `k${i}`)]);
    try {
      fc.assert(
        fc.property(keys, keys, fc.array(key, { maxLength: 20 }), (before, after, probes) => {
          const grown = new KeyIndex();
          for (const k of [...before, ...after]) if (grown.get(k) === undefined) grown.set(k, grown.size);
          // from empty: reserved, then every key added
          const fresh = new KeyIndex();
          fresh.reserve(before.length);
          grow.mockClear();
          for (const k of before) if (fresh.get(k) === undefined) fresh.set(k, fresh.size);
          expect(grow).not.toHaveBeenCalled();
          // part filled, then reserved for the rest: the same rows as an index that grew
          const index = new KeyIndex();
          for (const k of before) if (index.get(k) === undefined) index.set(k, index.size);
          index.reserve(index.size + after.length);
          grow.mockClear();
          for (const k of after) if (index.get(k) === undefined) index.set(k, index.size);
          expect(grow).not.toHaveBeenCalled();
          expect([...index]).toEqual([...grown]);
          // one comparison of every key's rows (was one expect per key, and before.includes per key:
          // 1.4 s of this test's 4.8 s; it fails where that did, on the first key that differs)
          const all = [...before, ...after, ...probes];
          const inBefore = new Set(before);
          expect(all.map((k) => [index.get(k), fresh.get(k)])).toEqual(all.map((k) => [grown.get(k), inBefore.has(k) ? grown.get(k) : undefined]));
        }),
        { numRuns: 40 },
      );
    } finally {
      grow.mockRestore();
    }
  });

  it('a slot array grows without reading its keys back: each is placed again by the hash it keeps', () => {
    KeyIndex.mapUpTo = 0;
    const index = new KeyIndex();
    const keys = Array.from({ length: 3000 }, (_, i) => `key-${i}`);
    for (const k of keys) index.set(k, index.size);
    // every way of reading a stored key (get, equals, spanOf...), but adding one
    const reads = Object.getOwnPropertyNames(KeyBytes.prototype)
      .filter((m) => !['constructor', 'push', 'pushSpan', 'length'].includes(m))
      .map((m) => vi.spyOn(KeyBytes.prototype as unknown as Record<string, () => unknown>, m));
    try {
      (index as unknown as { grow(): void }).grow();
      expect(reads.filter((s) => s.mock.calls.length > 0).map((s) => s.getMockName())).toEqual([]);
    } finally {
      for (const s of reads) s.mockRestore();
    }
    expect(keys.map((k) => index.get(k))).toEqual(keys.map((_, i) => i));
  });

  it('reserve leaves a Map for slots only past mapUpTo, and a bound below the size changes nothing', () => {
    KeyIndex.mapUpTo = 100;
    const index = new KeyIndex();
    for (let i = 0; i < 50; i++) index.set(`k${i}`, i);
    index.reserve(100);
    // still a Map: spanOf says false while the index is one
    const sp = { bytes: Buffer.alloc(0), start: 0, end: 0, wide: false };
    expect(index.spanOf(0, sp)).toBe(false);
    index.reserve(5000);
    expect(index.spanOf(0, sp)).toBe(true);
    index.reserve(1);
    expect([...index.keys()]).toEqual(Array.from({ length: 50 }, (_, i) => `k${i}`));
    for (let i = 0; i < 50; i++) expect(index.get(`k${i}`)).toBe(i);
  });

  it('refuses a row out of order (set adds a new key as the next row)', () => {
    const index = new KeyIndex();
    index.set('a', 0);
    expect(() => index.set('b', 5)).toThrow(/row 5 added as row 1/);
  });

  it('a copy grows apart from its original', () => {
    KeyIndex.mapUpTo = 2;
    const a = new KeyIndex();
    for (const k of ['x', 'y', 'z']) a.set(k, a.size);
    const b = a.copy();
    b.set('w', 3);
    expect(a.get('w')).toBeUndefined();
    expect(a.size).toBe(3);
    expect(b.get('w')).toBe(3);
  });
});
