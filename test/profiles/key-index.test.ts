import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
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
