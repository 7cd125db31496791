/**
 * The sums column of the slow-tools table (profiles/seed/_sum-column.ts) holds what an
 * array would, plain sums and full ones alike, and a copy changes apart from its original.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyOps, columnOps } from '../_column-ops.js';
import type { CompactSum } from '../../../src/profiles/exact-sum.js';
import { SumColumn } from '../../../src/profiles/seed/_sum-column.js';

const sum: fc.Arbitrary<CompactSum> = fc.oneof(
  fc.double({ min: 0, noNaN: true }),
  fc.record({ partials: fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { maxLength: 3 }), special: fc.constantFrom(0, Infinity) }),
);
const op = columnOps(sum);

describe(SumColumn.name, () => {
  it('gives back what an array holds', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const col = new SumColumn();
        const model: CompactSum[] = [];
        applyOps(col, ops, model);
        expect(model.map((_, r) => col.get(r))).toEqual(model);
      }),
      { numRuns: 200 },
    );
  });

  it('a copy changes apart from its original', () => {
    const a = new SumColumn();
    a.push(1.5);
    a.push({ partials: [1, 1e-30], special: 0 });
    const b = a.copy();
    b.set(0, { partials: [2], special: 0 });
    b.set(1, 7);
    a.push(3);
    expect([a.get(0), a.get(1), a.get(2), b.get(0), b.get(1)]).toEqual([
      1.5,
      { partials: [1, 1e-30], special: 0 },
      3,
      { partials: [2], special: 0 },
      7,
    ]);
  });
});
