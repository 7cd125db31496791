import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyzeBatches } from '../../src/analyze.js';
import { isKeyless, recordEvent, recordEventsOf } from '../../src/input/read-sessions.js';
import { SEED_SESSION_KEYS, SESSION_KEYS, type DecodeEvent, type InputEvent } from '../../src/input/types.js';

describe(isKeyless.name, () => {
  it.each([...SEED_SESSION_KEYS])('an object with %s alone has a session key', (key) => {
    expect(isKeyless({ [key]: null })).toBe(false);
  });

  it('an object with none of the reference keys is keyless, whatever else it has', () => {
    const others = [...SESSION_KEYS].filter((k) => !SEED_SESSION_KEYS.has(k));
    expect(isKeyless({})).toBe(true);
    expect(isKeyless(Object.fromEntries(others.map((k) => [k, 1])))).toBe(true);
    expect(isKeyless(Object.create({ repo: 'inherited' }) as object)).toBe(true); // own keys only
  });

  it('a value that is not an object is not keyless (it is malformed)', () => {
    for (const v of [null, 1, 'x', [], [{ repo: 'r' }], true]) expect(isKeyless(v)).toBe(false);
  });
});

/** Records as the decoders give them: session keys or not, valid or not, and resets. */
const decoded = fc.array(
  fc.oneof(
    {
      weight: 8,
      arbitrary: fc.dictionary(
        fc.constantFrom(...SESSION_KEYS, 'x'),
        fc.constantFrom<unknown>('a', 1, null, [], [{ message: 'E' }], [{ tool: 'T', latency_ms: 9 }], {}),
      ),
    },
    { weight: 1, arbitrary: fc.constantFrom<unknown>(1, 'x', null, []) },
    { weight: 1, arbitrary: fc.constant('reset' as const) },
  ),
  { maxLength: 30 },
);

function eventsOf(values: unknown[]): DecodeEvent[] {
  return values.map((v, i) =>
    v === 'reset' ? { kind: 'reset' } : { kind: 'record', record: { value: v, offset: 10 * i, ...(i % 3 ? { line: i } : {}) } },
  );
}

async function* batches<T>(items: Iterable<T>[]): AsyncGenerator<Iterable<T>> {
  yield* items;
}

describe('record batches', () => {
  it('iterate as the record events of their records', () => {
    fc.assert(
      fc.property(decoded, (values) => {
        const events = eventsOf(values);
        expect([...recordEventsOf(events, 'f.json')]).toEqual(events.map((e) => recordEvent(e, 'f.json')));
      }),
    );
  });

  it('property: the analysis of a batch read as records equals that of its events one by one', async () => {
    await fc.assert(
      fc.asyncProperty(decoded, fc.nat(30), async (values, cut) => {
        const events = eventsOf(values);
        const parts = [events.slice(0, cut), events.slice(cut)];
        const opts = { strict: false, profile: 'seed' };
        const read = await analyzeBatches(batches(parts.map((p) => recordEventsOf(p, 'f.json'))), [0, 0], opts);
        const oneByOne: InputEvent[][] = parts.map((p) => p.map((e) => recordEvent(e, 'f.json')));
        const expected = await analyzeBatches(batches(oneByOne), [0, 0], opts);
        // vitest's toEqual walks the states' typed arrays key by key (~75% of this test's time):
        // node's isDeepStrictEqual decides (it is stricter), vitest's diff only when they differ
        if (!isDeepStrictEqual(read, expected)) expect(read).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });
});
