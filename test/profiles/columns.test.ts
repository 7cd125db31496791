/**
 * Columns (profiles/columns.ts): a `CompactNumColumn` holds every number a plain array
 * holds, the ones that do not fit 32 bits included (it widens to doubles on the first one),
 * across chunk edges, and a copy changes apart from its original.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyOps, columnOps } from './_column-ops.js';
import { CompactNumColumn } from '../../src/profiles/columns.js';

const value = fc.oneof(
  { weight: 8, arbitrary: fc.nat({ max: 100 }) },
  fc.constantFrom(0xffffffff, 2 ** 32, 2 ** 53 - 1, -1, 0.5, -0),
  fc.integer({ min: 0, max: 0xffffffff }),
);
const op = columnOps(value);

describe(CompactNumColumn.name, () => {
  it('gives back what an array holds, whatever numbers are pushed and set', () => {
    fc.assert(
      fc.property(fc.nat({ max: 5000 }), fc.array(op, { maxLength: 200 }), (before, ops) => {
        const col = new CompactNumColumn();
        const model: number[] = [];
        // a run of small numbers first: the widening copies them across chunk edges (4096 a chunk)
        for (let i = 0; i < before; i++) {
          col.push(i);
          model.push(i);
        }
        applyOps(col, ops, model);
        expect(col.length).toBe(model.length);
        expect(Array.from({ length: col.length }, (_, i) => col.get(i))).toEqual(model);
      }),
      { numRuns: 100 },
    );
  });

  it('a copy changes apart from its original, before and after widening', () => {
    const a = new CompactNumColumn();
    for (let i = 0; i < 10; i++) a.push(i);
    const b = a.copy();
    b.set(0, 2 ** 40);
    a.push(7);
    const c = b.copy();
    c.set(1, 99);
    expect([a.get(0), a.length, b.get(0), b.get(1), b.length, c.get(1)]).toEqual([0, 11, 2 ** 40, 1, 10, 99]);
  });
});
