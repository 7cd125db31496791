/**
 * The fleet detectors' two speed hooks obey the laws the seed's do
 * (test/profiles/detector-laws.test.ts): `mergeInto` (in place, the smaller state into
 * the larger) gives what `merge` gives, either way round and folded shard by shard, and
 * `unpack(pack(state))` is the state and merges as it, also after the packed form has
 * crossed a structured clone (as it crosses threads). States are compared as a state
 * file writes them (Maps sorted, every field, key order included), and the whole
 * profile's state down to the report's bytes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AgentSession } from '../../src/agent-session.js';
import { FLEET_DETECTORS, type AnyFleetDetector } from '../../src/fleet/index.js';
import { fleetProfile } from '../../src/fleet/profile.js';
import {
  addRecord,
  finalizeState,
  initState,
  mergeStates,
  mergeStatesInto,
  packState,
  unpackState,
  type ProfileState,
} from '../../src/profiles/engine.js';
import { PackReader, PackWriter } from '../../src/profiles/packed.js';
import { stringifyChunks } from '../../src/state-file-json.js';
import { agentSession } from './_arbitrary.js';

const sessions = fc.array(agentSession, { maxLength: 14 });
const asFile = (s: unknown): string => [...stringifyChunks(s)].join('');

function fold(d: AnyFleetDetector, all: readonly AgentSession[], from: number, to: number): unknown {
  let s = d.init();
  for (let i = from; i < to; i++) s = d.add(s, all[i]!, [0, i]);
  return s;
}

/** Two cut points, sorted. */
function cuts(n: number, x: number, y: number): [number, number] {
  return [x % (n + 1), y % (n + 1)].sort((a, b) => a - b) as [number, number];
}

function roundTrip(d: AnyFleetDetector, s: unknown): unknown {
  const w = new PackWriter();
  d.pack!(s, w);
  return d.unpack!(new PackReader(structuredClone(w.finish())));
}

it('every fleet detector merges in place and packs (the workers rely on both)', () => {
  expect(FLEET_DETECTORS.filter((d) => d.mergeInto === undefined || d.pack === undefined || d.unpack === undefined).map((d) => d.name)).toEqual([]);
});

describe.each(FLEET_DETECTORS.map((d) => [d.name, d as AnyFleetDetector] as const))('%s', (_name, d) => {
  it('mergeInto gives what merge gives, either way round, with init() as identity', () => {
    fc.assert(
      fc.property(sessions, fc.nat(), (all, cut) => {
        const k = cut % (all.length + 1);
        const expected = asFile(d.merge(fold(d, all, 0, k), fold(d, all, k, all.length)));
        expect(asFile(d.mergeInto!(fold(d, all, 0, k), fold(d, all, k, all.length)))).toBe(expected);
        expect(asFile(d.mergeInto!(fold(d, all, k, all.length), fold(d, all, 0, k)))).toBe(expected);
        const whole = asFile(fold(d, all, 0, all.length));
        expect(asFile(d.mergeInto!(d.init(), fold(d, all, 0, all.length)))).toBe(whole);
        expect(asFile(d.mergeInto!(fold(d, all, 0, all.length), d.init()))).toBe(whole);
      }),
      { numRuns: 60 },
    );
  });

  it('three shards folded in place, in any grouping, equal one pass (merge is associative)', () => {
    fc.assert(
      fc.property(sessions, fc.nat(), fc.nat(), (all, x, y) => {
        const [i, j] = cuts(all.length, x, y);
        const part = (a: number, b: number) => fold(d, all, a, b);
        const whole = asFile(part(0, all.length));
        expect(asFile(d.mergeInto!(d.mergeInto!(part(0, i), part(i, j)), part(j, all.length)))).toBe(whole);
        expect(asFile(d.mergeInto!(part(0, i), d.mergeInto!(part(i, j), part(j, all.length))))).toBe(whole);
        expect(asFile(d.merge(d.merge(part(0, i), part(i, j)), part(j, all.length)))).toBe(whole);
        expect(asFile(d.merge(part(j, all.length), d.merge(part(i, j), part(0, i))))).toBe(whole);
      }),
      { numRuns: 60 },
    );
  });

  it('unpack(pack(state)) is the state, and merges as it', () => {
    fc.assert(
      fc.property(sessions, fc.nat(), (all, cut) => {
        const k = cut % (all.length + 1);
        const [a, b] = [fold(d, all, 0, k), fold(d, all, k, all.length)];
        expect(asFile(roundTrip(d, a))).toBe(asFile(a));
        const merged = asFile(d.merge(a, b));
        expect(asFile(roundTrip(d, d.merge(a, b)))).toBe(merged);
        expect(asFile(d.mergeInto!(roundTrip(d, a), roundTrip(d, b)))).toBe(merged);
        expect(asFile(d.merge(roundTrip(d, b), roundTrip(d, a)))).toBe(merged);
        // deterministic: the same state packs to the same columns
        const once = new PackWriter();
        const twice = new PackWriter();
        d.pack!(a, once);
        d.pack!(roundTrip(d, a), twice);
        expect(twice.finish()).toEqual(once.finish());
      }),
      { numRuns: 60 },
    );
  });
});

describe('the fleet profile state, through the engine', () => {
  function foldState(all: readonly AgentSession[], from: number, to: number): ProfileState {
    const s = initState(fleetProfile);
    for (let i = from; i < to; i++) addRecord(fleetProfile, s, all[i]!, [0, i]);
    return s;
  }
  const report = (s: ProfileState): string => JSON.stringify(fleetProfile.report(finalizeState(fleetProfile, s), { hourlyRate: 80 }));
  const crossed = (s: ProfileState): ProfileState => unpackState(fleetProfile, structuredClone(packState(fleetProfile, s)));

  it('shards packed, crossed and folded in place give the one-pass state and report bytes', () => {
    fc.assert(
      fc.property(sessions, fc.nat(), fc.nat(), (all, x, y) => {
        const [i, j] = cuts(all.length, x, y);
        const whole = foldState(all, 0, all.length);
        const parts = [foldState(all, 0, i), foldState(all, i, j), foldState(all, j, all.length)].map(crossed);
        const inPlace = parts.reduce((acc, p) => mergeStatesInto(fleetProfile, acc, p));
        expect(asFile(inPlace)).toBe(asFile(whole));
        expect(report(inPlace)).toBe(report(whole));
        const copied = mergeStates(
          fleetProfile,
          foldState(all, j, all.length),
          mergeStates(fleetProfile, foldState(all, 0, i), foldState(all, i, j)),
        );
        expect(report(copied)).toBe(report(whole));
      }),
      { numRuns: 60 },
    );
  });
});
