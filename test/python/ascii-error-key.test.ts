import fc from 'fast-check';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { asciiErrorKey, resetKeyTable } from '../../src/python/_ascii-error-key.js';
import { normalizeError, scanError } from '../../src/python/normalize-error.js';

// The byte scan and its table of keys against the string scan (test/python/strings.test.ts
// checks both, through normalizeError, against the reference's regexes).

const ASCII_PIECES = [
  ...['2024-01-15T10:30', '2024-01-15t10:3', '1999-12-31T23:59:59', 'DEADBEEF12', 'deadbeef', 'deadbee', 'cafe0123g', '12342025-01-01t08:55'],
  ...['2025-01-01t08:55abcdef', 'feat-5d1348da7e', '/usr/lib/x.py', '/', '//', 'a/b', ' ', '\t', '\x1c', '\x0b', '-', ':', '_', 'T', 'Z'],
  ...['0', 'a', 'g', 'PATH', 'Error: ENOENT, open ', "'", 'x'.repeat(40), 'Timeout after 30000ms at '],
];
// non-ASCII in paths (read by the byte scan) and elsewhere (left to the string scan)
const OTHER_PIECES = ['/données/x.ts', '/a\u200bb', 'é', 'İ', '\u00a0', '\u3000', '\u2003', '😀', '\ud800', '/😀', 'ΑΣ'];

// two keys with one FNV-1a hash, so one slot: the table must compare the keys themselves
const SAME_HASH = ['sshrvkvwq', 'gsjzvyrsm'];

describe(asciiErrorKey.name, () => {
  beforeEach(() => resetKeyTable(2)); // 4 slots: keys overwrite each other all the time
  afterAll(() => resetKeyTable());

  it('property: the key of the string scan, or undefined, over messages that repeat', () => {
    const message = fc.array(fc.constantFrom(...ASCII_PIECES, ...OTHER_PIECES), { maxLength: 10 }).map((p) => p.join(''));
    fc.assert(
      fc.property(fc.array(message, { minLength: 1, maxLength: 6 }), fc.array(fc.nat(), { maxLength: 40 }), (pool, picks) => {
        for (const k of [0, ...picks]) {
          const m = pool[k % pool.length]!;
          const key = asciiErrorKey(m);
          if (key !== undefined) expect(key).toBe(scanError(m));
          expect(normalizeError(m)).toBe(scanError(m));
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('property: memoised equals fresh on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary-ascii', maxLength: 80 }), { maxLength: 8 }), (ms) => {
        for (const m of [...ms, ...ms]) expect(normalizeError(m)).toBe(scanError(m));
      }),
      { numRuns: 1000 },
    );
  });

  it('tells apart two keys of one hash (one slot)', () => {
    resetKeyTable(0);
    for (let r = 0; r < 3; r++) {
      expect(asciiErrorKey(SAME_HASH[0]!)).toBe(SAME_HASH[0]);
      expect(asciiErrorKey(SAME_HASH[1]!.toUpperCase())).toBe(SAME_HASH[1]);
    }
  });

  it('reads ASCII messages and non-ASCII paths, and leaves other non-ASCII text to the string scan', () => {
    expect(asciiErrorKey("Error: ENOENT: no such file or directory, open '/utils/données/schema.ts'")).toBe(
      "error: enoent: no such file or directory, open '/PATH",
    );
    expect(asciiErrorKey('Timeout after 30000ms at 2025-01-01T08:55')).toBe('timeout after 30000ms at TIME');
    expect(asciiErrorKey('  \t ')).toBe('');
    expect(asciiErrorKey('Erreur: données')).toBeUndefined();
    expect(asciiErrorKey('x\u00a0/y')).toBeUndefined(); // a non-ASCII space ends paths: the string scan decides
    expect(asciiErrorKey('x'.repeat(2000))).toBeUndefined(); // long: the string scan
  });

  it('cuts the key at 150 characters, a literal too', () => {
    for (const m of [`${'x'.repeat(147)} /a/b`, `${'y'.repeat(149)}deadbeef0 z`, `${'/x '.repeat(60)}2024-01-15T10:30`, 'z'.repeat(400)]) {
      expect(asciiErrorKey(m)).toBe(scanError(m));
      expect(asciiErrorKey(m)!.length).toBeLessThanOrEqual(150);
    }
  });
});
