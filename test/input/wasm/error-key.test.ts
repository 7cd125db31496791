/**
 * The record kernel's error key (assembly/error-key.ts via src/input/wasm/tool-calls.ts
 * `errorKey`) against the string scan `scanError` (test/python/strings.test.ts checks that one
 * against the reference's regexes): the same key for every message it reads, and its table of
 * keys (256 slots, a slot overwritten by the next key of its hash) never gives back a stale one.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringKernel } from '../../../src/input/wasm/string-scan.js';
import { toolCallKernel } from '../../../src/input/wasm/tool-calls.js';
import { scanError } from '../../../src/python/normalize-error.js';

const RUNS = Number(process.env['FC_RUNS_FACTOR'] ?? 1) || 1;

const ASCII_PIECES = [
  ...['2024-01-15T10:30', '2024-01-15t10:3', '1999-12-31T23:59:59', 'DEADBEEF12', 'deadbeef', 'deadbee', 'cafe0123g', '12342025-01-01t08:55'],
  ...['2025-01-01t08:55abcdef', 'feat-5d1348da7e', '/usr/lib/x.py', '/', '//', 'a/b', ' ', '\t', '\x1c', '\x0b', '\x1f', '-', ':', '_', 'T', 'Z'],
  ...['0', 'a', 'g', 'PATH', 'Error: ENOENT, open ', "'", 'x'.repeat(40), 'Timeout after 30000ms at ', '2024-01-152024-01-15T10:30:00'],
];
// non-ASCII in paths (read by the kernel, each of Python's non-ASCII spaces among them) and elsewhere (left to the JS key)
const SPACES = ['\u0085', '\u00a0', '\u1680', '\u2000', '\u2005', '\u200a', '\u2028', '\u2029', '\u202f', '\u205f', '\u3000'];
const NOT_SPACES = ['\u200b', '\u180e', '\u2030', '\u0086', '\u00a1', 'é', 'İ', '😀', 'ΑΣ', '\u1681', '\u3001', '\u205e', '\u2027'];
const OTHER_PIECES = [
  '/données/x.ts',
  '/a\u200bb',
  '/😀',
  ...SPACES,
  ...NOT_SPACES,
  ...SPACES.map((c) => `/p${c}q`),
  ...NOT_SPACES.map((c) => `/p${c}q`),
];

/** The key of each message by the kernel (undefined: left to the JS key), the message copied into its memory. */
function kernelKeys(messages: readonly string[]): (string | undefined)[] {
  const kernel = toolCallKernel(stringKernel('wasm'))!;
  const bytes = Buffer.from(messages.join(''), 'utf8');
  const view = stringKernel('wasm')!.load(bytes);
  const out: (string | undefined)[] = [];
  let at = view.byteOffset;
  for (const m of messages) {
    const n = Buffer.byteLength(m, 'utf8');
    out.push(kernel.errorKey(at, at + n));
    at += n;
  }
  return out;
}

describe('record kernel errorKey', () => {
  it('property: the key of the string scan, or left to the JS key, over messages that repeat', () => {
    let read = 0;
    let left = 0;
    const piece = fc.oneof({ weight: 12, arbitrary: fc.constantFrom(...ASCII_PIECES) }, { weight: 1, arbitrary: fc.constantFrom(...OTHER_PIECES) });
    const message = fc.array(piece, { minLength: 1, maxLength: 10 }).map((p) => p.join(''));
    fc.assert(
      fc.property(fc.array(message, { minLength: 1, maxLength: 6 }), fc.array(fc.nat(), { maxLength: 40 }), (pool, picks) => {
        const ms = [0, ...picks].map((k) => pool[k % pool.length]!);
        const keys = kernelKeys(ms);
        ms.forEach((m, k) => {
          const key = keys[k];
          if (key === undefined) left++;
          else {
            read++;
            expect(key).toBe(scanError(m));
          }
        });
      }),
      { numRuns: 2000 * RUNS },
    );
    expect(read).toBeGreaterThan(2 * left); // the kernel read most of them
    expect(left).toBeGreaterThan(1000); // and left some
  });

  it('property: arbitrary ASCII and Unicode text', () => {
    let read = 0;
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 80 }), fc.string({ unit: 'grapheme', minLength: 1 })), {
          maxLength: 8,
        }),
        (ms) => {
          const all = [...ms, ...ms];
          const keys = kernelKeys(all);
          all.forEach((m, k) => {
            if (keys[k] !== undefined) {
              read++;
              expect(keys[k]).toBe(scanError(m));
            }
          });
        },
      ),
      { numRuns: 1000 * RUNS },
    );
    expect(read).toBeGreaterThan(1000);
  });

  it('gives back a key made before as the same string, and never a stale one when many keys share the table', () => {
    const [a, b] = kernelKeys(['Timeout after 30000ms at 2025-01-01T08:55', 'TIMEOUT after 30000ms at 2024-02-02t09:56']);
    expect(a).toBe('timeout after 30000ms at TIME');
    expect(b).toBe(a);
    // 3,000 distinct keys through 256 slots, twice, in another order the second time
    const ms = Array.from({ length: 3000 }, (_, k) => `Error ${k.toString(36)} in /x/${k}`);
    const keys = kernelKeys([...ms, ...ms.slice().reverse()]);
    const want = [...ms, ...ms.slice().reverse()].map(scanError);
    expect(keys).toEqual(want);
  });

  it('cuts the key at 150 characters, a literal too; strips; leaves text with non-ASCII at an end to the JS key', () => {
    const ms = [`${'x'.repeat(147)} /a/b`, `${'y'.repeat(149)}deadbeef0 z`, `${'/x '.repeat(60)}2024-01-15T10:30`, 'z'.repeat(400), 'w'.repeat(3000)];
    const keys = kernelKeys(ms);
    ms.forEach((m, k) => expect(keys[k]).toBe(scanError(m)));
    expect(kernelKeys([' \t\x1c ', '  Hi  ', 'é x', 'x é', '\u00a0x', 'x\u3000', 'a/é'])).toEqual([
      '',
      'hi',
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });
});
