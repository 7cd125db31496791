/**
 * The live byte ranges of one file (those after its last "sessions" array) folded into one
 * state, for its job (_file-job.ts). Pure: no threads, no IO.
 *
 * - A worker's state is merged in as it arrives, in whatever order ranges finish: merges
 *   are commutative (ordinals carry the order), and a state merged at once is a state
 *   not held.
 * - A range read on the calling thread adds its records to this very state instead of to
 *   a fresh one (`offer`): the calling thread does every merge, and with every key
 *   distinct, merging a range's state costs as much as adding its records (1M distinct
 *   error keys, two threads: README, Performance).
 * - A detector's `add` takes records in ordinal order (a key's first occurrence is its
 *   first add), so range k is added in only while the state holds no later range, and the
 *   states of later ranges that arrive meanwhile wait until range k is in.
 */
import { initState, mergeStatesInto, type AnalyzerState } from '../accumulators/index.js';
import type { ShardResult } from '../analyze.js';
import type { MalformedSummary } from '../malformed.js';

export class RangeFold {
  /** the one state: its identity never changes (`mergeStatesInto` merges into it in place) */
  private readonly state: AnalyzerState;
  private records = 0;
  private keyless = 0;
  private count = 0;
  /** the latest range in `state` */
  private latest = -1;
  /** the range adding its records to `state` on the calling thread */
  private adding: number | undefined;
  /** states of ranges after `adding`, by range */
  private readonly waiting = new Map<number, ShardResult>();

  constructor(profile: string) {
    this.state = initState(profile);
  }

  /** Ranges folded so far. */
  get folded(): number {
    return this.count;
  }

  /**
   * The state range `k` may add its records to, on the calling thread as the range's task
   * starts; undefined when it may not (another range is adding, or a later one is in): the
   * range then makes a state of its own, and `add` merges it.
   */
  offer(k: number): AnalyzerState | undefined {
    if (this.adding !== undefined || this.latest > k) return undefined;
    this.adding = k;
    return this.state;
  }

  /** Range `k`'s result: its state is `offer`'s state (its records are in) or its own (merged now or once `adding` is in). */
  add(k: number, r: ShardResult): void {
    if (k === this.adding) {
      this.adding = undefined;
      this.fold(k, r);
      for (const [w, s] of this.waiting) this.fold(w, s);
      this.waiting.clear();
    } else if (this.adding !== undefined && k > this.adding) this.waiting.set(k, r);
    else this.fold(k, r);
  }

  /** The fold as one shard's result, with the malformed records given (moved to file lines by the job). */
  result(malformed: MalformedSummary): ShardResult {
    return { state: this.state, malformed, records: this.records, keyless: this.keyless };
  }

  private fold(k: number, r: ShardResult): void {
    if (r.state !== this.state) mergeStatesInto(this.state, r.state);
    this.records += r.records;
    this.keyless += r.keyless;
    this.latest = Math.max(this.latest, k);
    this.count++;
  }
}
