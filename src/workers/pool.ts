/**
 * Parallel analysis: the shard plan (plan-shards.ts) feeds one job per file
 * (_file-job.ts), whose tasks run on the executor's worker threads (_executor.ts);
 * the files' outcomes are merged in input order (_ordered-merge.ts) into exactly
 * the state the single-thread path (`analyzeSequential`) builds. This module
 * wires the three and owns what spans files: the plan, the window, the stop.
 *
 * - The calling thread is one of the run's `workers` threads: between planning and
 *   merging it runs tasks itself (_tasks.ts, the workers' own code), so `--workers 2`
 *   starts one worker. Its idling beside two workers cost a third isolate to start,
 *   warm up and collect (1 GB array, two workers, 2026-12-01, load 8-11: 0.89x the CPU
 *   and 129 instead of 138 MiB peak RSS, 5 pairs, with the range events of _range-events.ts).
 * - Workers run the compiled dist/workers/shard-worker.js (also when this module
 *   runs from src/ under vitest: tsx + worker_threads is broken on Node 20,
 *   privatenumber/tsx#354).
 * - Planning is pipelined: the boundary pass of a big file runs on this thread
 *   while workers already analyse its first ranges. The planner pauses while the
 *   task queue is full, and tasks of files far ahead of the oldest unmerged file
 *   wait, so memory is bounded by a few states, never by the number of files.
 * - Per file: range states are merged in shard order; ranges before the last
 *   "sessions" array are dropped; the skeleton check (see plan-shards.ts) must
 *   agree; line numbers of malformed records are moved from shard lines to file
 *   lines. If any range or the skeleton fails, the file is analysed again as
 *   one whole shard, and that run is authoritative: an invalid file gives the
 *   single-thread path's error, byte for byte.
 * - stdin and other streams are read on this thread (a worker's process.stdin is
 *   not ours, and their first bytes were read here when they were classified),
 *   and so is a lone file that is not split (a worker would only add its
 *   start-up); such a file starts once every file before it is merged, so, as in
 *   the single-thread path, the rest of a stream is never read after an earlier
 *   file failed.
 * - Errors: the error reported is the one of the first failing file in input
 *   order (the one the single-thread path reports). As soon as a file fails for
 *   good, the tasks of later files are cancelled (running workers terminated);
 *   earlier files finish, then every worker is terminated and the error is
 *   thrown. No partial report, no dangling worker.
 *
 * Shard size: about a quarter of the input per worker, between 8 MB and 64 MB
 * (enough shards to balance the workers, few enough to keep merges rare);
 * `FLEET_PROPOSALS_SHARD_BYTES` overrides it (tests, tuning).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { emptyResult, type AnalysisResult } from '../analyze.js';
import { unpackState } from '../accumulators/index.js';
import { AnalyzerError, asAnalyzerError } from '../errors.js';
import type { Input } from '../input/classify.js';
import type { AnalysisOptions } from '../options.js';
import type { Progress } from '../progress.js';
import { Executor } from './_executor.js';
import { BatchBuilder, batchable, runBatch } from './_batch-job.js';
import { FileJob, type FileJobHost } from './_file-job.js';
import { OrderedMerge, type Outcome } from './_ordered-merge.js';
import { runTask } from './_tasks.js';
import { DEFAULT_SHARD_BYTES, planShards, profileCutsRanges } from './plan-shards.js';

export interface PoolTuning {
  /** target bytes per range shard (default: FLEET_PROPOSALS_SHARD_BYTES, else `autoShardBytes`) */
  shardBytes?: number;
  /** the worker script (default: see `workerScriptUrl`) */
  workerScript?: URL;
  /** told when a split file is analysed again whole, and why (tests, debugging) */
  onFallback?: (file: string, why: string) => void;
  /** false: the calling thread only plans and merges, every task runs on a worker (tests, measurements) */
  inThread?: boolean;
}

/**
 * The compiled worker entry: the sibling file when this module runs from dist/,
 * dist/workers/shard-worker.js when it runs from src/ (vitest; `npm test` builds first).
 */
export function workerScriptUrl(): URL {
  const here = import.meta.url;
  return here.endsWith('.ts') ? new URL('../../dist/workers/shard-worker.js', here) : new URL('./shard-worker.js', here);
}

const MIN_AUTO_SHARD_BYTES = 8 * 1024 * 1024;

/** About four shards per worker for the whole input, between 8 MB and 64 MB. */
export function autoShardBytes(files: readonly { size?: number }[], workers: number): number {
  const total = files.reduce((n, f) => n + (f.size ?? 0), 0);
  return Math.min(DEFAULT_SHARD_BYTES, Math.max(MIN_AUTO_SHARD_BYTES, Math.ceil(total / (4 * Math.max(1, workers)))));
}

function shardBytesFromEnv(): number | undefined {
  const v = process.env['FLEET_PROPOSALS_SHARD_BYTES'];
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

/** Analyse `files` with up to `opts.workers` worker threads (the engine's choice when workers > 1). */
export async function analyzeParallel(
  files: readonly Input[],
  opts: AnalysisOptions,
  progress: Progress,
  tuning: PoolTuning = {},
): Promise<AnalysisResult> {
  if (files.length === 0) return emptyResult(opts.profile);
  const script = tuning.workerScript ?? workerScriptUrl();
  if (script.protocol === 'file:' && !existsSync(fileURLToPath(script))) {
    throw new AnalyzerError('FP_INTERNAL', `The worker script is missing (run npm run build): ${fileURLToPath(script)}`);
  }
  // a profile that reads its files whole (profileCutsRanges) gets one shard per file
  const shardBytes = !profileCutsRanges(opts.profile)
    ? Number.MAX_SAFE_INTEGER
    : (tuning.shardBytes ?? shardBytesFromEnv() ?? autoShardBytes(files, opts.workers));
  const run = new ParallelRun(files, opts, progress, shardBytes, script, tuning.onFallback, tuning.inThread ?? true);
  try {
    const r = await run.result;
    // a file's state that was never merged may still hold packed detector states (_protocol.ts)
    unpackState(r.state);
    return r;
  } finally {
    await run.close();
  }
}

/** One run: plan -> one job per file -> outcomes merged in file order. */
class ParallelRun {
  readonly result: Promise<AnalysisResult>;
  private resolve!: (r: AnalysisResult) => void;
  private reject!: (e: unknown) => void;
  private readonly executor: Executor;
  private readonly merge: OrderedMerge;
  /** jobs of files not merged yet */
  private readonly jobs = new Map<number, FileJob>();
  /** the first file known to fail: nothing after it is needed */
  private stopAfter = Infinity;
  private finished = false;
  private readonly planning: Promise<void>;
  /** tasks of jobs (a file, or a batch of small files) this far past the oldest unmerged one wait */
  private readonly window: number;
  /** the job each planned file belongs to, numbered in input order (a batch is one job) */
  private readonly jobOf: Int32Array;
  private jobs_ = 0;
  /** small whole files waiting to be sent as one batch */
  private readonly batch = new BatchBuilder();
  /** the planner pauses while this many tasks are queued */
  private readonly queueLimit: number;

  constructor(
    private readonly files: readonly Input[],
    private readonly opts: AnalysisOptions,
    private readonly progress: Progress,
    private readonly shardBytes: number,
    script: URL,
    private readonly onFallback: ((file: string, why: string) => void) | undefined,
    inThread: boolean,
  ) {
    const workers = Math.max(1, Math.floor(opts.workers));
    this.window = Math.max(16, 4 * workers);
    this.queueLimit = 2 * workers + 8;
    this.jobOf = new Int32Array(files.length);
    this.result = new Promise<AnalysisResult>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    this.merge = new OrderedMerge(files.length, opts.profile);
    this.executor = new Executor({
      max: workers,
      script,
      onProgress: (bytes, sessions) => {
        if (bytes > 0) progress.bytes(bytes);
        if (sessions > 0) progress.sessions(sessions);
      },
      canStart: (f) => f <= this.stopAfter && (this.merge.next >= files.length || this.jobOf[f]! < this.jobOf[this.merge.next]! + this.window),
      ...(inThread ? { inThread: runTask } : {}),
    });
    this.planning = this.plan().catch((err: unknown) => this.fail(asAnalyzerError(err)));
  }

  private async plan(): Promise<void> {
    const items = planShards(this.files, {
      shardBytes: this.shardBytes,
      abandon: (f) => this.finished || f > this.stopAfter || f < this.merge.next || this.jobs.get(f)?.wantsPlan === false,
    });
    for await (const item of items) {
      if (this.finished || item.fileIndex > this.stopAfter) break;
      // the rest of the plan of a file already merged (it was read whole after all)
      if (item.fileIndex < this.merge.next) continue;
      let job = this.jobs.get(item.fileIndex);
      const file = this.files[item.fileIndex]!;
      if (job === undefined && item.kind === 'whole' && !this.lone && batchable(file)) {
        this.jobOf[item.fileIndex] = this.jobs_;
        if (this.batch.add(item.fileIndex, file)) {
          this.sendBatch();
          await this.executor.waitForRoom(this.queueLimit);
        }
        continue;
      }
      this.sendBatch();
      if (job === undefined) {
        this.jobOf[item.fileIndex] = this.jobs_++;
        job = new FileJob(item.fileIndex, file, this.hostFor(item.fileIndex));
        this.jobs.set(item.fileIndex, job);
      }
      job.accept(item);
      await this.executor.waitForRoom(this.queueLimit);
    }
    this.sendBatch();
  }

  private get lone(): boolean {
    return this.files.length === 1;
  }

  /** The small files collected so far, as one task (see _batch-job.ts). */
  private sendBatch(): void {
    if (this.batch.size === 0) return;
    this.jobs_++;
    runBatch(this.batch.take(), {
      opts: this.opts,
      run: (task, group) => this.executor.run(task, group),
      settled: (index, outcome) => this.settled(index, outcome),
    });
  }

  /** What the job of file `index` may ask of this run. */
  private hostFor(index: number): FileJobHost {
    const file = this.files[index]!.path;
    const onFallback = this.onFallback;
    return {
      opts: this.opts,
      progress: this.progress,
      lone: this.files.length === 1,
      run: (task, urgent, hooks, offer) => this.executor.run(task, index, urgent, hooks, offer),
      cancelQueued: () => this.executor.cancel((f) => f === index, false),
      isOldestUnmerged: () => !this.finished && this.merge.next === index,
      settled: (outcome) => this.settled(index, outcome),
      onFallback: onFallback && ((why) => onFallback(file, why)),
    };
  }

  /** File `index` came to its outcome: stop what a failure makes useless, merge what is in order. */
  private settled(index: number, outcome: Outcome): void {
    if (this.finished) return;
    if ('error' in outcome && index < this.stopAfter) {
      this.stopAfter = index;
      this.executor.cancel((f) => f > index, true);
    }
    const from = this.merge.next;
    const step = this.merge.add(index, outcome);
    for (let f = from; f < this.merge.next; f++) this.jobs.delete(f);
    if (step.kind === 'failed') return this.fail(step.error);
    if (step.kind === 'done') {
      this.finished = true;
      this.resolve(step.result);
      return;
    }
    this.jobs.get(step.next)?.startInThread();
    this.executor.pump();
  }

  private fail(err: unknown): void {
    if (this.finished) return;
    this.finished = true;
    this.reject(err);
  }

  async close(): Promise<void> {
    this.finished = true;
    await this.executor.close();
    await this.planning;
  }
}
