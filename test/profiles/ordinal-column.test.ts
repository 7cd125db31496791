/**
 * A key table's first ordinals as varints (profiles/ordinal-column.ts): every ordinal reads
 * back as written, whatever its numbers (doubles, -0 and negatives as they are), compares as
 * `compareOrdinal`, packs as `PackWriter.ordinal`, and `replace` and `pushFrom` keep the others.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareOrdinal } from '../../src/ordinal.js';
import { OrdinalColumn } from '../../src/profiles/ordinal-column.js';
import { PackReader, PackWriter } from '../../src/profiles/packed.js';

const num = fc.oneof(
  fc.nat(200),
  fc.nat(),
  fc.integer({ min: 2 ** 31 - 3, max: 2 ** 31 + 3 }),
  fc.double(),
  fc.constantFrom(-0, -1, 2 ** 53, Number.NaN),
);
const ordinal = fc.array(num, { maxLength: 6 });
const sign = (x: number) => Math.sign(x) || 0;

describe(OrdinalColumn.name, () => {
  it('reads back, compares, packs, replaces and copies any ordinals as arrays do', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(ordinal, fc.option(fc.nat(5), { nil: undefined })), { maxLength: 80 }),
        fc.array(fc.tuple(fc.nat(), ordinal), { maxLength: 20 }),
        (adds, replaces) => {
          const col = new OrdinalColumn();
          const model = adds.map(([o, i]) => (i === undefined ? o : [...o, i]));
          const places = adds.map(([o, i]) => col.push(o, i));
          for (const [k, o] of replaces) {
            if (model.length === 0) break;
            const r = k % model.length;
            model[r] = o;
            places[r] = col.replace(places[r]!, o);
          }
          expect(places.map((p) => col.get(p))).toEqual(model);
          for (let a = 0; a < model.length; a++) {
            const b = (a * 7) % model.length;
            const want = compareOrdinal(model[a]!, model[b]!);
            if (!Number.isNaN(want)) {
              expect(sign(col.compareWith(places[a]!, col, places[b]!))).toBe(sign(want));
              expect(sign(col.compare(places[a]!, model[b]!))).toBe(sign(want));
            }
          }
          const w = new PackWriter();
          for (const p of places) col.write(p, w);
          const r = new PackReader(w.finish());
          expect(model.map(() => r.ordinal())).toEqual(model);
          const other = new OrdinalColumn();
          const copied = places.map((p) => other.pushFrom(col, p));
          const copy = col.copy();
          expect([copied.map((p) => other.get(p)), places.map((p) => copy.get(p))]).toEqual([model, model]);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('keeps a typical ordinal [file, shard, record, index] in a few bytes', () => {
    const col = new OrdinalColumn();
    const places = Array.from({ length: 10_000 }, (_, r) => col.push([0, 3, 40_000 + r], r % 3));
    // length, 0, 3, a record above 16,383 (3 bytes), the index: 7 bytes each, but where a page ends (pages of 256 bytes doubling to 1 MB)
    const steps = places.slice(1).map((p, k) => p - places[k]!);
    expect(steps.filter((d) => d !== 7).length).toBeLessThan(10);
    expect(col.get(places[9_999]!)).toEqual([0, 3, 49_999, 0]);
  });
});
