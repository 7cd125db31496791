/**
 * Distributed runs against a real Redis and real worker processes (dist/cli.js
 * worker): the report equals the local one with a worker killed (-9) in the
 * middle of a shard, an invalid shard fails like a local run, a Redis restart
 * is survived (with persistence) or reported (without), a job of another
 * version is refused. Needs redis-server (.ci/run installs it): skipped loudly
 * without it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, promises as fsp, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Queue, QueueEvents } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toolVersion } from '../../src/cache/version.js';
import { queueName } from '../../src/distributed/_jobs.js';
import { runCli } from '../helpers.js';
import { jsonLines } from '../cache/_archive.js';
import { hasRedisServer, sharedRedisUrl, startRedis, type TestRedis } from './_redis-server.js';

const envUrl = sharedRedisUrl(1); // a database of its own: see sharedRedisUrl
const available = envUrl !== undefined || hasRedisServer();
if (!available) {
  console.warn('SKIPPED test/distributed/redis.test.ts: no Redis (set FLEET_PROPOSALS_TEST_REDIS_URL or install redis-server; .ci/run does both)');
}

const CLI = path.resolve('dist/cli.js');
const root = mkdtempSync(path.join(os.tmpdir(), 'fp-dist-'));
const started: ChildProcess[] = [];
let ownRedis: TestRedis | undefined;
let url = envUrl ?? '';

/** A worker process; resolves once it is connected. */
async function startWorkerProcess(redisUrl: string): Promise<ChildProcess> {
  const p = spawn(process.execPath, [CLI, 'worker', '--redis', redisUrl], {
    env: { ...process.env, FLEET_PROPOSALS_LOCK_MS: '1500', FLEET_PROPOSALS_SHARED_DIR: path.join(root, 'shared') },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  started.push(p);
  await new Promise<void>((resolve, reject) => {
    let err = '';
    p.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      if (err.includes(' on redis://')) resolve();
    });
    p.once('exit', (code) => reject(new Error(`worker exited (${code}): ${err}`)));
  });
  return p;
}

async function stopProcess(p: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (p.exitCode !== null || p.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    p.once('exit', () => resolve());
    p.kill(signal);
  });
}

function session(i: number): unknown {
  return {
    session_id: `s${i}`,
    repo: ['api', 'web', 'cli'][i % 3],
    errors: [{ message: `err ${i % 7}` }],
    tool_calls: Array.from({ length: 1 + (i % 17) }, (_, k) => ({ tool: ['Bash', 'Read', 'Edit', 'WebFetch'][k % 4], latency_ms: 37 * i + k })),
    duration_minutes: i % 50,
  };
}

async function archive(name: string, sessions: number): Promise<string> {
  const dir = path.join(root, name);
  await fsp.mkdir(dir, { recursive: true });
  for (let f = 0; f < 3; f++)
    await fsp.writeFile(path.join(dir, `part-${f}.jsonl`), jsonLines(Array.from({ length: sessions }, (_, i) => session(f * sessions + i))));
  await fsp.writeFile(path.join(dir, 'extra.json'), JSON.stringify(Array.from({ length: 100 }, (_, i) => session(-i))));
  return dir;
}

const report = ['--format', 'json', '--threshold', '0', '--workers', '1'];

describe.skipIf(!available)('distributed runs on Redis', () => {
  beforeAll(async () => {
    process.env['FLEET_PROPOSALS_SHARED_DIR'] = path.join(root, 'shared');
    if (envUrl === undefined) {
      ownRedis = await startRedis(false);
      url = ownRedis.url;
    }
    for (let i = 0; i < 3; i++) await startWorkerProcess(url);
  }, 60_000);

  afterAll(async () => {
    for (const p of started) await stopProcess(p);
    await ownRedis?.stop();
    rmSync(root, { recursive: true, force: true });
  }, 60_000);

  it('writes the local report with one of 3 workers killed (-9) in the middle of a shard', async () => {
    const dir = await archive('kill', 4000);
    const local = await runCli(['--input', dir, ...report]);
    const victim = started[0]!;
    const victimName = `${os.hostname()}:${victim.pid}`;
    const queue = new Queue(queueName(toolVersion()), { connection: { url } });
    let killedJob: string | undefined;
    const watch = (async () => {
      // kill the victim while it holds a shard job
      for (let i = 0; i < 600 && killedJob === undefined; i++) {
        const active = await queue.getJobs(['active']);
        const mine = active.find((j) => j.processedBy === victimName && j.name === 'shard');
        if (mine !== undefined) {
          victim.kill('SIGKILL');
          killedJob = mine.id;
        } else await new Promise((r) => setTimeout(r, 20));
      }
    })();
    const distributed = await runCli(['--input', dir, '--redis', url, '--shard-size', '128KB', ...report]);
    await watch;
    await queue.close();
    expect(killedJob).toBeDefined();
    expect(distributed.code).toBe(0);
    expect(distributed.stdout).toBe(local.stdout);
    started.push(await startWorkerProcess(url)); // back to 3 for the next tests
  }, 120_000);

  it("fails an invalid shard with the local run's located error, without retries", async () => {
    const dir = await archive('invalid', 1500);
    const p = path.join(dir, 'part-1.jsonl');
    const lines = (await fsp.readFile(p, 'utf8')).split('\n');
    lines[900] = '{"session_id": "cut", "errors": [';
    await fsp.writeFile(p, lines.join('\n'));
    const local = await runCli(['--input', dir, ...report]);
    const events = new QueueEvents(queueName(toolVersion()), { connection: { url } });
    let failures = 0;
    events.on('failed', () => failures++);
    await events.waitUntilReady();
    const distributed = await runCli(['--input', dir, '--redis', url, '--shard-size', '64KB', ...report]);
    await events.close();
    expect(local.code).toBe(3);
    expect(local.stderr).toMatch(/line 901 in /);
    expect(distributed.code).toBe(3);
    expect(distributed.stderr).toBe(local.stderr);
    expect(failures).toBe(0);
  }, 120_000);

  it('refuses a job of another version and says why', async () => {
    const queue = new Queue(queueName(toolVersion()), { connection: { url } });
    // listening before the job exists: a fast worker fails it before a late listener would hear it
    const events = new QueueEvents(queue.name, { connection: { url } });
    await events.waitUntilReady();
    const job = await queue.add('shard', { tool: '0.0.0-old', stateVersion: 1 }, { attempts: 3 });
    const error = await job.waitUntilFinished(events, 30_000).then(
      () => undefined,
      (e: Error) => e.message,
    );
    const after = await queue.getJob(job.id!);
    await events.close();
    await job.remove().catch(() => undefined);
    await queue.close();
    expect(error).toMatch(/Version mismatch: this worker is fleet-proposals .* submitted by 0\.0\.0-old/);
    expect(after?.attemptsMade).toBe(1);
  }, 60_000);

  it('stops at once with a clear error when Redis cannot be reached', async () => {
    const r = await runCli(['--input', await archive('unreachable', 10), '--redis', 'redis://127.0.0.1:1', ...report]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^fleet-proposals: Cannot reach Redis: .*, at redis:\/\/127\.0\.0\.1:1/m);
  });
});

describe.skipIf(!hasRedisServer())('distributed runs across a Redis restart', () => {
  const procs: ChildProcess[] = [];
  afterAll(async () => {
    for (const p of procs) await stopProcess(p);
  }, 60_000);

  it.each([
    ['survives it when Redis keeps its data', true],
    ['reports it when Redis lost the jobs', false],
  ])(
    '%s',
    async (_name, persist) => {
      const redis = await startRedis(persist);
      try {
        const dir = await archive(`restart-${persist}`, 3000);
        const local = await runCli(['--input', dir, ...report]);
        // no worker yet: the run's jobs wait in Redis while it restarts, whatever the machine's speed
        const run = runCli(['--input', dir, '--redis', redis.url, '--shard-size', '64KB', ...report]);
        await new Promise((r) => setTimeout(r, 3000));
        await redis.restart();
        for (let i = 0; i < 2; i++) procs.push(await startWorkerProcess(redis.url));
        const distributed = await run;
        if (persist) {
          expect(distributed.stderr).toBe(local.stderr);
          expect(distributed.code).toBe(0);
          expect(distributed.stdout).toBe(local.stdout);
        } else {
          expect(distributed.code).toBe(3);
          expect(distributed.stderr).toMatch(/Redis lost the run's jobs \(restarted without persistence\?\); run again/);
        }
      } finally {
        for (const p of procs.splice(0)) await stopProcess(p);
        await redis.stop();
      }
    },
    120_000,
  );
});
