import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { floatRepr, formatFixed, jsonFloat, pyRound } from '../../src/python/index.js';
import { cases, fromBits, toBits } from './load-fixtures.js';

/** Compare many cases, reporting every mismatch (up to a few) at once. */
function expectAll<T>(rows: T[], check: (row: T) => string | undefined): void {
  const bad: string[] = [];
  for (const row of rows) {
    const msg = check(row);
    if (msg !== undefined && bad.length < 20) bad.push(msg);
  }
  expect(bad).toEqual([]);
}

describe('pyRound against Python round()', () => {
  it(`matches ${cases.round.length} reference cases bit for bit`, () => {
    expectAll(cases.round, ([xb, nd, want]) => {
      const x = fromBits(xb);
      let got: string;
      try {
        got = toBits(pyRound(x, nd));
      } catch (e) {
        got = e instanceof RangeError ? 'overflow' : String(e);
      }
      return got === want ? undefined : `round(${floatRepr(x)}, ${nd}): got ${got} want ${want}`;
    });
  });

  it('the documented examples', () => {
    expect(pyRound(0.25, 1)).toBe(0.2);
    expect(pyRound(0.35, 1)).toBe(0.3);
    expect(pyRound(0.45, 1)).toBe(0.5); // 0.45 is really 0.4500000000000000111...
    expect(pyRound(2.675, 2)).toBe(2.67);
    expect(pyRound(2.5, 0)).toBe(2);
    expect(pyRound(3.5, 0)).toBe(4);
    expect(pyRound(25, -1)).toBe(20);
    expect(pyRound(15, -1)).toBe(20);
    expect(Object.is(pyRound(-0.04, 1), -0)).toBe(true);
    expect(Object.is(pyRound(-0, 1), -0)).toBe(true);
    expect(Object.is(pyRound(0.04, 1), 0)).toBe(true);
    expect(pyRound(Infinity, 1)).toBe(Infinity);
    expect(pyRound(-Infinity, 1)).toBe(-Infinity);
    expect(pyRound(NaN, 1)).toBeNaN();
    expect(pyRound(1e300, 1)).toBe(1e300);
    expect(pyRound(1.7976931348623157e308, 1)).toBe(1.7976931348623157e308);
    expect(() => pyRound(1.7976931348623157e308, -308)).toThrow(RangeError);
    expect(() => pyRound(1.5, 0.5)).toThrow(TypeError);
  });

  it('property: the result is the nearest 1-decimal value (ties to even on the exact value)', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e9, max: 1e9, noNaN: true }), (x) => {
        const r = pyRound(x, 1);
        // r is the double nearest some k/10 ...
        const k = Math.round(r * 10);
        expect(r).toBe(k / 10);
        // ... and k is round_half_even(x*10) on the exact value: compare exact rationals
        const [m, e] = frexpInt(x); // x = m * 2^e
        const shift = BigInt(e < 0 ? -e : 0);
        const x10 = (e >= 0 ? m << BigInt(e) : m) * 10n; // x * 10 * 2^shift
        const dist = (kk: number): bigint => {
          const d = x10 - (BigInt(kk) << shift);
          return d < 0n ? -d : d;
        };
        const dk = dist(k);
        expect(dk <= dist(k - 1) && dk <= dist(k + 1)).toBe(true);
        if (dk === dist(k - 1) || dk === dist(k + 1)) expect(Math.abs(k % 2)).toBe(0);
        // the sign is x's (Python keeps it on zero results too)
        expect(Object.is(r, -0) || r < 0).toBe(x < 0 || Object.is(x, -0));
      }),
      { numRuns: 3000 },
    );
  });

  it('property: formatFixed(x, 1) prints the digits of pyRound(x, 1)', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e12, max: 1e12, noNaN: true }), (x) => {
        const s = formatFixed(x, 1);
        expect(Number(s)).toBe(pyRound(x, 1));
        expect(s.startsWith('-')).toBe(x < 0 || Object.is(x, -0));
      }),
      { numRuns: 3000 },
    );
  });
});

/** v = m * 2^e with integer m (as BigInt); v must be finite. */
function frexpInt(v: number): [bigint, number] {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, v);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const neg = hi >>> 31 === 1;
  const ef = (hi >>> 20) & 0x7ff;
  let m = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e = -1074;
  if (ef !== 0) {
    m |= 1n << 52n;
    e = ef - 1075;
  }
  return [neg ? -m : m, e];
}

describe('formatFixed against Python format(x, ".Nf")', () => {
  it(`matches ${cases.formatFixed.length} reference cases`, () => {
    expectAll(cases.formatFixed, ([xb, d, want]) => {
      const x = fromBits(xb);
      const got = formatFixed(x, d);
      return got === want ? undefined : `format(${floatRepr(x)}, '.${d}f'): got ${got} want ${want}`;
    });
  });

  it('the documented examples', () => {
    expect(formatFixed(0.25, 1)).toBe('0.2');
    expect(formatFixed(0.35, 1)).toBe('0.3');
    expect(formatFixed(2.5, 0)).toBe('2');
    expect(formatFixed(-0, 1)).toBe('-0.0');
    expect(formatFixed(-0.04, 1)).toBe('-0.0');
    expect(formatFixed(1e22, 1)).toBe('10000000000000000000000.0');
    expect(formatFixed(Infinity, 1)).toBe('inf');
    expect(formatFixed(-Infinity, 0)).toBe('-inf');
    expect(formatFixed(NaN, 1)).toBe('nan');
    expect(formatFixed(5234.5, 0)).toBe('5234');
    expect(formatFixed(5235.5, 0)).toBe('5236');
  });
});

describe('floatRepr / jsonFloat against Python repr() and json.dumps()', () => {
  it(`matches ${cases.repr.length} reference cases`, () => {
    expectAll(cases.repr, ([xb, want, wantJson]) => {
      const x = fromBits(xb);
      const got = floatRepr(x);
      const gotJson = jsonFloat(x);
      return got === want && gotJson === wantJson ? undefined : `${xb}: got ${got}/${gotJson} want ${want}/${wantJson}`;
    });
  });

  it('the documented examples', () => {
    expect(floatRepr(1e16)).toBe('1e+16');
    expect(floatRepr(1.5e-5)).toBe('1.5e-05');
    expect(floatRepr(1e-5)).toBe('1e-05');
    expect(floatRepr(1.2345e20)).toBe('1.2345e+20');
    expect(floatRepr(12)).toBe('12.0');
    expect(floatRepr(0.0001)).toBe('0.0001');
    expect(floatRepr(1e15)).toBe('1000000000000000.0');
    expect(floatRepr(-0)).toBe('-0.0');
    expect(floatRepr(0)).toBe('0.0');
    expect(floatRepr(Infinity)).toBe('inf');
    expect(floatRepr(-Infinity)).toBe('-inf');
    expect(floatRepr(NaN)).toBe('nan');
    expect(floatRepr(5e-324)).toBe('5e-324');
    expect(floatRepr(1e100)).toBe('1e+100');
    expect(jsonFloat(Infinity)).toBe('Infinity');
    expect(jsonFloat(-Infinity)).toBe('-Infinity');
    expect(jsonFloat(NaN)).toBe('NaN');
    expect(jsonFloat(2.5)).toBe('2.5');
  });

  it('property: floatRepr round-trips through Number()', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        const s = floatRepr(x);
        expect(Object.is(Number(s), x)).toBe(true);
        // Python's layout: a '.' or an exponent, never JavaScript's bare integers
        expect(/^-?\d+\.\d+$|^-?\d(\.\d+)?e[+-]\d\d+$/.test(s)).toBe(true);
      }),
      { numRuns: 5000 },
    );
  });

  it('property: JSON.parse(jsonFloat(x)) is x', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        expect(Object.is(JSON.parse(jsonFloat(x)), x)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});
