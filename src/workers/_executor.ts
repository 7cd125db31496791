/**
 * The executor: shard-worker threads running one task each, fed from one queue.
 * It speaks the worker protocol (_protocol.ts) and knows nothing of files, plans or
 * merges: every task carries a `group` (the pool passes the file's index), by which
 * the owner gates when tasks may start and which tasks to drop.
 *
 * - Workers start lazily, at most `max`, and are reused until `close`. With `inThread`, the
 *   calling thread is one of the `max` threads: it runs a task itself whenever it has none
 *   (every kind but a stream), and at most `max - 1` workers start (see `inThread`).
 * - The queue is FIFO; `urgent` tasks go first (the pool's oldest unmerged file).
 *   The head waits while `canStart(group)` says no (the pool's look-ahead window).
 * - A task resolves with the worker's final reply, errors included (`{type: 'error'}`);
 *   it rejects with `Cancelled` when dropped, and with FP_INTERNAL when its worker died.
 *
 * Why not p-limit (a dependency of the project): its queue has no priority, drops
 * queued calls only all at once (`clearQueue`), and cannot hold its head on a
 * condition; the pool needs all three.
 */
import { Worker } from 'node:worker_threads';
import type { AnalyzerState } from '../accumulators/index.js';
import { AnalyzerError } from '../errors.js';
import { unpackReply, type FinalReply, type WorkerReply, type WorkerTask } from './_protocol.js';
import type { LocalTask, TaskHooks } from './_tasks.js';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** A task as its owner writes it: the executor numbers it. */
export type TaskInput = DistributiveOmit<WorkerTask, 'id'>;

/** A task dropped because its owner stopped wanting it (the run stops, or its file is read whole instead). */
export class Cancelled extends Error {
  override readonly name = 'Cancelled';
}

/** For stream tasks: the worker the task started on, and its flow-control acks. */
export interface StreamHooks {
  onStart(worker: Worker, id: number): void;
  onAck(): void;
}

export interface ExecutorOptions {
  /** most worker threads at once */
  max: number;
  /** the compiled worker entry */
  script: URL;
  /** bytes read and sessions added, as the workers report them */
  onProgress(bytes: number, sessions: number): void;
  /** false: the queue's head (a task of `group`) must wait; asked again at every `pump` */
  canStart(group: number): boolean;
  /**
   * Runs a task on the calling thread (to its final reply; `hooks.signal` aborts it). Given and
   * `max` > 1, the calling thread counts as one of the `max` threads instead of waiting for the
   * workers' replies: one isolate less to start, warm up and collect.
   */
  inThread?: (task: LocalTask, hooks: TaskHooks) => Promise<FinalReply>;
}

interface Job {
  task: WorkerTask;
  group: number;
  resolve: (r: FinalReply) => void;
  reject: (e: unknown) => void;
  hooks: StreamHooks | undefined;
  /** asked for `TaskHooks.into` if the task starts on the calling thread */
  offer: (() => AnalyzerState | undefined) | undefined;
}

interface Slot {
  worker: Worker;
  current: Job | undefined;
  dead: boolean;
}

/** The calling thread as a slot: `running` until its task has stopped, even when that task was cancelled. */
interface LocalSlot {
  current: Job | undefined;
  running: Promise<void> | undefined;
  abort: AbortController | undefined;
}

export class Executor {
  private readonly slots = new Set<Slot>();
  private idle: Slot[] = [];
  private readonly queue: Job[] = [];
  private readonly exits: Promise<unknown>[] = [];
  private roomWaiters: { limit: number; wake: () => void }[] = [];
  private nextId = 1;
  private closed = false;
  private readonly local: LocalSlot | undefined;
  private readonly maxWorkers: number;

  constructor(private readonly opts: ExecutorOptions) {
    const inThread = opts.inThread !== undefined && opts.max > 1;
    this.local = inThread ? { current: undefined, running: undefined, abort: undefined } : undefined;
    this.maxWorkers = inThread ? opts.max - 1 : opts.max;
  }

  /**
   * Queue a task; `urgent` puts it first. Resolves with the worker's final reply; rejects on crash or cancel.
   * `offer`: asked as the task starts, if it starts on the calling thread, for a state to add its records
   * to (`TaskHooks.into`; a worker's task makes its own).
   */
  run(input: TaskInput, group: number, urgent = false, hooks?: StreamHooks, offer?: () => AnalyzerState | undefined): Promise<FinalReply> {
    if (this.closed) return Promise.reject(new Cancelled());
    return new Promise<FinalReply>((resolve, reject) => {
      const job: Job = { task: { ...input, id: this.nextId++ } as WorkerTask, group, resolve, reject, hooks, offer };
      if (urgent) this.queue.unshift(job);
      else this.queue.push(job);
      this.pump();
    });
  }

  /** Start queued tasks on idle (or new) workers, in queue order; call when `canStart` may say yes again. */
  pump(): void {
    while (!this.closed && this.queue.length > 0 && this.opts.canStart(this.queue[0]!.group)) {
      const head = this.queue[0]!;
      if (this.local !== undefined && this.local.running === undefined && head.task.kind !== 'stream') {
        this.queue.shift();
        this.runLocal(this.local, head, head.task);
        continue;
      }
      let slot = this.idle.pop();
      if (slot === undefined) {
        if (this.slots.size >= this.maxWorkers) break;
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

  /** Drop queued tasks whose group matches (and, with `running`, terminate the workers running one). */
  cancel(matches: (group: number) => boolean, running: boolean): void {
    for (let i = this.queue.length - 1; i >= 0; i--) {
      const job = this.queue[i]!;
      if (matches(job.group)) {
        this.queue.splice(i, 1);
        job.reject(new Cancelled());
      }
    }
    if (running) {
      for (const slot of [...this.slots]) {
        if (slot.current !== undefined && matches(slot.current.group)) this.kill(slot);
      }
      const job = this.local?.current;
      if (job !== undefined && matches(job.group)) this.stopLocal();
    }
    this.pump();
  }

  /** Terminate every worker (awaited) and cancel what is left. */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new Cancelled());
    for (const slot of [...this.slots]) this.kill(slot);
    this.stopLocal();
    this.wakeRoomWaiters();
    await Promise.allSettled([...this.exits, this.local?.running]);
  }

  /** Run `job` on the calling thread, from a fresh turn of the event loop (pump may run inside a reply's handler). */
  private runLocal(local: LocalSlot, job: Job, task: LocalTask): void {
    const abort = new AbortController();
    local.current = job;
    local.abort = abort;
    const progress = (bytes: number, sessions: number) => this.opts.onProgress(bytes, sessions);
    local.running = new Promise<void>((ready) => setImmediate(ready))
      .then(() => {
        // asked now, as the task starts: the owner's answer depends on what has finished by then
        const into = job.offer?.();
        return this.opts.inThread!(task, { progress, signal: abort.signal, ...(into !== undefined ? { into } : {}) });
      })
      .then(
        (reply) => this.localDone(local, job, () => job.resolve(reply)),
        (err: unknown) =>
          this.localDone(local, job, () =>
            job.reject(new AnalyzerError('FP_INTERNAL', `Task on the calling thread failed: ${(err as Error).message}`, {}, { cause: err })),
          ),
      );
  }

  private localDone(local: LocalSlot, job: Job, settle: () => void): void {
    local.running = undefined;
    local.abort = undefined;
    // a cancelled task was rejected when it was cancelled
    if (local.current === job) {
      local.current = undefined;
      settle();
    }
    this.pump();
  }

  /** Cancel the calling thread's task: rejected now; it stops at its next chunk or session. */
  private stopLocal(): void {
    const local = this.local;
    const job = local?.current;
    if (local === undefined || job === undefined) return;
    local.current = undefined;
    local.abort?.abort(new Cancelled());
    job.reject(new Cancelled());
  }

  private spawn(): Slot {
    // The young generation: 3 MB (chosen when two workers idled beside the calling thread, and
    // fresh read buffers filled the heap) made a worker scavenge 260 times on the dense array, 2.4 s
    // of pauses (--trace-gc, --workers 2, 2026-12-01); 8 MB: 81; 16 MB: 46, as the calling thread's
    // 48, and no fewer with 32 or 48. 16 MB against 3 MB: 0.91x the CPU at the same peak RSS on the
    // dense array (143 MiB, 4 pairs), the same CPU and +6 MiB on the 1 GB array (5 pairs; load 10).
    const worker = new Worker(this.opts.script, { resourceLimits: { maxYoungGenerationSizeMb: 16 } });
    const slot: Slot = { worker, current: undefined, dead: false };
    this.slots.add(slot);
    worker.on('message', (m: WorkerReply) => this.onMessage(slot, m));
    worker.on('error', (err) => this.onCrash(slot, err));
    worker.on('exit', (code) => this.onCrash(slot, new Error(`exited with code ${code}`)));
    return slot;
  }

  private onMessage(slot: Slot, m: WorkerReply): void {
    if (m.type === 'progress') {
      this.opts.onProgress(m.bytes, m.sessions);
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
    try {
      job.resolve(unpackReply(m));
    } catch (err) {
      // a reply this build cannot read is a bug: fail the task rather than leave it waiting forever
      job.reject(new AnalyzerError('FP_INTERNAL', `Unreadable worker reply '${m.type}': ${(err as Error).message}`, {}, { cause: err }));
    }
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
