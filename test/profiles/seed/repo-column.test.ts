/**
 * The repos column of the repeated-errors table (profiles/seed/_repo-column.ts) holds
 * what an array would, lone repos and Sets alike, and a copy changes apart from its original.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyOps, columnOps } from '../_column-ops.js';
import type { Repos } from '../../../src/profiles/seed/_repo-column.js';
import { RepoColumn } from '../../../src/profiles/seed/_repo-column.js';

const repo = fc.constantFrom('salpha', 'sbeta', 'N', '');
const repos: fc.Arbitrary<Repos> = fc.oneof(
  repo,
  fc.uniqueArray(repo, { maxLength: 3 }).map((a) => new Set(a)),
);
const op = columnOps(repos);

describe(RepoColumn.name, () => {
  it('gives back what an array holds', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const col = new RepoColumn();
        const model: Repos[] = [];
        applyOps(col, ops, model);
        expect(model.map((_, r) => col.get(r))).toEqual(model);
      }),
      { numRuns: 200 },
    );
  });

  it('a copy changes apart from its original', () => {
    const a = new RepoColumn();
    a.push('salpha');
    a.push(new Set(['salpha', 'sbeta']));
    const b = a.copy();
    b.set(0, 'sgamma');
    b.push('sdelta');
    a.push('sepsilon');
    expect([a.get(0), a.get(2), b.get(0), b.get(2)]).toEqual(['salpha', 'sepsilon', 'sgamma', 'sdelta']);
  });
});
