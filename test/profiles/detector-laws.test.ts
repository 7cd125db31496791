/**
 * Laws every registered detector obeys, run over each profile's registry (so a
 * new detector is covered by its registry line): merge has init() as identity,
 * is split-invariant and does not mutate its inputs; mapOrdinals with an
 * order-keeping map changes no result; validate accepts every state the
 * detector writes and returns an equal one.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toSession } from '../../src/input/to-session.js';
import { PROFILES } from '../../src/profiles/all.js';
import { compareOrdinal, type AnyDetector, type Ordinal } from '../../src/profiles/index.js';
import type { Session } from '../../src/session.js';
import { KeyIndex } from '../../src/profiles/key-index.js';
import { PackReader, PackWriter } from '../../src/profiles/packed.js';
import { reviveTagged, stringifyChunks } from '../../src/state-file-json.js';

const TOOLS = ['Bash', 'Read', 'Edit', null, 1, 'unknown'] as const;
const record = fc.record({
  session_id: fc.stringMatching(/^s[0-9a-f]{1,6}$/),
  repo: fc.constantFrom('alpha', 'beta', null),
  errors: fc.array(fc.record({ message: fc.constantFrom('ModuleNotFoundError in /a.py', 'Timeout 2025-01-02T03:04', 'boom', '') }), { maxLength: 3 }),
  tool_calls: fc.oneof(
    fc.array(fc.record({ tool: fc.constantFrom(...TOOLS), latency_ms: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 20_000 })) }), {
      maxLength: 8,
    }),
    fc.array(fc.record({ tool: fc.constantFrom('Bash', 'Read'), latency_ms: fc.integer({ min: 0, max: 9000 }) }), { minLength: 11, maxLength: 14 }),
  ),
  duration_minutes: fc.integer({ min: 0, max: 300 }),
});
const sessions = fc.array(record, { maxLength: 25 }).map((rs) =>
  rs.map((r) => {
    const c = toSession(r);
    if (!c.ok) throw new Error(c.reason);
    return c.session;
  }),
);

function fold(d: AnyDetector<Session>, all: readonly Session[], from: number, to: number): unknown {
  let s = d.init();
  for (let i = from; i < to; i++) s = d.add(s, all[i]!, [0, 0, i]);
  return s;
}

/** The text a state file writes for a detector's state (its `document` form where it has one). */
const text = (d: AnyDetector<Session>, s: unknown): string => [...stringifyChunks(d.document === undefined ? s : d.document(s))].join('');
/** A state as a state file holds it: written as tagged JSON, read back. */
const throughFile = (d: AnyDetector<Session>, s: unknown): unknown => reviveTagged(JSON.parse(text(d, s)));

// the seed's records are Sessions; other profiles bring their own record arbitrary with their tests
const seedDetectors = PROFILES.find((p) => p.name === 'seed')!.detectors as readonly AnyDetector<Session>[];

// every law with key tables' indexes as Maps (the default below 65k keys) and as slot arrays (key-index.ts)
describe.each([
  ['Map', KeyIndex.mapUpTo],
  ['slot array', 0],
] as const)('key index as a %s', (_mode, mapUpTo) => {
  const DEFAULT_MAP_UP_TO = KeyIndex.mapUpTo;
  beforeAll(() => {
    KeyIndex.mapUpTo = mapUpTo;
  });
  afterAll(() => {
    KeyIndex.mapUpTo = DEFAULT_MAP_UP_TO;
  });

  describe.each(seedDetectors.map((d) => [d.name, d] as const))('%s', (_name, d) => {
    it('init() is the identity of merge, and merge does not mutate its inputs', () => {
      fc.assert(
        fc.property(sessions, (all) => {
          const s = fold(d, all, 0, all.length);
          const before = text(d, s);
          expect(d.finalize(d.merge(d.init(), s))).toEqual(d.finalize(s));
          expect(d.finalize(d.merge(s, d.init()))).toEqual(d.finalize(s));
          expect(text(d, s)).toBe(before);
        }),
        { numRuns: 60 },
      );
    });

    it('split anywhere and merged either way, equals one pass', () => {
      fc.assert(
        fc.property(sessions, fc.nat(), (all, cut) => {
          const k = cut % (all.length + 1);
          const whole = d.finalize(fold(d, all, 0, all.length));
          expect(d.finalize(d.merge(fold(d, all, 0, k), fold(d, all, k, all.length)))).toEqual(whole);
          expect(d.finalize(d.merge(fold(d, all, k, all.length), fold(d, all, 0, k)))).toEqual(whole);
          // finalize may leave out keys that cannot become a pattern: the states agree too
          const asFile = (s: unknown) =>
            text(
              d,
              d.mapOrdinals(s, (o) => o),
            );
          expect(asFile(d.merge(fold(d, all, 0, k), fold(d, all, k, all.length)))).toBe(asFile(fold(d, all, 0, all.length)));
        }),
        { numRuns: 60 },
      );
    });

    it.skipIf(d.mergeInto === undefined)('mergeInto (in place, smaller into larger) gives what merge gives, either way round', () => {
      fc.assert(
        fc.property(sessions, fc.nat(), (all, cut) => {
          const k = cut % (all.length + 1);
          const asFile = (s: unknown) =>
            text(
              d,
              d.mapOrdinals(s, (o) => o),
            );
          const expected = asFile(d.merge(fold(d, all, 0, k), fold(d, all, k, all.length)));
          expect(asFile(d.mergeInto!(fold(d, all, 0, k), fold(d, all, k, all.length)))).toBe(expected);
          expect(asFile(d.mergeInto!(fold(d, all, k, all.length), fold(d, all, 0, k)))).toBe(expected);
          // three shards folded in place, as a file's ranges are
          const j = Math.floor(k / 2);
          const three = d.mergeInto!(d.mergeInto!(fold(d, all, 0, j), fold(d, all, j, k)), fold(d, all, k, all.length));
          expect(asFile(three)).toBe(asFile(fold(d, all, 0, all.length)));
        }),
        { numRuns: 60 },
      );
    });

    it.skipIf(d.pack === undefined)('unpack(pack(state)) is the state (as a state file writes it), and merges as it', () => {
      fc.assert(
        fc.property(sessions, fc.nat(), (all, cut) => {
          const k = cut % (all.length + 1);
          const asFile = (s: unknown) =>
            text(
              d,
              d.mapOrdinals(s, (o) => o),
            );
          const roundTrip = (s: unknown) => {
            const w = new PackWriter();
            d.pack!(s, w);
            return d.unpack!(new PackReader(w.finish()));
          };
          const [a, b] = [fold(d, all, 0, k), fold(d, all, k, all.length)];
          expect(asFile(roundTrip(a))).toBe(asFile(a));
          const merged = asFile(d.merge(a, b));
          expect(asFile(roundTrip(d.merge(a, b)))).toBe(merged);
          expect(asFile(d.mergeInto!(roundTrip(a), roundTrip(b)))).toBe(merged);
          if (d.mergePacked !== undefined) {
            // a worker's packed state merged as it is, into either side
            const packed = (s: unknown) => {
              const w = new PackWriter();
              d.pack!(s, w);
              return new PackReader(w.finish());
            };
            expect(asFile(d.mergePacked(roundTrip(a), packed(b)))).toBe(merged);
            expect(asFile(d.mergePacked(roundTrip(b), packed(a)))).toBe(merged);
            expect(asFile(d.mergePacked(d.init(), packed(a)))).toBe(asFile(a));
          }
        }),
        { numRuns: 60 },
      );
    });

    it('validate accepts what the detector wrote (with ordinals ranked), unchanged', () => {
      fc.assert(
        fc.property(sessions, (all) => {
          const s = fold(d, all, 0, all.length);
          const seen: Ordinal[] = [];
          d.mapOrdinals(s, (o) => (seen.push(o), o));
          const ranks = new Map<string, number>();
          for (const o of seen.sort(compareOrdinal)) if (!ranks.has(o.join())) ranks.set(o.join(), ranks.size);
          const ranked = d.mapOrdinals(s, (o) => [ranks.get(o.join())!]);
          // ranking keeps the order, so the result is the same
          const withoutOrdinals = (x: unknown) => JSON.stringify(x, (k, v) => (k === 'at' ? undefined : v));
          expect(withoutOrdinals(d.finalize(ranked))).toBe(withoutOrdinals(d.finalize(s)));
          const read = d.validate(throughFile(d, ranked), `detectors.${d.name}`);
          expect(text(d, read)).toBe(text(d, ranked));
        }),
        { numRuns: 60 },
      );
    });
  });
});
