/** The boundary pass of shard planning: its cuts do not depend on how the file is cut into reads. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BoundaryScanner } from '../../src/workers/boundary-scanner.js';
import type { PlanItem } from '../../src/workers/_plan-items.js';
import { archiveFileArb, renderArchive } from '../arbitraries.js';

describe(BoundaryScanner.name, () => {
  /** Items of a scan fed in the given chunk sizes (cycled). */
  function scan(bytes: Buffer, chunkSizes: number[], shardBytes: number): PlanItem[] {
    const s = new BoundaryScanner(0, shardBytes);
    const items: PlanItem[] = [];
    let at = 0;
    for (let k = 0; at < bytes.length; k++) {
      const n = chunkSizes[k % chunkSizes.length]!;
      s.push(bytes.subarray(at, at + n));
      at += n;
      items.push(...s.take());
    }
    s.finish(bytes.length);
    return items.concat(s.take());
  }

  it('gives the same cuts however the input is cut into reads (escapes, keys and BOM across reads)', () => {
    fc.assert(
      fc.property(
        archiveFileArb,
        fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 1, max: 400 }),
        (archive, sizes, shardBytes) => {
          const { bytes } = renderArchive(archive);
          const once = scan(bytes, [bytes.length], shardBytes);
          expect(scan(bytes, sizes, shardBytes)).toEqual(once);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('counts the backslashes in front of a quote, across reads', () => {
    // the key "a\\" ends at its second quote; "\\\"sessions" is not the key sessions
    const doc = Buffer.from('{"a\\\\": 1, "\\\\\\"sessions": [1, 2], "sessions": [3, 4, 5]}');
    for (const size of [1, 2, 3, 100]) {
      const items = scan(doc, [size], 1);
      expect(items.filter((i) => i.kind === 'range').map((r) => r.kind === 'range' && doc.subarray(r.start, r.end).toString())).toEqual([
        '3',
        ' 4',
        ' 5',
      ]);
    }
  });
});
