import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ALPHA, emptySketch, sketchAdd, sketchMerge, sketchQuantile } from '../../src/fleet/_sketch.js';

describe('DDSketch', () => {
  it('reads quantiles within ALPHA relative error of the exact lower quantile', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1000, max: 1e10 }), { minLength: 1, maxLength: 200 }), fc.constantFrom(0.5, 0.9, 0.99), (values, q) => {
        const s = emptySketch();
        for (const v of values) sketchAdd(s, v);
        const sorted = values.slice().sort((a, b) => a - b);
        const exact = sorted[Math.floor(q * (values.length - 1))]!;
        expect(Math.abs(sketchQuantile(s, q)! - exact) / exact).toBeLessThanOrEqual(ALPHA + 1e-9);
      }),
    );
  });

  it('merge gives the same bits as one pass, in any order', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1e9 })), fc.array(fc.integer({ min: 0, max: 1e9 })), (a, b) => {
        const one = emptySketch();
        for (const v of [...a, ...b]) sketchAdd(one, v);
        const sa = emptySketch();
        const sb = emptySketch();
        a.forEach((v) => sketchAdd(sa, v));
        b.forEach((v) => sketchAdd(sb, v));
        for (const q of [0.5, 0.9]) {
          expect(sketchQuantile(sketchMerge(sa, sb), q)).toBe(sketchQuantile(one, q));
          expect(sketchQuantile(sketchMerge(sb, sa), q)).toBe(sketchQuantile(one, q));
        }
      }),
    );
  });

  it('is empty without values, and puts sub-millisecond values at 0', () => {
    const s = emptySketch();
    expect(sketchQuantile(s, 0.5)).toBeUndefined();
    sketchAdd(s, 10);
    expect(sketchQuantile(s, 0.5)).toBe(0);
  });
});
