/**
 * The fold of a file's live ranges (src/workers/_range-fold.ts): ranges read on the
 * calling thread add their records straight into the fold's state, one after another
 * in range order, while workers' states arrive in any order; whatever the interleaving,
 * the fold equals one pass over the file.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addSession, initState, packState, unpackForMerge, unpackState, type AnalyzerState } from '../../src/accumulators/index.js';
import { toSession } from '../../src/input/to-session.js';
import { emptyMalformed } from '../../src/malformed.js';
import { buildReport, renderReport } from '../../src/report/index.js';
import type { Session } from '../../src/session.js';
import { serializeState } from '../../src/state-file.js';
import { RangeFold } from '../../src/workers/_range-fold.js';
import { sessionArb } from '../arbitraries.js';

function sessionsOf(records: unknown[]): Session[] {
  return records.map((r) => {
    const c = toSession(r);
    if (!c.ok) throw new Error(c.reason);
    return c.session;
  });
}

/** sessions [from, to) of range `k`, added to `s` with the ordinals a range task gives them */
function addRange(s: AnalyzerState, all: readonly Session[], k: number, from: number, to: number): AnalyzerState {
  for (let i = from; i < to; i++) addSession(s, all[i]!, [0, k, i - from]);
  return s;
}

const asFile = (s: AnalyzerState) => serializeState({ state: s, malformed: emptyMalformed() });
function report(s: AnalyzerState): string {
  const r = buildReport(s, { threshold: 0, hourlyRate: 50 });
  return renderReport(r, 'markdown', new Date(0)) + renderReport(r, 'json', new Date(0));
}

describe(RangeFold.name, () => {
  it("ranges added on the calling thread in range order, workers' packed states arriving in any order: one pass over the file", () => {
    // how often the paths ran, over all runs: a range added in, and a later range's state arriving meanwhile
    let added = 0;
    let waited = 0;
    fc.assert(
      fc.property(
        fc.array(sessionArb, { minLength: 1, maxLength: 50 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
        fc.array(fc.nat(), { minLength: 16, maxLength: 16 }),
        (records, cutSeeds, onThisThread, arrivals) => {
          const all = sessionsOf(records);
          const cuts = [...new Set(cutSeeds.map((c) => c % (all.length + 1)))].sort((a, b) => a - b);
          const bounds = [0, ...cuts, all.length];
          const n = bounds.length - 1;
          const local = Array.from({ length: n }, (_, k) => k).filter((k) => onThisThread[k]!);
          const workers = Array.from({ length: n }, (_, k) => k).filter((k) => !onThisThread[k]!);
          // workers' states arrive in an order drawn from `arrivals`, each at a step drawn from it too
          // (at slot key % (2 * locals + 1): before local range i starts (slot 2i) or while it is added (2i + 1))
          const slot = (key: number) => key % (2 * local.length + 1);
          const order = workers.map((k, i) => ({ k, key: arrivals[i]! })).sort((a, b) => slot(a.key) - slot(b.key) || a.k - b.k);
          const fold = new RangeFold('seed');
          let offered: AnalyzerState | undefined;
          let adding: number | undefined;
          const arrive = (upTo: number) => {
            while (order.length > 0 && slot(order[0]!.key) <= upTo) {
              const { k } = order.shift()!;
              if (adding !== undefined && k > adding) waited++;
              const posted = structuredClone(packState(addRange(initState(), all, k, bounds[k]!, bounds[k + 1]!)));
              const state = unpackForMerge(posted);
              fold.add(k, { state, malformed: emptyMalformed(), records: state.sessions, keyless: 0 });
            }
          };
          local.forEach((k, step) => {
            arrive(2 * step);
            const into = fold.offer(k);
            if (into !== undefined) {
              offered ??= into;
              expect(into).toBe(offered);
              added++;
              adding = k;
            }
            // a worker's state may arrive while this range is being added
            const half = bounds[k]! + ((bounds[k + 1]! - bounds[k]!) >> 1);
            const state = addRange(into ?? initState(), all, k, bounds[k]!, half);
            arrive(2 * step + 1);
            adding = undefined;
            for (let i = half; i < bounds[k + 1]!; i++) addSession(state, all[i]!, [0, k, i - bounds[k]!]);
            fold.add(k, { state, malformed: emptyMalformed(), records: bounds[k + 1]! - bounds[k]!, keyless: 0 });
          });
          arrive(Infinity);
          const r = fold.result(emptyMalformed());
          unpackState(r.state);
          const whole = initState();
          for (let k = 0; k < n; k++) addRange(whole, all, k, bounds[k]!, bounds[k + 1]!);
          expect(fold.folded).toBe(n);
          expect(r.records).toBe(all.length);
          expect(asFile(r.state)).toBe(asFile(whole));
          expect(report(r.state)).toBe(report(whole));
          if (offered !== undefined) expect(r.state).toBe(offered);
        },
      ),
      { numRuns: 200 },
    );
    expect(added).toBeGreaterThan(100);
    expect(waited).toBeGreaterThan(4);
  });
});
