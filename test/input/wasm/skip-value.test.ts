/**
 * The string kernel's `skip` (assembly/string-stop.ts `skipValue`): a whole JSON value skipped
 * in one call, as strictly as the scanner walks it. Its contract, against JSON.parse: a valid
 * value followed by any delimiter is skipped to its exact end with its newlines counted; every
 * proper prefix of it is CUT (-2: the chunk's end came first); whatever it skips is valid JSON
 * (on mutated bytes too); what it leaves (-1) is left to the scanner, never accepted wrongly.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringKernel } from '../../../src/input/wasm/string-scan.js';
import { jsonValueArb, nastyStringArb } from '../../arbitraries.js';

const kernel = stringKernel('wasm')!;
const CUT = -2;
const NOT_READ = -1;

/** skip over `bytes` copied into the kernel's memory, from `from` to `n` (default: all); the index after the value, or -1 / -2. */
function skip(bytes: Uint8Array, oneLine = false, from = 0, n = bytes.length): { end: number; newlines: number } {
  const view = kernel.load(bytes);
  const base = view.byteOffset;
  const e = kernel.skip(base + from, base + n, oneLine ? 1 : 0);
  return { end: e < 0 ? e : e - base, newlines: kernel.skippedNewlines() };
}

/** A long string full of escapes, quotes, non-ASCII and \u sequences, as a transcript's message is. */
const longStringArb = fc
  .array(fc.oneof(nastyStringArb, fc.constantFrom('"quoted"', 'C:\\path\\x', 'é中😀', '\u0001\n\t', 'x'.repeat(70))), { minLength: 1, maxLength: 40 })
  .map((parts) => parts.join(''));

const valueArb = fc.oneof(
  { weight: 3, arbitrary: jsonValueArb },
  { weight: 1, arbitrary: fc.array(fc.record({ role: nastyStringArb, content: longStringArb }), { maxLength: 6 }) },
  { weight: 1, arbitrary: longStringArb },
);

/** The value as JSON text: compact, pretty (newlines and spaces), or pretty with tabs and CRLF. */
const textArb = fc.tuple(valueArb, fc.constantFrom(0, 1, 2)).map(([v, way]) => {
  const t = way === 0 ? JSON.stringify(v) : JSON.stringify(v, null, 1);
  return way === 2 ? t.replace(/\n /g, '\r\n\t') : t;
});

/** Would the scanner read byte c as part of the number `num` that ends just before it? */
function continuesNumber(num: string, c: number | undefined): boolean {
  if (c === undefined) return false;
  const ch = String.fromCharCode(c);
  if (/[0-9]/.test(ch)) return true;
  if (ch === '.') return !/[.eE]/.test(num);
  return /[eE]/.test(ch) && !/[eE]/.test(num);
}

describe('string kernel skip', () => {
  it('skips a valid value to its end, whatever follows, counting its newlines', () => {
    fc.assert(
      fc.property(textArb, fc.constantFrom(',', '}', ']', ' ', '\n', 'x'), (text, after) => {
        const bytes = Buffer.from(text + after);
        const value = Buffer.byteLength(text);
        const newlines = text.split('\n').length - 1;
        expect(skip(bytes)).toEqual({ end: value, newlines });
        // a JSON Lines record ends at a newline: a value spanning one is not read
        if (newlines > 0) expect(skip(bytes, true).end).toBe(NOT_READ);
        else expect(skip(bytes, true).end).toBe(value);
      }),
      { numRuns: 600 },
    );
  });

  it('says CUT for every proper prefix of a valid value (the rest may come with the next chunk)', () => {
    fc.assert(
      fc.property(textArb, (text) => {
        const bytes = Buffer.from(`${text},`);
        const value = Buffer.byteLength(text);
        for (let n = 1; n < value; n++) expect(skip(bytes, false, 0, n).end, `cut at ${n}`).toBe(CUT);
        expect(skip(bytes, false, 0, value).end).toBe(/^[-0-9]/.test(text) ? CUT : value); // a number at the end might go on
      }),
      { numRuns: 200 },
    );
  });

  it('skips only valid JSON, on bytes broken anywhere', () => {
    let skipped = 0;
    let left = 0;
    fc.assert(
      fc.property(
        textArb,
        fc.nat(),
        fc.constantFrom(0x22, 0x5c, 0x2c, 0x3a, 0x7b, 0x7d, 0x5b, 0x5d, 0x30, 0x2e, 0x65, 0x75, 0x0a, 0x01, 0x20, 0x74, 0x6e),
        fc.boolean(),
        (text, at, byte, insert) => {
          const good = Buffer.from(`${text}]`);
          const k = at % good.length;
          const bytes = insert
            ? Buffer.concat([good.subarray(0, k), Buffer.from([byte]), good.subarray(k)])
            : Buffer.concat([good.subarray(0, k), Buffer.from([byte]), good.subarray(k + 1)]);
          const { end } = skip(bytes);
          if (end < 0) {
            left++;
            return;
          }
          skipped++;
          const value = bytes.subarray(0, end).toString('utf8');
          expect(() => JSON.parse(value), value).not.toThrow();
          expect(/^\s/.test(value)).toBe(false);
          if (/^-?[0-9]/.test(value)) expect(continuesNumber(value, bytes[end])).toBe(false);
        },
      ),
      { numRuns: 1000 },
    );
    expect(skipped).toBeGreaterThan(0);
    expect(left).toBeGreaterThan(0);
  });

  it.each([
    ['[1,]', NOT_READ],
    ['{"a":1,}', NOT_READ],
    ['{"a" 1}', NOT_READ],
    ['{1:2}', NOT_READ],
    ['[1}', NOT_READ],
    ['{"a":1]', NOT_READ],
    ['01,', NOT_READ],
    ['-,', NOT_READ],
    ['1.,', NOT_READ],
    ['1e,', NOT_READ],
    ['.5,', NOT_READ],
    ['tru,', NOT_READ],
    ['nul', CUT],
    ['"a\\x"', NOT_READ],
    ['"a\\u12g4"', NOT_READ],
    ['"a\u0001"', NOT_READ],
    ['"a\\u12', CUT],
    ['"a\\', CUT],
    ['[', CUT],
    ['{"a"', CUT],
    ['{"a":', CUT],
    ['[1 ', CUT],
    ['-', CUT],
    ['[-0.0e+5 ,true,false,null,"",{},[]]', 35],
  ])('%s: %d', (text, end) => {
    expect(skip(Buffer.from(text)).end).toBe(end);
  });

  it('leaves values nested deeper than 64 levels to the scanner', () => {
    const nested = (d: number) => Buffer.from(`${'['.repeat(d)}${']'.repeat(d)},`);
    expect(skip(nested(64)).end).toBe(128);
    expect(skip(nested(65)).end).toBe(NOT_READ);
  });

  it('skips from an address inside the memory, not only at its start', () => {
    const bytes = Buffer.from('xx{"role":"user","content":"a\\"b"} ');
    expect(skip(bytes, false, 2).end).toBe(bytes.length - 1);
  });
});
