/**
 * Parallel analysis: the shard plan (plan-shards.ts) feeds a pool of worker
 * threads, one task per worker at a time; their states are merged in input order
 * into exactly the state the single-thread path (`analyzeSequential`) builds.
 *
 * - Workers start lazily, at most `opts.workers`, and run the compiled
 *   dist/workers/shard-worker.js (also when this module runs from src/ under
 *   vitest: tsx + worker_threads is broken on Node 20, privatenumber/tsx#354).
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
import { Worker } from 'node:worker_threads';
import { analyzeInput, appendResult, emptyResult, emptyShard, fileResult, mergeShards, type AnalysisResult, type ShardResult } from '../analyze.js';
import { AnalyzerError, fromWire, toWire } from '../errors.js';
import { emptyMalformed, mergeMalformed, type MalformedSummary } from '../malformed.js';
import { openBytes } from '../input/bytes.js';
import type { Input } from '../input/classify.js';
import type { ResolvedOptions } from '../options.js';
import type { Progress } from '../progress.js';
import type { StreamChunk, WorkerReply, WorkerTask } from './_protocol.js';
import { DEFAULT_SHARD_BYTES, planShards, type ByteRange, type PlanItem } from './plan-shards.js';

export interface PoolTuning {
  /** target bytes per range shard (default: FLEET_PROPOSALS_SHARD_BYTES, else `autoShardBytes`) */
  shardBytes?: number;
  /** the worker script (default: see `workerScriptUrl`) */
  workerScript?: URL;
  /** told when a split file is analysed again whole, and why (tests, debugging) */
  onFallback?: (file: string, why: string) => void;
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
/** Stream chunks (~1 MB each) handed to a worker and not yet consumed: bounds memory. */
const STREAM_INFLIGHT = 8;

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

/** `Io.analyzeParallel`: analyse `files` with up to `opts.workers` worker threads. */
export async function analyzeParallel(
  files: readonly Input[],
  opts: ResolvedOptions,
  progress: Progress,
  tuning: PoolTuning = {},
): Promise<AnalysisResult> {
  if (files.length === 0) return emptyResult();
  const script = tuning.workerScript ?? workerScriptUrl();
  if (script.protocol === 'file:' && !existsSync(fileURLToPath(script))) {
    throw new AnalyzerError('FP_INTERNAL', `The worker script is missing (run npm run build): ${fileURLToPath(script)}`);
  }
  const shardBytes = tuning.shardBytes ?? shardBytesFromEnv() ?? autoShardBytes(files, opts.workers);
  const run = new ParallelRun(files, opts, progress, shardBytes, script, tuning.onFallback);
  try {
    return await run.result;
  } finally {
    await run.close();
  }
}

// ---- the executor: worker threads, one task each, FIFO queue ---------------------

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
type TaskInput = DistributiveOmit<WorkerTask, 'id'>;
type FinalReply = Exclude<WorkerReply, { type: 'progress' }>;

/** A task dropped because the run stops or its file is read whole instead. */
class Cancelled extends Error {
  override readonly name = 'Cancelled';
}

interface Job {
  task: WorkerTask;
  fileIndex: number;
  resolve: (r: FinalReply) => void;
  reject: (e: unknown) => void;
  hooks: JobHooks | undefined;
}

/** For stream tasks: the worker the task started on, and its flow-control acks. */
interface JobHooks {
  onStart(worker: Worker, id: number): void;
  onAck(): void;
}

interface Slot {
  worker: Worker;
  current: Job | undefined;
  dead: boolean;
}

class Executor {
  private readonly slots = new Set<Slot>();
  private idle: Slot[] = [];
  private readonly queue: Job[] = [];
  private readonly exits: Promise<unknown>[] = [];
  private roomWaiters: { limit: number; wake: () => void }[] = [];
  private nextId = 1;
  private closed = false;

  constructor(
    private readonly max: number,
    private readonly script: URL,
    private readonly onProgress: (bytes: number, sessions: number) => void,
    /** false: tasks of this file must wait (window, or the run is stopping there) */
    private readonly canStart: (fileIndex: number) => boolean,
  ) {}

  /** Queue a task; `urgent` puts it first. Resolves with the worker's reply (errors included); rejects on crash or cancel. */
  run(input: TaskInput, fileIndex: number, urgent = false, hooks?: JobHooks): Promise<FinalReply> {
    if (this.closed) return Promise.reject(new Cancelled());
    return new Promise<FinalReply>((resolve, reject) => {
      const job: Job = { task: { ...input, id: this.nextId++ } as WorkerTask, fileIndex, resolve, reject, hooks };
      if (urgent) this.queue.unshift(job);
      else this.queue.push(job);
      this.pump();
    });
  }

  /** Start queued tasks on idle (or new) workers, in queue order. */
  pump(): void {
    while (!this.closed && this.queue.length > 0 && this.canStart(this.queue[0]!.fileIndex)) {
      let slot = this.idle.pop();
      if (slot === undefined) {
        if (this.slots.size >= this.max) break;
        slot = this.spawn();
      }
      const job = this.queue.shift()!;
      slot.current = job;
      slot.worker.postMessage(job.task);
      job.hooks?.onStart(slot.worker, job.task.id);
    }
    this.wakeRoomWaiters();
  }

  /** Resolves once fewer than `limit` tasks wait in the queue (or the executor is closed). */
  waitForRoom(limit: number): Promise<void> {
    if (this.closed || this.queue.length < limit) return Promise.resolve();
    return new Promise<void>((wake) => this.roomWaiters.push({ limit, wake }));
  }

  private wakeRoomWaiters(): void {
    if (this.roomWaiters.length === 0) return;
    const keep: typeof this.roomWaiters = [];
    for (const w of this.roomWaiters) {
      if (this.closed || this.queue.length < w.limit) w.wake();
      else keep.push(w);
    }
    this.roomWaiters = keep;
  }

  /** Drop queued tasks matching `pred` (and, with `running`, terminate the workers running one). */
  cancel(pred: (fileIndex: number) => boolean, running: boolean): void {
    for (let i = this.queue.length - 1; i >= 0; i--) {
      const job = this.queue[i]!;
      if (pred(job.fileIndex)) {
        this.queue.splice(i, 1);
        job.reject(new Cancelled());
      }
    }
    if (running) {
      for (const slot of [...this.slots]) {
        if (slot.current !== undefined && pred(slot.current.fileIndex)) this.kill(slot);
      }
    }
    this.pump();
  }

  /** Terminate every worker (awaited) and cancel what is left. */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new Cancelled());
    for (const slot of [...this.slots]) this.kill(slot);
    this.wakeRoomWaiters();
    await Promise.allSettled(this.exits);
  }

  private spawn(): Slot {
    // a small young generation keeps each worker's RSS down (measured: 16 MB default -> 208 MB peak for
    // two workers, 3 MB -> ~150 MB) at no measurable cost: records die young and small
    const worker = new Worker(this.script, { resourceLimits: { maxYoungGenerationSizeMb: 3 } });
    const slot: Slot = { worker, current: undefined, dead: false };
    this.slots.add(slot);
    worker.on('message', (m: WorkerReply) => this.onMessage(slot, m));
    worker.on('error', (err) => this.onCrash(slot, err));
    worker.on('exit', (code) => this.onCrash(slot, new Error(`exited with code ${code}`)));
    return slot;
  }

  private onMessage(slot: Slot, m: WorkerReply): void {
    if (m.type === 'progress') {
      this.onProgress(m.bytes, m.sessions);
      return;
    }
    if (m.type === 'ack') {
      if (slot.current?.task.id === m.id) slot.current.hooks?.onAck();
      return;
    }
    const job = slot.current;
    if (slot.dead || job === undefined || job.task.id !== m.id) return;
    slot.current = undefined;
    this.idle.push(slot);
    job.resolve(m);
    this.pump();
  }

  /** A worker died on its own: an uncaught error, or an exit (out of memory...). A bug: FP_INTERNAL. */
  private onCrash(slot: Slot, err: Error): void {
    if (slot.dead) return;
    this.forget(slot);
    const job = slot.current;
    slot.current = undefined;
    job?.reject(new AnalyzerError('FP_INTERNAL', `Worker thread failed: ${err.name}: ${err.message}`, {}, { cause: err }));
    this.pump();
  }

  private kill(slot: Slot): void {
    if (slot.dead) return;
    this.forget(slot);
    const job = slot.current;
    slot.current = undefined;
    job?.reject(new Cancelled());
    this.exits.push(slot.worker.terminate());
  }

  private forget(slot: Slot): void {
    slot.dead = true;
    this.slots.delete(slot);
    this.idle = this.idle.filter((s) => s !== slot);
  }
}

// ---- one run: plan -> tasks -> per-file results -> merged in file order ------------

/** `error` is an AnalyzerError, or whatever a main-thread run threw (as analyzeSequential would). */
type Outcome = { result: AnalysisResult } | { error: unknown };

function asAnalyzerError(err: unknown): AnalyzerError {
  if (err instanceof AnalyzerError) return err;
  const e = err as Error | undefined;
  return new AnalyzerError('FP_INTERNAL', `${e?.name ?? 'Error'}: ${e?.message ?? String(err)}`, {}, { cause: err });
}

class ParallelRun {
  readonly executor: Executor;
  readonly result: Promise<AnalysisResult>;
  private resolve!: (r: AnalysisResult) => void;
  private reject!: (e: unknown) => void;
  private readonly jobs = new Map<number, FileJob>();
  private cursor = 0; // first file not merged yet
  private stopAfter = Infinity; // the first file known to fail: nothing after it is needed
  private finished = false;
  private merged: AnalysisResult = emptyResult();
  private readonly planning: Promise<void>;
  private readonly window: number;
  private readonly queueLimit: number;

  constructor(
    readonly files: readonly Input[],
    readonly opts: ResolvedOptions,
    readonly progress: Progress,
    private readonly shardBytes: number,
    script: URL,
    readonly onFallback: ((file: string, why: string) => void) | undefined,
  ) {
    const workers = Math.max(1, Math.floor(opts.workers));
    this.window = Math.max(16, 4 * workers);
    this.queueLimit = 2 * workers + 8;
    this.result = new Promise<AnalysisResult>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    this.executor = new Executor(
      workers,
      script,
      (bytes, sessions) => {
        if (bytes > 0) progress.bytes(bytes);
        if (sessions > 0) progress.sessions(sessions);
      },
      (f) => f <= this.stopAfter && f < this.cursor + this.window,
    );
    this.planning = this.plan().catch((err: unknown) => this.fail(asAnalyzerError(err)));
  }

  private async plan(): Promise<void> {
    const items = planShards(this.files, {
      shardBytes: this.shardBytes,
      abandon: (f) => this.finished || f > this.stopAfter || this.jobs.get(f)?.wantsPlan === false,
    });
    for await (const item of items) {
      if (this.finished || item.fileIndex > this.stopAfter) break;
      let job = this.jobs.get(item.fileIndex);
      if (job === undefined) {
        job = new FileJob(this, item.fileIndex, this.files[item.fileIndex]!);
        this.jobs.set(item.fileIndex, job);
      }
      job.accept(item);
      await this.executor.waitForRoom(this.queueLimit);
    }
  }

  /** A file's outcome is final. */
  settled(job: FileJob): void {
    if (this.finished) return;
    if (job.outcome !== undefined && 'error' in job.outcome && job.index < this.stopAfter) {
      this.stopAfter = job.index;
      this.executor.cancel((f) => f > job.index, true);
    }
    this.advance();
  }

  /** Merge finished files in input order. */
  private advance(): void {
    while (!this.finished) {
      const job = this.jobs.get(this.cursor);
      if (job?.outcome === undefined) break;
      if ('error' in job.outcome) return this.fail(job.outcome.error);
      const r = job.outcome.result;
      // as analyzeSequential does
      this.merged = appendResult(this.merged, r, this.files.length === 1);
      this.jobs.delete(this.cursor);
      this.cursor++;
      if (this.cursor === this.files.length) {
        this.finished = true;
        this.resolve(this.merged);
        return;
      }
      this.jobs.get(this.cursor)?.startInThread();
    }
    this.executor.pump();
  }

  /** True when the file at `index` may start a main-thread run now. */
  isCursor(index: number): boolean {
    return !this.finished && index === this.cursor;
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

/** The tasks and partial results of one file. */
class FileJob {
  outcome: Outcome | undefined;
  /** 'split': ranges; 'whole': one task; 'fallback': ranges failed, read whole */
  private mode: 'open' | 'whole' | 'split' | 'fallback' | 'settled' = 'open';
  private outstanding = 0;
  private ended = false;
  private inThreadPending = false;
  private skeleton: ByteRange[] | undefined;
  private skeletonReply: { liveFrom: number; gapNewlines: number[] } | undefined;
  private ranges = 0;
  // states of the live ranges (after the last reset), merged in shard order
  private liveFrom = 0;
  private merged: ShardResult = emptyShard();
  private nextMerge = 0;
  private waiting = new Map<number, ShardResult>();
  private malformedByShard = new Map<number, MalformedSummary>();
  private newlines: number[] = [];

  constructor(
    private readonly run: ParallelRun,
    readonly index: number,
    private readonly file: Input,
  ) {}

  /** false once the plan's remaining items would be ignored */
  get wantsPlan(): boolean {
    return this.mode === 'open' || this.mode === 'split';
  }

  private get common() {
    const o = this.run.opts;
    return { file: this.file.path, fileForMessages: this.file.path, parser: o.parser, strict: o.strict };
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
        this.outstanding++;
        const k = item.shardIndex;
        const task: TaskInput = {
          ...this.common,
          kind: item.format === 'array' ? 'array-range' : 'jsonl-range',
          start: item.start,
          end: item.end,
          prefix: [this.index, k],
        };
        this.run.executor.run(task, this.index).then(
          (reply) => this.onRange(k, reply),
          (err: unknown) => this.onFailure(err),
        );
        return;
      }
      case 'reset':
        // every range so far belongs to an earlier "sessions" array: checked, not counted
        this.mode = 'split';
        this.liveFrom = item.shardIndex;
        this.merged = emptyShard();
        this.nextMerge = item.shardIndex;
        this.waiting.clear();
        this.malformedByShard.clear();
        return;
      case 'end':
        this.mode = 'split';
        this.ended = true;
        this.skeleton = item.skeleton;
        if (item.skeleton !== undefined) {
          this.outstanding++;
          this.run.executor.run({ ...this.common, kind: 'skeleton', size: item.size, ranges: item.skeleton }, this.index).then(
            (reply) => this.onSkeleton(reply),
            (err: unknown) => this.onFailure(err),
          );
        }
        this.maybeFinish();
        return;
    }
  }

  private onRange(k: number, reply: FinalReply): void {
    this.outstanding--;
    if (this.mode !== 'split') return;
    if (reply.type !== 'done') return this.fallback(`shard ${k}: ${reply.type === 'error' ? reply.error.message : reply.type}`);
    this.newlines[k] = reply.newlines;
    if (k >= this.liveFrom) {
      this.waiting.set(k, reply.shard);
      this.malformedByShard.set(k, reply.shard.malformed);
      for (let s = this.waiting.get(this.nextMerge); s !== undefined; s = this.waiting.get(this.nextMerge)) {
        this.merged = mergeShards(this.merged, s);
        this.waiting.delete(this.nextMerge++);
      }
    }
    this.maybeFinish();
  }

  private onSkeleton(reply: FinalReply): void {
    this.outstanding--;
    if (this.mode !== 'split') return;
    if (reply.type !== 'skeleton') return this.fallback(`skeleton: ${reply.type === 'error' ? reply.error.message : reply.type}`);
    this.skeletonReply = { liveFrom: reply.liveFrom, gapNewlines: reply.gapNewlines };
    this.maybeFinish();
  }

  /** A task crashed or was cancelled. */
  private onFailure(err: unknown): void {
    this.outstanding--;
    if (err instanceof Cancelled || this.mode === 'fallback' || this.mode === 'settled') return;
    this.settle({ error: asAnalyzerError(err) });
  }

  private maybeFinish(): void {
    if (this.mode !== 'split' || !this.ended || this.outstanding > 0) return;
    // the decoder must see the "sessions" arrays where the boundary pass did
    if (this.skeleton !== undefined && this.skeletonReply?.liveFrom !== this.liveFrom) {
      return this.fallback(`skeleton: the live ranges start at ${this.skeletonReply?.liveFrom}, the plan says ${this.liveFrom}`);
    }
    if (this.nextMerge !== Math.max(this.ranges, this.liveFrom)) return this.fallback('not every range was merged');
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
    this.settle({ result: fileResult(this.file.path, { ...this.merged, malformed }) });
  }

  /** A range or the skeleton failed, or the plan gave up: the file is analysed again, whole. */
  private fallback(why: string): void {
    if (!this.wantsPlan) return;
    this.mode = 'fallback';
    this.run.onFallback?.(this.file.path, why);
    this.merged = emptyShard();
    this.waiting.clear();
    this.malformedByShard.clear();
    this.run.executor.cancel((f) => f === this.index, false);
    this.runWhole(true);
  }

  private runWhole(urgent: boolean): void {
    // a stream's first bytes were read here when it was classified: the rest must be read here too
    if (this.file.transport !== 'file' || this.run.files.length === 1) {
      this.inThreadPending = true;
      this.startInThread();
      return;
    }
    this.outstanding++;
    const { stream: _stream, ...input } = this.file;
    const task: TaskInput = { ...this.common, kind: 'whole', fileIndex: this.index, input };
    this.run.executor.run(task, this.index, urgent).then(
      (reply) => {
        this.outstanding--;
        if (reply.type === 'done') this.settle({ result: fileResult(this.file.path, reply.shard) });
        else if (reply.type === 'error') this.settle({ error: fromWire(reply.error) });
        else this.settle({ error: new AnalyzerError('FP_INTERNAL', `Unexpected worker reply '${reply.type}' for a whole file`) });
      },
      (err: unknown) => {
        this.outstanding--;
        if (err instanceof Cancelled || this.mode === 'settled') return;
        this.settle({ error: asAnalyzerError(err) });
      },
    );
  }

  /** The whole file on this thread, exactly as `analyzeSequential` reads it; once it is the oldest unmerged file. */
  startInThread(): void {
    if (!this.inThreadPending || !this.run.isCursor(this.index)) return;
    this.inThreadPending = false;
    this.outstanding++;
    const o = this.run.opts;
    const p = this.run.progress;
    // stdin, other streams and gzip in the reference's format: read (and inflate) here, decode in a worker
    const k = this.file.kind;
    if ((k === 'stdin' || k === 'stream' || k === 'gzip') && o.workers > 1) return this.runStream();
    analyzeInput(this.file, this.index, {
      parser: o.parser,
      strict: o.strict,
      onBytes: (n) => p.bytes(n),
      onSession: () => p.sessions(1),
    }).then(
      (r) => {
        this.outstanding--;
        this.settle({ result: fileResult(this.file.path, r) });
      },
      (err: unknown) => {
        this.outstanding--;
        this.settle({ error: err });
      },
    );
  }

  /**
   * The file read on this thread and decoded in a worker, in transferred chunks with
   * at most STREAM_INFLIGHT unacknowledged: reading and gunzip overlap with decoding.
   * A read error is sent after the chunks before it, so the worker reports whichever
   * comes first in the byte stream, as the single-thread path does.
   */
  private runStream(): void {
    this.outstanding++;
    const p = this.run.progress;
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
        for await (const chunk of openBytes(this.file, (n) => p.bytes(n))) {
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
    const done = () => {
      stopped = true;
      this.outstanding--;
      resume();
    };
    this.run.executor
      .run(task, this.index, true, {
        onStart: (worker, id) => void feed(worker, id),
        onAck: () => {
          inflight--;
          resume();
        },
      })
      .then(
        (reply) => {
          done();
          if (reply.type === 'done') this.settle({ result: fileResult(this.file.path, reply.shard) });
          else if (reply.type === 'error') this.settle({ error: fromWire(reply.error) });
          else this.settle({ error: new AnalyzerError('FP_INTERNAL', `Unexpected worker reply '${reply.type}' for a stream`) });
        },
        (err: unknown) => {
          done();
          if (err instanceof Cancelled || this.mode === 'settled') return;
          this.settle({ error: asAnalyzerError(err) });
        },
      );
  }

  private settle(outcome: Outcome): void {
    if (this.mode === 'settled') return;
    this.mode = 'settled';
    this.outcome = outcome;
    this.merged = emptyShard();
    this.waiting.clear();
    this.malformedByShard.clear();
    this.run.settled(this);
  }
}
