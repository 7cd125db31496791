/**
 * `fleet-proposals worker --redis URL`: a BullMQ worker that runs shard and
 * merge jobs until SIGINT/SIGTERM (then it finishes its current jobs and
 * leaves). A killed worker loses nothing: its job's lock expires, BullMQ's
 * stalled-job check puts the job back, and another worker runs it.
 *
 * Lock: 30 s, renewed every 15 s while a job runs (BullMQ's defaults);
 * FLEET_PROPOSALS_LOCK_MS shortens it (tests: a killed worker's job comes back
 * sooner). A job may stall twice (maxStalledCount) before it fails the run.
 */
import os from 'node:os';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
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

function lockMs(): number {
  const v = Number(process.env['FLEET_PROPOSALS_LOCK_MS']);
  return Number.isInteger(v) && v >= 500 ? v : 30_000;
}

/** Start a worker; resolves with a `close` that waits for the running jobs. */
export async function startWorker(opts: WorkerOptions): Promise<{ close(): Promise<void> }> {
  const connection = connectionFor(opts.redis);
  // fail fast at start; later outages are waited out (BullMQ reconnects)
  await checkReachable(opts.redis);
  const tool = toolVersion();
  const log = opts.log ?? (() => undefined);
  const lock = lockMs();
  const worker = new Worker(
    queueName(tool),
    async (job: Job) => {
      try {
        checkVersion(job.data as { tool: string; stateVersion: number }, tool, STATE_VERSION);
      } catch (err) {
        // no retry: every attempt on this worker would refuse it alike
        throw new UnrecoverableError((err as Error).message);
      }
      if (job.name === 'merge') {
        const values = await job.getChildrenValues<ShardResult>();
        return processMerge(job.data as MergeJobData, Object.values(values));
      }
      let pending = 0;
      const r = await processShard(job.data as ShardJobData, (n) => {
        pending += n;
        if (pending >= 16 << 20) {
          void job.updateProgress({ bytes: pending }).catch(() => undefined);
          pending = 0;
        }
      });
      return r;
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
    async close() {
      // running jobs get 10 s to finish (a job left unfinished is retried elsewhere once its lock expires)
      const within = async (p: Promise<unknown>, ms: number) => {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([p.catch(() => undefined), new Promise((r) => (timer = setTimeout(r, ms)))]);
        clearTimeout(timer);
      };
      await within(worker.close(), 10_000);
      await within(worker.disconnect(), 3_000);
    },
  };
}
