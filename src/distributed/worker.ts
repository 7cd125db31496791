/**
 * `fleet-proposals worker --redis URL`: a BullMQ worker that runs shard and
 * merge jobs until it is closed (SIGINT/SIGTERM: run-worker.ts). Closing stops
 * taking jobs and gives the running ones STOP_GRACE_MS to finish; one still
 * running then (or when the caller says now: a second signal) is handed back to
 * the queue at once (`moveToWait`), where another worker takes it. A killed
 * worker loses nothing either: its job's lock expires, BullMQ's stalled-job
 * check puts the job back, and another worker runs it.
 *
 * Lock: 30 s, renewed every 15 s while a job runs (BullMQ's defaults);
 * FLEET_PROPOSALS_LOCK_MS shortens it (tests: a killed worker's job comes back
 * sooner). A job may stall twice (maxStalledCount) before it fails the run.
 */
import os from 'node:os';
import { UnrecoverableError, WaitingError, Worker, type Job } from 'bullmq';
import { STATE_VERSION } from '../cache/engine.js';
import { toolVersion } from '../cache/version.js';
import { queueName, type MergeJobData, type ShardJobData, type ShardResult } from './_jobs.js';
import { checkReachable, connectionFor, describeRedis } from './_redis.js';
import { checkVersion, processMerge, processShard } from './process-jobs.js';

export interface WorkerOptions {
  redis: string;
  /** jobs at once (default 1: run one worker process per core) */
  concurrency?: number;
  log?: (line: string) => void;
}

/** How long a closing worker waits for its running jobs before it hands them back. */
export const STOP_GRACE_MS = 10_000;

/** A started worker. */
export interface RunningWorker {
  /**
   * Stop taking jobs; the running ones get STOP_GRACE_MS to finish, or until `now` settles, then
   * go back to the queue for another worker. Resolves once the connections are closed.
   */
  close(now?: Promise<unknown>): Promise<void>;
}

/** What a job's processor sees when its job is handed back instead of finished. */
const HANDED_BACK = Symbol('handed back');

function lockMs(): number {
  const v = Number(process.env['FLEET_PROPOSALS_LOCK_MS']);
  return Number.isInteger(v) && v >= 500 ? v : 30_000;
}

/** Start a worker; resolves once it is connected. */
export async function startWorker(opts: WorkerOptions): Promise<RunningWorker> {
  const connection = connectionFor(opts.redis);
  // fail fast at start; later outages are waited out (BullMQ reconnects)
  await checkReachable(opts.redis);
  const tool = toolVersion();
  const log = opts.log ?? (() => undefined);
  const lock = lockMs();
  /** One per running job: hand it back to the queue (its processor stops waiting for the work). */
  const handBacks = new Set<() => void>();
  const worker = new Worker(
    queueName(tool),
    async (job: Job, token?: string) => {
      try {
        checkVersion(job.data as { tool: string; stateVersion: number }, tool, STATE_VERSION);
      } catch (err) {
        // no retry: every attempt on this worker would refuse it alike
        throw new UnrecoverableError((err as Error).message);
      }
      const work = runJob(job);
      let handBack: (() => void) | undefined;
      const back = new Promise<typeof HANDED_BACK>((resolve) => (handBack = () => resolve(HANDED_BACK)));
      handBacks.add(handBack!);
      try {
        const r = await Promise.race([work, back]);
        if (r !== HANDED_BACK) return r;
        work.catch(() => undefined); // dropped: another worker runs the job again, and this process is leaving
        // back to the waiting list now, not when the lock expires; if Redis refuses, the lock expiry still does it
        await job.moveToWait(token).catch(() => undefined);
        throw new WaitingError(); // BullMQ then neither completes nor fails the job
      } finally {
        handBacks.delete(handBack!);
      }
    },
    {
      connection,
      concurrency: Math.max(1, opts.concurrency ?? 1),
      name: `${os.hostname()}:${process.pid}`,
      lockDuration: lock,
      stalledInterval: lock,
      maxStalledCount: 2,
    },
  );
  worker.on('error', (err) => log(`fleet-proposals worker: Redis: ${err.message}`));
  worker.on('failed', (job, err) => log(`fleet-proposals worker: job ${job?.id ?? '?'} failed: ${err.message}`));
  await worker.waitUntilReady();
  log(`fleet-proposals worker ${tool} on ${describeRedis(opts.redis)}, queue ${queueName(tool)}`);
  return {
    async close(now) {
      const closing = worker.close(); // takes no more jobs; settles when the running ones have
      await within(closing, STOP_GRACE_MS, now);
      for (const handBack of handBacks) handBack();
      await within(closing, 3_000);
      await within(worker.disconnect(), 3_000);
    },
  };
}

/** A job's work: a merge of the shards' states, or a shard. */
async function runJob(job: Job): Promise<unknown> {
  if (job.name === 'merge') {
    const values = await job.getChildrenValues<ShardResult>();
    return processMerge(job.data as MergeJobData, Object.values(values));
  }
  let pending = 0;
  return processShard(job.data as ShardJobData, (n) => {
    pending += n;
    if (pending >= 16 << 20) {
      void job.updateProgress({ bytes: pending }).catch(() => undefined);
      pending = 0;
    }
  });
}

/** Until `p` settles, `ms` pass or `early` settles, whichever comes first (a Redis gone must not hold a close forever). */
async function within(p: Promise<unknown>, ms: number, early?: Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const waits = [p.catch(() => undefined), new Promise((r) => (timer = setTimeout(r, ms)))];
  if (early !== undefined) waits.push(early.catch(() => undefined));
  await Promise.race(waits);
  clearTimeout(timer);
}
