/**
 * `fleet-proposals --input PATH --redis URL`: plan shards with the local
 * planner, submit them as one BullMQ flow (a child job per shard, a parent
 * `merge` job that runs once every child is done and merges their states in
 * shard order, see process-jobs.ts), wait, and hand back the merged state: the
 * report is then written exactly as after a local run.
 *
 * Waiting polls the parent's state (every 250 ms) rather than trusting one
 * event: a Redis restart with persistence is survived (every client
 * reconnects, the jobs are still there); one that lost the data is reported
 * ("Redis lost the run's jobs"); Redis unreachable for REDIS_DOWN_MS fails the
 * run with a message that says so. A child that fails for good (a worker bug,
 * a job stalled more than twice, a version refused) fails its parent, and the
 * run, with that child's reason. Input errors are not failures: see
 * process-jobs.ts. The run's jobs and spilled states are removed at the end.
 */
import { randomUUID } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FlowProducer, Queue, QueueEvents, type FlowJob } from 'bullmq';
import { STATE_VERSION, type AnalysisResult } from '../cache/engine.js';
import { toolVersion } from '../cache/version.js';
import { AnalyzerError, fromWire } from '../errors.js';
import type { Input as InputFile } from '../input/classify.js';
import type { ParserKind } from '../options.js';
import { DEFAULT_SPILL_BYTES, queueName, type MergeJobData, type MergeResult, type ShardJobData } from './_jobs.js';
import { planDistributed } from './_plan.js';
import type { ProgressLine } from './_progress-line.js';
import { checkReachable, connectionFor, describeRedis } from './_redis.js';
import { getState } from './_state-ref.js';

export const DEFAULT_DISTRIBUTED_SHARD_BYTES = 256 * 1024 * 1024;
const POLL_MS = 250;
const REDIS_DOWN_MS = 60_000;
const NO_WORKER_WARN_MS = 10_000;

export interface DistributedOptions {
  redis: string;
  shardBytes?: number;
  parser: ParserKind;
  strict: boolean;
  from: string;
  /** the analysis profile ('seed', 'fleet') */
  profile: string;
  progress?: ProgressLine;
  warn(line: string): void;
}

function envNumber(name: string, fallback: number): number {
  const v = Number(process.env[name]);
  return Number.isInteger(v) && v > 0 ? v : fallback;
}

/** The folder for states too big for Redis: it must be on storage every worker sees. */
export function sharedDir(): string {
  return process.env['FLEET_PROPOSALS_SHARED_DIR'] || path.join(os.tmpdir(), 'fleet-proposals-shared');
}

function within<T>(p: Promise<T>, ms: number, what: string, url: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(new AnalyzerError('FP_INPUT', `Lost the connection to Redis for ${Math.round(ms / 1000)} s while ${what}, at ${describeRedis(url)}`)),
      ms,
    );
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** `p`'s value, or undefined after 3 s or on error. */
async function bounded<T>(p: Promise<T> | undefined): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), 3000)));
  try {
    return await Promise.race([(p ?? Promise.resolve(undefined)).catch(() => undefined), late]);
  } finally {
    clearTimeout(timer);
  }
}

export async function analyzeDistributed(files: readonly InputFile[], o: DistributedOptions): Promise<AnalysisResult> {
  if (files.some((f) => f.transport !== 'file')) {
    throw new AnalyzerError('FP_USAGE', 'argument --redis: workers read files from shared storage; stdin and pipes cannot be distributed');
  }
  const connection = connectionFor(o.redis);
  await checkReachable(o.redis);
  const tool = toolVersion();
  const runId = randomUUID();
  const spillDir = path.join(sharedDir(), runId);
  const downMs = envNumber('FLEET_PROPOSALS_REDIS_DOWN_MS', REDIS_DOWN_MS);
  const stamp = {
    tool,
    stateVersion: STATE_VERSION,
    runId,
    spillDir,
    spillBytes: envNumber('FLEET_PROPOSALS_SPILL_BYTES', DEFAULT_SPILL_BYTES),
    parser: o.parser,
    strict: o.strict,
    from: o.from,
    profile: o.profile,
  };
  // fleet evidence lines live in detector state: its files go whole (see workers/pool.ts)
  const shardBytes = o.profile !== 'seed' ? Number.MAX_SAFE_INTEGER : (o.shardBytes ?? DEFAULT_DISTRIBUTED_SHARD_BYTES);
  const plan = await planDistributed(files, shardBytes, o.from);
  const qname = queueName(tool);
  const children: FlowJob[] = [];
  plan.forEach((shards, f) => {
    const file = files[f]!;
    shards.forEach((s, k) => {
      const data: ShardJobData = {
        ...stamp,
        path: path.resolve(file.path),
        display: file.path,
        size: file.size,
        fileIndex: f,
        shardIndex: k,
        shards: shards.length,
        kind: s.kind,
        start: s.kind === 'jsonl' ? s.start : 0,
        end: s.kind === 'jsonl' ? s.end : (file.size ?? 0),
      };
      // attempts: only crashes and lost locks fail a job (input errors are results); 3 tries, 1 s apart
      children.push({
        name: 'shard',
        queueName: qname,
        data,
        opts: { failParentOnFailure: true, attempts: 3, backoff: { type: 'fixed', delay: 1000 } },
      });
    });
  });
  const mergeData: MergeJobData = { ...stamp, files: files.length };

  const queue = new Queue(qname, { connection });
  const flows = new FlowProducer({ connection });
  const events = new QueueEvents(qname, { connection });
  // the clients reconnect on their own; the poll below reports a Redis that stays away
  queue.on('error', () => undefined);
  flows.on('error', () => undefined);
  events.on('error', () => undefined);
  const childIds = new Set<string>();
  let shardsDone = 0;
  let bytes = 0;
  let workers = 0;
  let childFailure: string | undefined;
  events.on('completed', ({ jobId, returnvalue }) => {
    if (!childIds.delete(jobId)) return;
    shardsDone++;
    const r = (typeof returnvalue === 'string' ? JSON.parse(returnvalue) : returnvalue) as { bytes?: number } | null;
    bytes += r?.bytes ?? 0;
  });
  events.on('failed', ({ jobId, failedReason }) => {
    if (childIds.has(jobId) && childFailure === undefined) childFailure = failedReason;
  });
  let parentId: string | undefined;
  try {
    await within(events.waitUntilReady(), downMs, 'starting', o.redis);
    const tree = await within(
      flows.add({ name: 'merge', queueName: qname, data: mergeData, opts: { attempts: 2 }, children }),
      downMs,
      'submitting the jobs',
      o.redis,
    );
    parentId = tree.job.id!;
    for (const c of tree.children ?? []) childIds.add(c.job.id!);
    const started = Date.now();
    let warned = false;
    let lastWorkerPoll = 0;
    for (;;) {
      const state = await within(queue.getJobState(parentId), downMs, 'waiting for the workers', o.redis);
      if (state === 'completed') break;
      if (state === 'failed') {
        const job = await queue.getJob(parentId);
        const reason = childFailure ?? job?.failedReason ?? 'unknown reason';
        throw new AnalyzerError('FP_INTERNAL', `Distributed run failed: ${reason}`);
      }
      if (state === 'unknown') {
        throw new AnalyzerError('FP_INPUT', `Redis lost the run's jobs (restarted without persistence?); run again, at ${describeRedis(o.redis)}`);
      }
      if (Date.now() - lastWorkerPoll >= 1000) {
        lastWorkerPoll = Date.now();
        workers = await within(queue.getWorkersCount(), downMs, 'waiting for the workers', o.redis);
        if (workers === 0 && !warned && Date.now() - started >= NO_WORKER_WARN_MS) {
          warned = true;
          o.warn(
            `No fleet-proposals ${tool} worker is connected to ${describeRedis(o.redis)} (queue ${qname}): start \`fleet-proposals worker --redis URL\` of the same version; waiting`,
          );
        }
      }
      o.progress?.update({ shardsDone, shards: children.length, bytes, workers });
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
    const job = await queue.getJob(parentId);
    const merged = job?.returnvalue as MergeResult | undefined;
    if (merged === undefined) throw new AnalyzerError('FP_INTERNAL', 'Distributed run: the merge job completed without a result');
    if (!merged.ok) throw fromWire(merged.error);
    o.progress?.update({ shardsDone: children.length, shards: children.length, bytes: merged.bytes, workers });
    return await getState(merged.state);
  } finally {
    o.progress?.stop();
    // bounded: with Redis gone these would wait for it forever
    if (parentId !== undefined) {
      const job = await bounded(queue.getJob(parentId));
      await bounded(job?.remove({ removeChildren: true }));
    }
    await fsp.rm(spillDir, { recursive: true, force: true }).catch(() => undefined);
    await bounded(Promise.allSettled([events.close(), flows.close(), queue.close()]));
    // drop the sockets (and their reconnect timers), so the process can end
    await bounded(Promise.allSettled([events.disconnect(), flows.disconnect(), queue.disconnect()]));
  }
}
