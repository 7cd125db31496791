/**
 * One file's job in a parallel run: it takes the file's plan items (plan-shards.ts)
 * as they come, submits the tasks, and comes to one outcome for the file, the one
 * the single-thread path would reach. It sees the rest of the run only through its
 * `FileJobHost`.
 *
 * Modes: 'open' (no plan item yet) -> 'whole' (one task, or a run on this thread)
 * or 'split' (ranges, then the skeleton check) -> 'settled'. From 'split' a failed
 * range, a failed or disagreeing skeleton, or a plan that gives up leads to
 * 'fallback': the file is analysed again whole, and that run is authoritative, so
 * an invalid file gives the single-thread path's error byte for byte.
 *
 * - Ranges: the live ranges (after the last `reset`, i.e. the last "sessions"
 *   array) are folded into one state as they finish (_range-fold.ts); line numbers
 *   of malformed records move from shard lines to file lines at the end.
 * - stdin, and a whole file that is the input's only one, are read on this thread
 *   (a worker's process.stdin is not ours; a worker would only add its start-up),
 *   and only once every file before it is merged: as in the single-thread path,
 *   stdin is never opened after an earlier file failed. stdin and gzip in the
 *   reference's format are read (and inflated) here and decoded in a worker.
 */
import type { Worker } from 'node:worker_threads';
import type { AnalyzerState } from '../accumulators/index.js';
import { analyzeInput, fileResult } from '../analyze.js';
import { AnalyzerError, asAnalyzerError, fromWire, toWire } from '../errors.js';
import { openBytes } from '../input/bytes.js';
import type { Input } from '../input/classify.js';
import { emptyMalformed, mergeMalformed, type MalformedSummary } from '../malformed.js';
import { readOptionsOf, type AnalysisOptions } from '../options.js';
import type { Progress } from '../progress.js';
import type { FinalReply, StreamChunk } from './_protocol.js';
import { Cancelled, type StreamHooks, type TaskInput } from './_executor.js';
import type { Outcome } from './_ordered-merge.js';
import { RangeFold } from './_range-fold.js';
import type { ByteRange, PlanItem } from './_plan-items.js';

/** Stream chunks (~1 MB each) handed to a worker and not yet consumed: bounds memory. */
const STREAM_INFLIGHT = 8;

/** What a job may ask of the run it belongs to. */
export interface FileJobHost {
  readonly opts: AnalysisOptions;
  readonly progress: Progress;
  /** the file is the input's only one */
  readonly lone: boolean;
  /** queue a task of this file (`urgent`: before every other queued task; `offer`: see `Executor.run`) */
  run(task: TaskInput, urgent: boolean, hooks?: StreamHooks, offer?: () => AnalyzerState | undefined): Promise<FinalReply>;
  /** drop this file's queued tasks (not the running ones) */
  cancelQueued(): void;
  /** every file before this one is merged */
  isOldestUnmerged(): boolean;
  /** the file's outcome is final (called once) */
  settled(outcome: Outcome): void;
  /** told when a split file is analysed again whole, and why (tests, debugging) */
  onFallback?(why: string): void;
}

/** The outcome a final reply to a whole-file or stream task stands for. */
export function outcomeOf(reply: FinalReply, file: string): Outcome {
  switch (reply.type) {
    case 'done':
      return { result: fileResult(file, reply.shard) };
    case 'error':
      return { error: fromWire(reply.error) };
    default:
      return { error: new AnalyzerError('FP_INTERNAL', `Unexpected worker reply '${reply.type}' for a whole file`) };
  }
}

export class FileJob {
  private mode: 'open' | 'whole' | 'split' | 'fallback' | 'settled' = 'open';
  /** range and skeleton tasks not answered yet */
  private outstanding = 0;
  private ended = false;
  private inThreadPending = false;
  private skeleton: ByteRange[] | undefined;
  private skeletonReply: { liveFrom: number; gapNewlines: number[] } | undefined;
  private ranges = 0;
  // the live ranges (after the last reset) folded so far
  private liveFrom = 0;
  private fold: RangeFold;
  private malformedByShard = new Map<number, MalformedSummary>();
  private newlines: number[] = [];

  constructor(
    readonly index: number,
    private readonly file: Input,
    private readonly host: FileJobHost,
  ) {
    this.fold = new RangeFold(host.opts.profile);
  }

  /** false once the plan's remaining items would be ignored */
  get wantsPlan(): boolean {
    return this.mode === 'open' || this.mode === 'split';
  }

  /** The fields every task of this file carries. */
  private get common() {
    return { file: this.file.path, ...readOptionsOf(this.host.opts) };
  }

  accept(item: PlanItem): void {
    if (!this.wantsPlan) return;
    switch (item.kind) {
      case 'whole':
        if (this.mode === 'split') this.fallback(`the plan gave up: ${item.reason}`);
        else {
          this.mode = 'whole';
          this.runWhole(false);
        }
        return;
      case 'range': {
        this.mode = 'split';
        this.ranges++;
        const k = item.shardIndex;
        const kind = item.format === 'array' ? 'array-range' : 'jsonl-range';
        const task: TaskInput = { ...this.common, kind, start: item.start, end: item.end, prefix: [this.index, k] };
        // the fold of now: after a reset or a fallback, this range's records must not reach the new one
        const fold = this.fold;
        this.submitPart(
          task,
          (reply) => this.onRange(k, reply),
          () => fold.offer(k),
        );
        return;
      }
      case 'reset':
        // every range so far belongs to an earlier "sessions" array: checked, not counted
        this.mode = 'split';
        this.liveFrom = item.shardIndex;
        this.fold = new RangeFold(this.host.opts.profile);
        this.malformedByShard.clear();
        return;
      case 'end':
        this.mode = 'split';
        this.ended = true;
        this.skeleton = item.skeleton;
        if (item.skeleton !== undefined) {
          this.submitPart({ ...this.common, kind: 'skeleton', size: item.size, ranges: item.skeleton }, (reply) => this.onSkeleton(reply));
        }
        this.maybeFinish();
        return;
    }
  }

  /** The whole file on this thread, exactly as `analyzeSequential` reads it; once it is the oldest unmerged file. */
  startInThread(): void {
    if (!this.inThreadPending || !this.host.isOldestUnmerged()) return;
    this.inThreadPending = false;
    const { opts, progress } = this.host;
    // stdin, other streams and gzip in the reference's format: read (and inflate) here, decode in a worker
    const k = this.file.kind;
    if ((k === 'stdin' || k === 'stream' || k === 'gzip') && opts.workers > 1) return this.runStream();
    analyzeInput(this.file, this.index, readOptionsOf(opts, progress)).then(
      (r) => this.settle({ result: fileResult(this.file.path, r) }),
      (err: unknown) => this.settle({ error: err }),
    );
  }

  /** A range or skeleton task: its reply feeds the split; a crash is the file's error, unless the file is read whole anyway. */
  private submitPart(task: TaskInput, onReply: (reply: FinalReply) => void, offer?: () => AnalyzerState | undefined): void {
    this.outstanding++;
    this.host.run(task, false, undefined, offer).then(
      (reply) => {
        this.outstanding--;
        onReply(reply);
      },
      (err: unknown) => {
        this.outstanding--;
        if (this.mode !== 'fallback') this.onTaskFailure(err);
      },
    );
  }

  /** A whole-file or stream task: its reply is the file's outcome. */
  private submitWhole(task: TaskInput, urgent: boolean, hooks?: StreamHooks, after?: () => void): void {
    this.host.run(task, urgent, hooks).then(
      (reply) => {
        after?.();
        this.settle(outcomeOf(reply, this.file.path));
      },
      (err: unknown) => {
        after?.();
        this.onTaskFailure(err);
      },
    );
  }

  /** A task crashed (FP_INTERNAL) or was cancelled (nothing to say). */
  private onTaskFailure(err: unknown): void {
    if (err instanceof Cancelled || this.mode === 'settled') return;
    this.settle({ error: asAnalyzerError(err) });
  }

  private onRange(k: number, reply: FinalReply): void {
    if (this.mode !== 'split') return;
    if (reply.type !== 'done') return this.fallback(`shard ${k}: ${reply.type === 'error' ? reply.error.message : reply.type}`);
    this.newlines[k] = reply.newlines;
    if (k >= this.liveFrom) {
      this.malformedByShard.set(k, reply.shard.malformed);
      this.fold.add(k, reply.shard);
    }
    this.maybeFinish();
  }

  private onSkeleton(reply: FinalReply): void {
    if (this.mode !== 'split') return;
    if (reply.type !== 'skeleton') return this.fallback(`skeleton: ${reply.type === 'error' ? reply.error.message : reply.type}`);
    this.skeletonReply = { liveFrom: reply.liveFrom, gapNewlines: reply.gapNewlines };
    this.maybeFinish();
  }

  private maybeFinish(): void {
    if (this.mode !== 'split' || !this.ended || this.outstanding > 0) return;
    // the decoder must see the "sessions" arrays where the boundary pass did
    if (this.skeleton !== undefined && this.skeletonReply?.liveFrom !== this.liveFrom) {
      return this.fallback(`skeleton: the live ranges start at ${this.skeletonReply?.liveFrom}, the plan says ${this.liveFrom}`);
    }
    if (this.fold.folded !== Math.max(0, this.ranges - this.liveFrom)) return this.fallback('not every range was merged');
    // shard line numbers -> file line numbers: add the newlines before the range
    const gaps = this.skeletonReply?.gapNewlines ?? [];
    let malformed = emptyMalformed();
    let before = 0;
    for (let k = 0; k < this.ranges; k++) {
      before += gaps[k] ?? 0;
      const m = this.malformedByShard.get(k);
      if (m !== undefined && k >= this.liveFrom) {
        const base = before;
        const first = m.first.map((r) => (r.context.line === undefined ? r : { ...r, context: { ...r.context, line: r.context.line + base } }));
        malformed = mergeMalformed(malformed, { count: m.count, first });
      }
      before += this.newlines[k] ?? 0;
    }
    this.settle({ result: fileResult(this.file.path, this.fold.result(malformed)) });
  }

  /** A range or the skeleton failed, or the plan gave up: the file is analysed again, whole. */
  private fallback(why: string): void {
    if (!this.wantsPlan) return;
    this.mode = 'fallback';
    this.host.onFallback?.(why);
    this.dropPartials();
    this.host.cancelQueued();
    this.runWhole(true);
  }

  private runWhole(urgent: boolean): void {
    // a stream's first bytes were read here when it was classified: the rest must be read here too
    if (this.file.transport !== 'file' || this.host.lone) {
      this.inThreadPending = true;
      this.startInThread();
      return;
    }
    const { stream: _stream, ...input } = this.file;
    this.submitWhole({ ...this.common, kind: 'whole', fileIndex: this.index, input }, urgent);
  }

  /**
   * The file read on this thread and decoded in a worker, in transferred chunks with
   * at most STREAM_INFLIGHT unacknowledged: reading and gunzip overlap with decoding.
   * A read error is sent after the chunks before it, so the worker reports whichever
   * comes first in the byte stream, as the single-thread path does.
   */
  private runStream(): void {
    const progress = this.host.progress;
    let inflight = 0;
    let stopped = false;
    let wake: (() => void) | undefined;
    const resume = () => {
      const w = wake;
      wake = undefined;
      w?.();
    };
    const feed = async (worker: Worker, id: number) => {
      try {
        for await (const chunk of openBytes(this.file, (n) => progress.bytes(n))) {
          if (stopped) return;
          const data = new ArrayBuffer(chunk.length);
          new Uint8Array(data).set(chunk);
          worker.postMessage({ type: 'chunk', id, data } satisfies StreamChunk, [data]);
          if (++inflight >= STREAM_INFLIGHT) await new Promise<void>((r) => (wake = r));
        }
        if (!stopped) worker.postMessage({ type: 'end', id } satisfies StreamChunk);
      } catch (err) {
        if (!stopped) worker.postMessage({ type: 'abort', id, error: toWire(err) } satisfies StreamChunk);
      }
    };
    const task: TaskInput = { ...this.common, kind: 'stream', fileIndex: this.index, shape: this.file.shape };
    const hooks: StreamHooks = {
      onStart: (worker, id) => void feed(worker, id),
      onAck: () => {
        inflight--;
        resume();
      },
    };
    this.submitWhole(task, true, hooks, () => {
      stopped = true;
      resume();
    });
  }

  private dropPartials(): void {
    this.fold = new RangeFold(this.host.opts.profile);
    this.malformedByShard.clear();
  }

  private settle(outcome: Outcome): void {
    if (this.mode === 'settled') return;
    this.mode = 'settled';
    this.dropPartials();
    this.host.settled(outcome);
  }
}
