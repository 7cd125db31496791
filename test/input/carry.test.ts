/**
 * A record cut by the end of a chunk read in place (`pushFrom`) is carried to the next chunk
 * and read whole there (ChunkedInput's carry), its long members skipped by the string kernel
 * (`skipValue`): on archives of long messages, in every shape and chunk size, valid or broken
 * anywhere, the same events (records, offsets, lines) and the same error as the JS scan pushing
 * the same bytes, and the carry did happen.
 */
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { nastyStringArb } from '../arbitraries.js';
import { removeTmpDirs, tmpDir, writeFile } from '../workers/_archive.js';
import { pushed, readInPlace, type Outcome } from './_compare-decoders.js';

afterAll(removeTmpDirs);

let carries = 0;

/** Read in place with the WebAssembly string scan, counting the reads that carried a record. */
function readCarrying(file: string, size: number, chunk: number): Outcome {
  return readInPlace(file, size, chunk, { file: 'a.json', seedSessions: true, stringScan: 'wasm' }, (d) => {
    if ((d as unknown as { carriedLen: number }).carriedLen > 0) carries++;
  });
}

/** The JS scan pushing the same bytes. */
const pushedJs = (bytes: Buffer, chunk: number): Outcome => pushed(bytes, chunk, { file: 'a.json', seedSessions: true, stringScan: 'js' });

/** A transcript's message: hundreds of bytes with escapes, quotes and non-ASCII. */
const messageArb = fc
  .array(fc.oneof(nastyStringArb, fc.constantFrom('He said "ok"', 'C:\\Users\\dev', 'é中😀', '\n\t', '\\u00e9', 'x'.repeat(90))), {
    minLength: 3,
    maxLength: 30,
  })
  .map((parts) => parts.join(''));

const sessionArb = fc.record(
  {
    session_id: nastyStringArb,
    repo: fc.constantFrom('acme/api', 'ünï/cödé'),
    started_at: fc.constant('2025-01-01T08:08:24.440Z'),
    messages: fc.array(fc.record({ role: fc.constantFrom('user', 'assistant'), content: messageArb }), { maxLength: 8 }),
    errors: fc.array(fc.record({ message: nastyStringArb, type: fc.constant('build') }), { maxLength: 3 }),
    tool_calls: fc.array(
      fc.record({ tool: fc.constantFrom('Bash', 'Read'), latency_ms: fc.integer({ min: 1, max: 9999 }), status: fc.constant('ok') }),
      {
        maxLength: 5,
      },
    ),
    duration_minutes: fc.double({ min: 0, max: 500, noNaN: true }),
  },
  { requiredKeys: ['messages'] },
);

const archiveArb = fc
  .tuple(
    fc.array(sessionArb, { minLength: 1, maxLength: 8 }),
    fc.constantFrom('array', 'array-pretty', 'jsonl'),
    fc.option(fc.tuple(fc.nat(), fc.constantFrom(0x22, 0x5c, 0x7d, 0x5d, 0x2c, 0x0a, 0x01, 0x80, 0xff, 0x20)), { nil: undefined }),
  )
  .map(([records, shape, broken]) => {
    const text =
      shape === 'array'
        ? JSON.stringify(records)
        : shape === 'array-pretty'
          ? JSON.stringify(records, null, 1)
          : records.map((r) => JSON.stringify(r)).join('\n');
    const bytes = Buffer.from(text);
    if (broken !== undefined) bytes[broken[0] % bytes.length] = broken[1];
    return bytes;
  });

describe('the carry of a record cut by a chunk read in place', () => {
  it('property: the events and the error of the JS scan, for every chunk size, the carry taken', () => {
    const dir = tmpDir();
    const before = carries;
    fc.assert(
      fc.property(archiveArb, fc.integer({ min: 64, max: 6000 }), (bytes, chunk) => {
        const file = writeFile(dir, 'a.json', bytes).path;
        const inPlace = readCarrying(file, bytes.length, chunk);
        const js = pushedJs(bytes, chunk);
        if (!isDeepStrictEqual(inPlace, js)) expect(inPlace).toEqual(js); // vitest's diff, only when they differ
      }),
      { numRuns: 300, endOnFailure: true }, // no shrinking: a failing archive of long messages shrinks for minutes
    );
    expect(carries).toBeGreaterThan(before + 100);
  });

  it('carries a record once: one too big for the chunk room is walked, with the same records', () => {
    const big = { session_id: 'big', messages: [{ role: 'user', content: 'é"x\\'.repeat(40_000) }], tool_calls: [{ tool: 'Bash', latency_ms: 3 }] };
    const small = { session_id: 's', messages: [{ role: 'user', content: 'hi' }], errors: [{ message: 'E' }] };
    const bytes = Buffer.from(JSON.stringify([small, big, small, big, small]));
    const file = writeFile(tmpDir(), 'b.json', bytes).path;
    for (const chunk of [1000, 65_536, 300_000]) {
      const inPlace = readCarrying(file, bytes.length, chunk);
      expect(inPlace.error).toBeUndefined();
      expect(inPlace.events.length).toBe(5);
      expect(isDeepStrictEqual(inPlace, pushedJs(bytes, chunk))).toBe(true);
    }
  });
});
