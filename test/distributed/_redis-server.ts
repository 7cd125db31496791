/**
 * Redis for the distributed tests: the server .ci/run started (its URL in
 * FLEET_PROPOSALS_TEST_REDIS_URL), or one started here from the redis-server
 * binary on a free 127.0.0.1 port. Never anything but 127.0.0.1.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';

export function hasRedisServer(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export async function waitForPing(url: string, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    const c = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    c.on('error', () => undefined);
    try {
      await c.connect();
      await c.ping();
      return;
    } catch (err) {
      if (Date.now() > until) throw err;
      await new Promise((r) => setTimeout(r, 100));
    } finally {
      c.disconnect();
    }
  }
}

export interface TestRedis {
  url: string;
  /** stop (SIGTERM: with `persist`, Redis writes its data first) and start again on the same port */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** A redis-server of our own; `persist`: keep the data across a restart (an RDB snapshot on shutdown). */
export async function startRedis(persist: boolean): Promise<TestRedis> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fp-redis-'));
  const url = `redis://127.0.0.1:${port}`;
  let proc: ChildProcess | undefined;
  const start = async () => {
    proc = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', persist ? '3600 1' : '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    await waitForPing(url);
  };
  const halt = async () => {
    const p = proc;
    proc = undefined;
    if (p === undefined || p.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      p.once('exit', () => resolve());
      p.kill('SIGTERM');
    });
  };
  await start();
  return {
    url,
    async restart() {
      await halt();
      await start();
    },
    async stop() {
      await halt();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Database `db` of the Redis that FLEET_PROPOSALS_TEST_REDIS_URL names (.ci/run starts one for the
 * whole suite), or undefined without it. Each test file that runs worker processes takes a database
 * of its own: the files run at once, and their workers, on the version's one queue name, took each
 * other's jobs (CI, 2026-12-02: a worker of run-worker.test.ts held redis.test.ts's job, and both failed).
 */
export function sharedRedisUrl(db: number): string | undefined {
  const url = process.env['FLEET_PROPOSALS_TEST_REDIS_URL'];
  if (url === undefined || url === '') return undefined;
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}
