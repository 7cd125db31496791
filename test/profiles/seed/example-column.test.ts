/**
 * The examples column of the repeated-errors table (profiles/seed/_example-column.ts)
 * holds what an array would, lone ids and lists alike, tells equal ids by their entry,
 * writes an id as `PackWriter.str` would, and a copy changes apart from its original.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyOps, columnOps } from '../_column-ops.js';
import { PackReader, PackWriter } from '../../../src/profiles/packed.js';
import type { Examples } from '../../../src/profiles/seed/_example-column.js';
import { ExampleColumn } from '../../../src/profiles/seed/_example-column.js';

const id = fc.constantFrom('s1', 's2', 'é', '\uD800', '');
const examples: fc.Arbitrary<Examples> = fc.oneof(
  id,
  fc.array(fc.record({ at: fc.array(fc.nat(9), { minLength: 1, maxLength: 3 }), id }), { maxLength: 5 }),
);
const op = columnOps(examples);

describe(ExampleColumn.name, () => {
  it('gives back what an array holds; equal entries are equal ids, written from their bytes', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const col = new ExampleColumn();
        const model: Examples[] = [];
        applyOps(col, ops, model);
        expect(model.map((_, r) => col.get(r))).toEqual(model);
        const w = new PackWriter();
        for (const [r, ex] of model.entries()) {
          expect(col.idEntry(r) >= 0).toBe(typeof ex === 'string');
          if (col.idEntry(r) >= 0) col.writeId(r, w);
          for (const [q, other] of model.entries()) if (col.idEntry(r) >= 0 && col.idEntry(r) === col.idEntry(q)) expect(other).toBe(ex);
        }
        const r = new PackReader(w.finish());
        expect(model.filter((ex) => typeof ex === 'string').map(() => r.str())).toEqual(model.filter((ex) => typeof ex === 'string'));
      }),
      { numRuns: 200 },
    );
  });

  it('a copy changes apart from its original', () => {
    const a = new ExampleColumn();
    a.push('s1');
    a.push([{ at: [1], id: 's1' }]);
    const b = a.copy();
    b.set(0, [{ at: [0], id: 's2' }]);
    b.push('s3');
    a.push('s4');
    expect([a.get(0), a.get(2), b.get(0), b.get(2)]).toEqual(['s1', 's4', [{ at: [0], id: 's2' }], 's3']);
  });
});
