/**
 * The ordered merge: per-file outcomes arrive in any order (workers finish when
 * they finish) and are folded in input order into exactly the result the
 * single-thread path (`analyzeSequential`) builds; the first failing file in input
 * order decides the error, as it would there. Pure: no threads, no IO.
 *
 * Memory: an outcome waits here only until every file before it has arrived; the
 * pool's look-ahead window bounds how many can wait.
 */
import { appendResult, emptyResult, type AnalysisResult } from '../analyze.js';

/** What one file's analysis came to: its result, or the error the single-thread path would throw for it. */
export type Outcome = { result: AnalysisResult } | { error: unknown };

/** Where the merge stands after an outcome arrived. */
export type MergeStep =
  /** files before `next` are merged; `next` has not arrived yet */
  | { kind: 'waiting'; next: number }
  | { kind: 'done'; result: AnalysisResult }
  /** the first file in input order that failed: nothing after it counts */
  | { kind: 'failed'; error: unknown };

export class OrderedMerge {
  private readonly arrived = new Map<number, Outcome>();
  private cursor = 0;
  private merged: AnalysisResult;
  private last: MergeStep;

  /** `files`: how many outcomes make the whole input (indexes 0 .. files-1). */
  constructor(
    private readonly files: number,
    profile = 'seed',
  ) {
    this.merged = emptyResult(profile);
    this.last = files === 0 ? { kind: 'done', result: this.merged } : { kind: 'waiting', next: 0 };
  }

  /** The first file not merged yet (`files` once all are). */
  get next(): number {
    return this.cursor;
  }

  /** Take the outcome of file `index` (once per file) and merge every outcome now in order. */
  add(index: number, outcome: Outcome): MergeStep {
    if (this.last.kind !== 'waiting') return this.last;
    if (index < this.cursor || this.arrived.has(index)) throw new Error(`OrderedMerge: file ${index} arrived twice`);
    this.arrived.set(index, outcome);
    for (let o = this.arrived.get(this.cursor); o !== undefined; o = this.arrived.get(this.cursor)) {
      this.arrived.delete(this.cursor);
      if ('error' in o) return (this.last = { kind: 'failed', error: o.error });
      // as analyzeSequential does: a lone file's state is the result itself
      this.merged = appendResult(this.merged, o.result, this.files === 1);
      this.cursor++;
    }
    if (this.cursor === this.files) return (this.last = { kind: 'done', result: this.merged });
    return (this.last = { kind: 'waiting', next: this.cursor });
  }
}
