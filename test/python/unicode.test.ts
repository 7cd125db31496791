import { describe, expect, it } from 'vitest';
import { pyLower, pyReprString, pyStrip } from '../../src/python/index.js';
import { classBody, decimalRanges, isPyDecimal, isPyPrintable, isPySpace, isPyWord, spaceRanges, wordRanges } from '../../src/python/_unicode.js';
import { PY_UNICODE_VERSION } from '../../src/python/_unicode-tables.js';
import { membership, unicodeData } from './load-fixtures.js';

/*
 * Every code point 0..0x10FFFF against Python 3.11's own per-character answers
 * (fixtures/python/unicode.json, from str.isspace/isalnum/isdecimal/
 * isprintable/lower; the src tables were measured through re and encoded
 * differently, by fixtures/python/generate_tables.py).
 */

const ALL = 0x110000;

function mismatches(name: string, want: Uint8Array, got: (cp: number) => boolean): string[] {
  const bad: string[] = [];
  for (let cp = 0; cp < ALL && bad.length < 10; cp++) {
    if (got(cp) !== (want[cp] === 1)) bad.push(`${name} U+${cp.toString(16)}: want ${want[cp] === 1}`);
  }
  return bad;
}

function chr(cp: number): string {
  return String.fromCodePoint(cp);
}

describe('Unicode tables are Python 3.11 (Unicode 14)', () => {
  it('were generated from the same Python as the fixtures', () => {
    expect(PY_UNICODE_VERSION).toBe(unicodeData.unicode);
  });

  it('str.isspace on every code point (predicate, pyStrip, regex class)', () => {
    const want = membership(unicodeData.space);
    expect(mismatches('isPySpace', want, isPySpace)).toEqual([]);
    expect(mismatches('pyStrip', want, (cp) => pyStrip(`${chr(cp)}`) === '')).toEqual([]);
    const re = new RegExp(`^[${classBody(spaceRanges())}]$`, 'u');
    expect(mismatches('space class', want, (cp) => re.test(chr(cp)))).toEqual([]);
  });

  it('re \\w (isalnum or _) on every code point (predicate, regex class)', () => {
    const want = membership(unicodeData.word);
    expect(mismatches('isPyWord', want, isPyWord)).toEqual([]);
    const re = new RegExp(`^[${classBody(wordRanges())}]$`, 'u');
    expect(mismatches('word class', want, (cp) => re.test(chr(cp)))).toEqual([]);
  });

  it('re \\d (isdecimal) on every code point (predicate, regex class)', () => {
    const want = membership(unicodeData.decimal);
    expect(mismatches('isPyDecimal', want, isPyDecimal)).toEqual([]);
    const re = new RegExp(`^[${classBody(decimalRanges())}]$`, 'u');
    expect(mismatches('decimal class', want, (cp) => re.test(chr(cp)))).toEqual([]);
  });

  it('str.isprintable on every code point (predicate and repr)', () => {
    const want = membership(unicodeData.printable);
    expect(mismatches('isPyPrintable', want, isPyPrintable)).toEqual([]);
    // repr leaves printable characters alone (quotes and backslash aside)
    const special = new Set([0x27, 0x5c]);
    expect(mismatches('repr', want, (cp) => special.has(cp) || pyReprString(chr(cp)) === `'${chr(cp)}'`)).toEqual([]);
  });

  it('str.lower on every code point', () => {
    const want = new Map<number, string>(unicodeData.lower.map(([cp, low]) => [cp, String.fromCodePoint(...low)]));
    const bad: string[] = [];
    for (let cp = 0; cp < ALL && bad.length < 10; cp++) {
      const s = chr(cp);
      const expected = want.get(cp) ?? s;
      const got = pyLower(s);
      if (got !== expected) bad.push(`U+${cp.toString(16)}: got ${pyReprString(got)} want ${pyReprString(expected)}`);
    }
    expect(bad).toEqual([]);
  });

  it('str.lower: where JavaScript toLowerCase differs, Python wins (sample)', () => {
    expect(pyLower('\u0130')).toBe('i\u0307');
    expect(pyLower('ΑΣ')).toBe('ας');
    expect(pyLower('ΑΣ Α')).toBe('ας α');
    expect(pyLower('Σ')).toBe('σ');
    // Unicode 15+/16 capitals that Python 3.11 does not know stay as they are
    expect(pyLower('\u1c89')).toBe('\u1c89');
    expect(pyLower('\ua7cb')).toBe('\ua7cb');
    expect(pyLower('\u{10d50}')).toBe('\u{10d50}');
  });
});
