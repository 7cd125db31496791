/**
 * The `worker` command stopped by SIGINT/SIGTERM, as a real process against a real Redis: idle,
 * it leaves at once by the signal; holding a job, it finishes it (first signal) or hands it back
 * to the queue at once (second signal), where another worker takes it. Either way one line on
 * stderr, nothing on stdout, no temporary file left. Needs redis-server (.ci/run installs it):
 * skipped loudly without it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toolVersion } from '../../src/cache/version.js';
import { queueName } from '../../src/distributed/_jobs.js';
import { runCli } from '../helpers.js';
import { hasRedisServer, sharedRedisUrl, startRedis, type TestRedis } from './_redis-server.js';

const envUrl = sharedRedisUrl(2); // a database of its own: see sharedRedisUrl
const available = envUrl !== undefined || hasRedisServer();
if (!available) {
  console.warn(
    'SKIPPED test/distributed/run-worker.test.ts: no Redis (set FLEET_PROPOSALS_TEST_REDIS_URL or install redis-server; .ci/run does both)',
  );
}

const CLI = path.resolve('dist/cli.js');
const root = mkdtempSync(path.join(os.tmpdir(), 'fp-worker-stop-'));
const shared = path.join(root, 'shared');
const started: ChildProcess[] = [];
let ownRedis: TestRedis | undefined;
let url = envUrl ?? '';

interface WorkerProcess {
  proc: ChildProcess;
  /** BullMQ's name of it (a job's processedBy) */
  name: string;
  /** its TMPDIR: where its private copies of agent logs go */
  tmp: string;
  stdout: () => string;
  stderr: () => string;
  /** how it ended */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** A worker process, once connected; its temporary folder is its own, so that what it leaves shows. */
async function startWorkerProcess(): Promise<WorkerProcess> {
  const tmp = mkdtempSync(path.join(root, 'tmp-'));
  const proc = spawn(process.execPath, [CLI, 'worker', '--redis', url], {
    env: { ...process.env, TMPDIR: tmp, FLEET_PROPOSALS_SHARED_DIR: shared },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(proc);
  let out = '';
  let err = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.once('exit', (code, signal) => resolve({ code, signal })),
  );
  await Promise.race([
    new Promise<void>((resolve) => {
      const ready = () => {
        if (err.includes(' on redis://')) resolve();
      };
      proc.stderr!.on('data', ready);
    }),
    exited.then(({ code }) => Promise.reject(new Error(`worker exited (${code}): ${err}`))),
  ]);
  return { proc, name: `${os.hostname()}:${proc.pid}`, tmp, stdout: () => out, stderr: () => err, exited };
}

/** Its stderr after the start line: what stopping printed. */
function stopLines(w: WorkerProcess): string[] {
  const lines = w
    .stderr()
    .split('\n')
    .filter((l) => l !== '');
  expect(lines[0]).toMatch(/^fleet-proposals worker .* on redis:\/\/127\.0\.0\.1:\d+(\/\d+)?, queue fleet-proposals-/);
  return lines.slice(1);
}

const STOP_LINE = (signal: string) =>
  `fleet-proposals worker: ${signal}: stopping after the running jobs (10 s at most, then they go back to the queue; a second ${signal}: at once)`;

/** `w` ended by `signal` itself (a shell reports 143, 130), said one line, printed nothing, and left no temporary file. */
async function expectCleanStop(w: WorkerProcess, signal: NodeJS.Signals): Promise<void> {
  expect(await w.exited).toEqual({ code: null, signal });
  expect(stopLines(w)).toEqual([STOP_LINE(signal)]);
  expect(w.stdout()).toBe('');
  expect(readdirSync(w.tmp)).toEqual([]); // its copies of agent logs included
}

/** A gzipped Claude Code log of ~40 MB: a job of a second or more, read through a temporary copy. */
function bigAgentLog(): string {
  const lines = readFileSync(path.resolve('fixtures/agents/claude-code/-home-dev-alpha/split-and-parallel.jsonl'));
  const file = path.join(root, 'big.jsonl.gz');
  writeFileSync(file, gzipSync(Buffer.concat(Array.from({ length: Math.ceil(40e6 / lines.length) }, () => lines)), { level: 1 }));
  return file;
}

const report = ['--format', 'json', '--threshold', '0', '--workers', '1'];

/** The run's shard job once `w` holds it (polled: the job runs a second or more). */
async function heldShard(queue: Queue, w: WorkerProcess): Promise<string> {
  for (let i = 0; i < 3000; i++) {
    const mine = (await queue.getJobs(['active'])).find((j) => j.name === 'shard' && j.processedBy === w.name);
    if (mine !== undefined) return mine.id!;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('the worker never took the shard job');
}

describe.skipIf(!available)('the worker command stopped by a signal', () => {
  let log: string;
  let local: Awaited<ReturnType<typeof runCli>>;
  let queue: Queue;

  beforeAll(async () => {
    mkdirSync(shared);
    process.env['FLEET_PROPOSALS_SHARED_DIR'] = shared;
    if (envUrl === undefined) {
      ownRedis = await startRedis(false);
      url = ownRedis.url;
    }
    queue = new Queue(queueName(toolVersion()), { connection: { url } });
    log = bigAgentLog();
    local = await runCli(['--input', log, ...report]);
    expect(local.code).toBe(0);
  }, 60_000);

  afterAll(async () => {
    for (const p of started) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
    await queue?.close();
    await ownRedis?.stop();
    rmSync(root, { recursive: true, force: true });
  }, 60_000);

  /** A new worker takes what is left of `run`, which then ends with the report the run gives without Redis. */
  async function expectRunFinishedByAnother(run: ReturnType<typeof runCli>): Promise<void> {
    const b = await startWorkerProcess();
    const r = await run;
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(local.stdout);
    b.proc.kill('SIGTERM');
    await b.exited;
  }

  it.each(['SIGTERM', 'SIGINT'] as const)(
    'idle, %s ends it at once by that signal, with one line',
    async (signal) => {
      const w = await startWorkerProcess();
      const t0 = Date.now();
      w.proc.kill(signal);
      await expectCleanStop(w, signal);
      expect(Date.now() - t0).toBeLessThan(5000);
    },
    30_000,
  );

  it('holding a job, SIGTERM lets it finish, then ends by the signal; the run completes with the local report', async () => {
    const a = await startWorkerProcess();
    const run = runCli(['--input', log, '--redis', url, ...report]);
    const id = await heldShard(queue, a);
    a.proc.kill('SIGTERM');
    await expectCleanStop(a, 'SIGTERM');
    // finished by the worker that held it, not handed back
    expect(await queue.getJobState(id)).toBe('completed');
    await expectRunFinishedByAnother(run); // the merge job
  }, 120_000);

  it('holding a job, a second SIGTERM hands it back to the queue at once (not when its 30 s lock expires); another worker runs it', async () => {
    const a = await startWorkerProcess();
    const run = runCli(['--input', log, '--redis', url, ...report]);
    const id = await heldShard(queue, a);
    a.proc.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 100));
    a.proc.kill('SIGTERM');
    await expectCleanStop(a, 'SIGTERM'); // the copy of the log the job was reading is gone too
    expect(await queue.getJobState(id)).toBe('waiting');
    await expectRunFinishedByAnother(run); // the handed-back shard, then the merge
  }, 120_000);
});
