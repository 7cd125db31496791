import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cpLength, cpSlice, normalizeError, pyLower, pyReprString, pyStr, pyStrip } from '../../src/python/index.js';
import type { JsonValue } from '../../src/session.js';
import { classBody, decimalRanges, spaceRanges, wordRanges } from '../../src/python/_unicode.js';
import { cases } from './load-fixtures.js';

function expectAll<T>(rows: T[], check: (row: T) => string | undefined): void {
  const bad: string[] = [];
  for (const row of rows) {
    const msg = check(row);
    if (msg !== undefined && bad.length < 20) bad.push(msg);
  }
  expect(bad).toEqual([]);
}

const show = pyReprString;

describe('normalizeError against the reference _normalize_error', () => {
  it(`matches ${cases.normalizeError.length} reference cases`, () => {
    expectAll(cases.normalizeError, ([msg, want]) => {
      const got = normalizeError(msg);
      return got === want ? undefined : `${show(msg)}: got ${show(got)} want ${show(want)}`;
    });
  });

  it('the documented examples', () => {
    expect(normalizeError('')).toBe('');
    expect(normalizeError('  Error at /usr/lib/x.py: commit DEADBEEF12 at 2024-01-15T10:30:00Z  ')).toBe('error at /PATH commit HASH at TIME:00z');
    expect(normalizeError('٢٠٢٤-٠١-٠١t١٢:٣٠')).toBe('TIME');
    expect(normalizeError('²deadbeef')).toBe('²deadbeef'); // '²' is a word character in Python
    expect(normalizeError('deadbeef\u0301')).toBe('HASH\u0301'); // a combining mark is not
    expect(normalizeError('\u3000x\u3000')).toBe('x');
    expect(normalizeError('/a\u200bb c')).toBe('/PATH c'); // U+200B is not whitespace
    expect(normalizeError('/a\u2003b c')).toBe('/PATH\u2003b c'); // U+2003 is
    expect(normalizeError('ΑΣ')).toBe('ας');
    expect(normalizeError('x'.repeat(149) + '😀yz')).toBe('x'.repeat(149) + '😀');
  });
});

/**
 * The reference's `_normalize_error` as it is written: `re.sub` with its three regexes,
 * their classes built from Python's tables (\S from isspace, \b from isalnum or '_',
 * \d from isdecimal, all by code point as the `u` flag reads them), after Python's
 * lower() and strip(), cut at 150 code points. `normalizeError` is one hand-written scan.
 */
const byRegex = (() => {
  const S = classBody(spaceRanges());
  const W = classBody(wordRanges());
  const D = `[${classBody(decimalRanges())}]`;
  const path = new RegExp(`/[^${S}]+`, 'gu');
  const hash = new RegExp(`(?<![${W}])[0-9a-f]{8,}(?![${W}])`, 'gu');
  const time = new RegExp(`${D}{4}-${D}{2}-${D}{2}[tT]${D}{2}:${D}{2}`, 'gu');
  return (message: string): string => cpSlice(pyStrip(pyLower(message)).replace(path, '/PATH').replace(hash, 'HASH').replace(time, 'TIME'), 150);
})();

describe('normalizeError: the scan against the regexes', () => {
  // pieces that make and break paths, hashes and times, next to each other in any order:
  // ASCII, and non-ASCII word characters, digits (astral ones too), spaces, marks and surrogates
  const ASCII_PIECES = [
    ...['2024-01-15T10:30', '2024-01-15t10:3', '1999-12-31T23:59:59', '0000-00-00t00:00', 'DEADBEEF12', 'deadbeef', 'deadbee', 'cafe0123g'],
    ...['feat-5d1348da7e', '0x12345678', '_abcdef012', '/usr/lib/x.py', '/', '//', 'a/b', ' ', '\t', '\x1c', '\x0b', '-', ':', '_', 'T', 'Z', '.'],
    ...['0', '9', 'a', 'f', 'g', 'PATH', 'HASH', 'Error: ENOENT, open ', "'", 'x'.repeat(40), '\x00', '\x7f'],
  ];
  const UNICODE_PIECES = [
    ...['é', 'É', 'données', '²', '\u0301', '\u00a0', '\u3000', '\u2003', '\u200b', '\x85', '\u1680', 'İ', 'ΑΣ', 'Σ', 'ς'],
    ...['٢٠٢٤-٠١-٠١t١٢:٣٠', '٣', '𝟘𝟙𝟚𝟛', '𝟜', '𝟘𝟙𝟚𝟛-𝟘𝟙-𝟘𝟙T𝟘𝟙:𝟘𝟙', '😀', '𐐀', '\ud800', '\udc00', '\ud83d', '中文', 'ǅ'],
  ];

  it('property: the same key on ASCII messages made of the patterns parts', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...ASCII_PIECES), { maxLength: 12 }), (parts) => {
        const m = parts.join('');
        expect(normalizeError(m)).toBe(byRegex(m));
      }),
      { numRuns: 3000 },
    );
  });

  it('property: the same key on messages with non-ASCII parts', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...ASCII_PIECES, ...UNICODE_PIECES), { maxLength: 14 }), (parts) => {
        const m = parts.join('');
        expect(normalizeError(m)).toBe(byRegex(m));
      }),
      { numRuns: 3000 },
    );
  });

  it('property: the same key on any string of a few classes of characters', () => {
    const unit = fc.constantFrom(...'ab09fF/- :tT_\t\x1c'.split(''), 'é', '٣', '𝟘', '\u3000', '\u0301', '\ud800');
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 60 }), (m) => {
        expect(normalizeError(m)).toBe(byRegex(m));
      }),
      { numRuns: 3000 },
    );
  });

  it('property: the same key on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (m) => {
        expect(normalizeError(m)).toBe(byRegex(m));
      }),
      { numRuns: 2000 },
    );
  });

  it('cuts at 150 code points after the substitutions', () => {
    const m = `${'/x '.repeat(60)}deadbeef0 ${'𝟘'.repeat(3)}`;
    expect(normalizeError(m)).toBe(byRegex(m));
    expect(normalizeError('x'.repeat(149) + '😀😀')).toBe('x'.repeat(149) + '😀');
  });
});

describe('pyLower against str.lower()', () => {
  it(`matches ${cases.lower.length} reference cases (Final_Sigma contexts)`, () => {
    expectAll(cases.lower, ([s, want]) => {
      const got = pyLower(s);
      return got === want ? undefined : `${show(s)}: got ${show(got)} want ${show(want)}`;
    });
  });
});

describe('pyStrip against str.strip()', () => {
  it(`matches ${cases.strip.length} reference cases`, () => {
    expectAll(cases.strip, ([s, want]) => {
      const got = pyStrip(s);
      return got === want ? undefined : `${show(s)}: got ${show(got)} want ${show(want)}`;
    });
  });

  it('keeps U+FEFF and U+200B, removes \\x1c-\\x1f, \\x85, U+3000', () => {
    expect(pyStrip('\ufeffa\u200b')).toBe('\ufeffa\u200b');
    expect(pyStrip('\x1c\x1d\x1e\x1f\x85a\u3000\u2028\u2029')).toBe('a');
  });
});

describe('cpSlice against s[:end]', () => {
  it(`matches ${cases.cpSlice.length} reference cases`, () => {
    expectAll(cases.cpSlice, ([s, end, want]) => {
      const got = cpSlice(s, end);
      return got === want ? undefined : `${show(s)}[:${end}]: got ${show(got)} want ${show(want)}`;
    });
  });

  it('property: agrees with Array.from (code points) and never splits a pair', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), fc.integer({ min: -50, max: 50 }), (s, end) => {
        const cps = Array.from(s);
        expect(cpSlice(s, end)).toBe(cps.slice(0, end).join(''));
        expect(cpLength(s)).toBe(cps.length);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('pyStr against str(json.loads(text))', () => {
  it(`matches ${cases.pyStr.length} reference cases`, () => {
    expectAll(cases.pyStr, ([text, want]) => {
      const got = pyStr(JSON.parse(text) as JsonValue);
      return got === want ? undefined : `${text}: got ${show(got)} want ${show(want)}`;
    });
  });

  it('the documented examples', () => {
    expect(pyStr(null)).toBe('None');
    expect(pyStr(undefined)).toBe('None');
    expect(pyStr(true)).toBe('True');
    expect(pyStr(false)).toBe('False');
    expect(pyStr('as is')).toBe('as is');
    expect(pyStr(3)).toBe('3');
    expect(pyStr(2.5)).toBe('2.5');
    expect(pyStr(1e16)).toBe('1e+16');
    expect(pyStr([1, 'a', null])).toBe("[1, 'a', None]");
    expect(pyStr({ k: 1 })).toBe("{'k': 1}");
    expect(pyStr(["it's"])).toBe('["it\'s"]');
    expect(pyStr(['both \' and "'])).toBe("['both \\' and \"']");
    expect(pyStr(['\ud800', '\u{e0001}', '\x00\x7f\x85\u00a0'])).toBe("['\\ud800', '\\U000e0001', '\\x00\\x7f\\x85\\xa0']");
  });
});
