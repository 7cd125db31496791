/**
 * The law everything parallel rests on: analysing shards separately and merging
 * their states (in any order, any grouping) equals one pass over the whole input.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addSession,
  finalizeState,
  initState,
  mergeStates,
  mergeStatesInto,
  packState,
  rebaseState,
  unpackForMerge,
  unpackState,
  type AnalyzerState,
} from '../../src/accumulators/index.js';
import { toSession } from '../../src/input/to-session.js';
import { buildReport, renderReport } from '../../src/report/index.js';
import type { Session } from '../../src/session.js';
import { parseState, serializeState } from '../../src/state-file.js';
import { sessionArb } from '../arbitraries.js';

function sessionsOf(records: unknown[]): Session[] {
  return records.map((r) => {
    const c = toSession(r);
    if (!c.ok) throw new Error(c.reason);
    return c.session;
  });
}

function fold(sessions: readonly Session[], from: number, to: number): AnalyzerState {
  const s = initState();
  for (let i = from; i < to; i++) addSession(s, sessions[i]!, [0, 0, i]);
  return s;
}

function report(state: AnalyzerState, threshold = 0): string {
  const r = buildReport(state, { threshold, hourlyRate: 50 });
  return renderReport(r, 'markdown', new Date(0)) + renderReport(r, 'json', new Date(0));
}

describe('accumulator laws', () => {
  it('init() is the identity of merge', () => {
    fc.assert(
      fc.property(fc.array(sessionArb, { maxLength: 30 }), (records) => {
        const all = sessionsOf(records);
        const s = fold(all, 0, all.length);
        expect(finalizeState(mergeStates(initState(), s))).toEqual(finalizeState(s));
        expect(finalizeState(mergeStates(s, initState()))).toEqual(finalizeState(s));
      }),
      { numRuns: 50 },
    );
  });

  it('split at random points, merged in any order and grouping, equals one pass', () => {
    fc.assert(
      fc.property(
        fc.array(sessionArb, { minLength: 1, maxLength: 60 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        fc.nat(),
        (records, cutSeeds, orderSeed) => {
          const all = sessionsOf(records);
          const cuts = [...new Set(cutSeeds.map((c) => c % (all.length + 1)))].sort((a, b) => a - b);
          const bounds = [0, ...cuts, all.length];
          const parts: AnalyzerState[] = [];
          for (let i = 0; i + 1 < bounds.length; i++) parts.push(fold(all, bounds[i]!, bounds[i + 1]!));
          // a deterministic shuffle of the parts: merge is commutative
          const shuffled = parts
            .map((p, i) => [((i + 1) * 7919 + orderSeed) % 104729, p] as const)
            .sort((a, b) => a[0] - b[0])
            .map((x) => x[1]);
          const leftFold = shuffled.reduce((acc, p) => mergeStates(acc, p), initState());
          const rightFold = shuffled.reduceRight((acc, p) => mergeStates(p, acc), initState());
          const whole = fold(all, 0, all.length);
          expect(report(leftFold)).toBe(report(whole));
          expect(report(rightFold)).toBe(report(whole));
          expect(finalizeState(leftFold)).toEqual(finalizeState(whole));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('states as a worker posts them (packed, some detectors left packed) fold in place to one pass', () => {
    const file = (s: AnalyzerState) => serializeState({ state: s, malformed: { count: 0, first: [] } });
    fc.assert(
      fc.property(fc.array(sessionArb, { minLength: 1, maxLength: 60 }), fc.array(fc.nat(), { maxLength: 5 }), (records, cutSeeds) => {
        const all = sessionsOf(records);
        const cuts = [...new Set(cutSeeds.map((c) => c % (all.length + 1)))].sort((a, b) => a - b);
        const bounds = [0, ...cuts, all.length];
        // as the main thread folds a file's ranges: from an empty state, each reply as it arrives
        let acc = initState();
        for (let i = 0; i + 1 < bounds.length; i++) {
          const posted = structuredClone(packState(fold(all, bounds[i]!, bounds[i + 1]!)));
          acc = mergeStatesInto(acc, unpackForMerge(posted));
        }
        unpackState(acc);
        const whole = fold(all, 0, all.length);
        expect(file(acc)).toBe(file(whole));
        expect(report(acc)).toBe(report(whole));
      }),
      { numRuns: 100 },
    );
  });

  it('merge does not mutate its inputs', () => {
    fc.assert(
      fc.property(fc.array(sessionArb, { minLength: 2, maxLength: 30 }), (records) => {
        const all = sessionsOf(records);
        const mid = all.length >> 1;
        const a = fold(all, 0, mid);
        const b = fold(all, mid, all.length);
        const before = [
          serializeState({ state: a, malformed: { count: 0, first: [] } }),
          serializeState({ state: b, malformed: { count: 0, first: [] } }),
        ];
        mergeStates(a, b);
        mergeStates(b, a);
        expect(serializeState({ state: a, malformed: { count: 0, first: [] } })).toBe(before[0]);
        expect(serializeState({ state: b, malformed: { count: 0, first: [] } })).toBe(before[1]);
      }),
      { numRuns: 50 },
    );
  });

  it('state files round-trip, and rebased states of separate runs merge in argument order', () => {
    fc.assert(
      fc.property(fc.array(sessionArb, { minLength: 1, maxLength: 40 }), fc.nat(), (records, cut) => {
        const all = sessionsOf(records);
        const k = cut % (all.length + 1);
        // two "machines", each numbering its records from 0
        const first = initState();
        all.slice(0, k).forEach((s, i) => addSession(first, s, [0, 0, i]));
        const second = initState();
        all.slice(k).forEach((s, i) => addSession(second, s, [0, 0, i]));
        const rt = (s: AnalyzerState) => parseState(serializeState({ state: s, malformed: { count: 0, first: [] } }), 'x').state;
        const merged = mergeStates(rebaseState(rt(second), [1]), rebaseState(rt(first), [0]));
        expect(report(merged)).toBe(report(fold(all, 0, all.length)));
      }),
      { numRuns: 80 },
    );
  });
});
