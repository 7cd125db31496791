/**
 * The compact form of an exact sum (a plain number while every addition was exact)
 * stands for the same exact value as the partials: same bits, same full form, for any
 * split of the values and either merge order.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addToCompactSum,
  addToSum,
  compactSumValue,
  emptySum,
  fullSum,
  mergeCompactSums,
  sumValue,
  type CompactSum,
} from '../../src/profiles/exact-sum.js';

const latency = fc.oneof(
  fc.integer({ min: 1, max: 2 ** 40 }),
  fc.double({ min: 1e-3, max: 1e6, noNaN: true }),
  fc.constantFrom(2 ** 53, 2 ** 53 + 2, 0.1, 0.2, 0.3, 1e308, Infinity),
);

function compact(xs: readonly number[]): CompactSum {
  let s: CompactSum = 0;
  for (const x of xs) s = addToCompactSum(s, x);
  return s;
}

function exact(xs: readonly number[]) {
  const s = emptySum();
  for (const x of xs) addToSum(s, x);
  return s;
}

describe('CompactSum', () => {
  it('has the value and the full form of the partials', () => {
    fc.assert(
      fc.property(fc.array(latency, { maxLength: 30 }), (xs) => {
        const c = compact(xs);
        expect(Object.is(compactSumValue(c), sumValue(exact(xs)))).toBe(true);
        expect(fullSum(c)).toEqual(exact(xs));
      }),
    );
  });

  it('merges to the same bits for any split, either way round, without changing its inputs', () => {
    fc.assert(
      fc.property(fc.array(latency, { maxLength: 30 }), fc.nat(), (xs, cut) => {
        const k = cut % (xs.length + 1);
        const [a, b] = [compact(xs.slice(0, k)), compact(xs.slice(k))];
        const [fa, fb] = [JSON.stringify(fullSum(a)), JSON.stringify(fullSum(b))];
        const whole = sumValue(exact(xs));
        expect(Object.is(compactSumValue(mergeCompactSums(a, b)), whole)).toBe(true);
        expect(Object.is(compactSumValue(mergeCompactSums(b, a)), whole)).toBe(true);
        expect([JSON.stringify(fullSum(a)), JSON.stringify(fullSum(b))]).toEqual([fa, fb]);
      }),
    );
  });

  it('stays a number while the additions are exact (integer milliseconds)', () => {
    expect(compact([100, 250, 3])).toBe(353);
    expect(typeof compact([0.1, 0.2])).toBe('object');
  });
});
