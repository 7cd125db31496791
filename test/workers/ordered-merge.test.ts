import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addSession, initState, mergeStates } from '../../src/accumulators/index.js';
import type { AnalysisResult } from '../../src/analyze.js';
import { toSession } from '../../src/input/to-session.js';
import { emptyMalformed, mergeMalformed } from '../../src/malformed.js';
import { serializeState } from '../../src/state-file.js';
import { OrderedMerge, type MergeStep, type Outcome } from '../../src/workers/_ordered-merge.js';
import { recordArb } from '../arbitraries.js';

/** One file's result: its sessions added with ordinals [file, 0, i]; malformed records noted. */
function resultOf(file: number, records: unknown[]): AnalysisResult {
  const state = initState();
  const malformed = emptyMalformed();
  records.forEach((r, i) => {
    const c = toSession(r);
    if (c.ok) addSession(state, c.session, [file, 0, i]);
    else {
      state.skipped++;
      malformed.count++;
      if (malformed.first.length < 5) malformed.first.push({ at: [file, 0, i], reason: c.reason, context: { file: `f${file}` } });
    }
  });
  return { state, malformed, keyless: { count: 0, first: [] } };
}

/** A result as a state file writes it (ordinals ranked, compact forms expanded). */
const asFile = (r: AnalysisResult): string => serializeState({ state: r.state, malformed: r.malformed });

/** What analyzeSequential does with the same results, in input order. */
function sequential(results: AnalysisResult[]): AnalysisResult {
  let state = initState();
  let malformed = emptyMalformed();
  for (const r of results) {
    state = results.length === 1 ? r.state : mergeStates(state, r.state);
    malformed = mergeMalformed(malformed, r.malformed);
  }
  return { state, malformed, keyless: { count: 0, first: [] } };
}

/** Feed outcomes in the given arrival order; the steps seen. */
function feed(outcomes: Outcome[], order: number[]): MergeStep[] {
  const m = new OrderedMerge(outcomes.length);
  return order.map((i) => m.add(i, outcomes[i]!));
}

const filesArb = fc.array(fc.array(recordArb, { maxLength: 8 }), { minLength: 1, maxLength: 6 });
const arrival = (n: number) => fc.shuffledSubarray([...Array(n).keys()], { minLength: n, maxLength: n });

describe(OrderedMerge.name, () => {
  it('outcomes in any arrival order give the single-thread result', () => {
    fc.assert(
      fc.property(
        filesArb.chain((files) => fc.tuple(fc.constant(files), arrival(files.length))),
        ([files, order]) => {
          const results = files.map((records, f) => resultOf(f, records));
          // the merge folds the results in place (it owns them): what they merge to is taken first
          const expected = asFile(sequential(results));
          const steps = feed(
            results.map((result) => ({ result })),
            order,
          );
          expect(steps.slice(0, -1).every((s) => s.kind === 'waiting')).toBe(true);
          const last = steps.at(-1)!;
          expect(last.kind).toBe('done');
          expect(asFile((last as { result: AnalysisResult }).result)).toBe(expected);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('the first failing file in input order decides, whatever fails first in time', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 8 }).chain((n) => fc.tuple(arrival(n), fc.subarray([...Array(n).keys()], { minLength: 1 }))),
        ([order, failing]) => {
          const outcomes: Outcome[] = order.map((_, f) => (failing.includes(f) ? { error: `error of ${f}` } : { result: resultOf(f, []) }));
          const steps = feed(outcomes, order);
          const first = Math.min(...failing);
          // the merge fails as soon as every file before the first failing one has arrived, and stays failed
          const at = steps.findIndex((s) => s.kind !== 'waiting');
          expect(steps[at]).toEqual({ kind: 'failed', error: `error of ${first}` });
          expect(order.slice(0, at + 1)).toEqual(expect.arrayContaining([...Array(first + 1).keys()]));
          for (const s of steps.slice(at)) expect(s).toEqual(steps[at]);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('says which file it waits for', () => {
    const m = new OrderedMerge(3);
    const ok = { result: resultOf(0, []) };
    expect(m.add(1, ok)).toEqual({ kind: 'waiting', next: 0 });
    expect(m.add(0, ok)).toEqual({ kind: 'waiting', next: 2 });
    expect(m.next).toBe(2);
    expect(m.add(2, ok).kind).toBe('done');
  });

  it('a file that arrives twice is a bug', () => {
    const m = new OrderedMerge(3);
    m.add(1, { result: resultOf(1, []) });
    expect(() => m.add(1, { result: resultOf(1, []) })).toThrow(/arrived twice/);
  });
});
