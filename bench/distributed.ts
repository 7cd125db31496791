/**
 * bench/distributed.ts — overhead of a distributed run (BullMQ on Redis) against a local run
 * at equal parallelism (issue #14): N worker processes vs `--workers N`, N = 1, 2, 4.
 *
 *   npx tsx bench/distributed.ts [--size 256MB] [--shape folder] [--shard-size 32MB] [--runs 1]
 *
 * Needs redis-server (started here on a free 127.0.0.1 port, stopped at the end). The workers
 * are started (and connected) before the clock starts, as on a cluster where they wait for jobs.
 * Each scenario is a whole child process `node dist/cli.js --input A --format json`; outputs are
 * checked equal to the local --workers 1 report before any time is printed. Scenarios run one
 * after another (never concurrently). On 2 cores nothing scales past 2: the point is the
 * overhead (planning, Redis round trips, state (de)serialisation), as a ratio measured in the
 * same run. Results: see the README ("Many machines").
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { exitWithHelpIfAsked } from './_help.js';
import type { ArchiveShape } from './generate/archive-kinds.js';
import { parseSize } from './generate/sizes.js';
import { generateArchive } from './generate/write-archive.js';

exitWithHelpIfAsked(import.meta.url);

const { values } = parseArgs({
  options: {
    size: { type: 'string', default: '256MB' },
    shape: { type: 'string', default: 'folder' },
    'shard-size': { type: 'string', default: '32MB' },
    runs: { type: 'string', default: '1' },
  },
});

const root = mkdtempSync(path.join(os.tmpdir(), 'fp-bench-dist-'));
const cli = path.resolve('dist/cli.js');
const procs: ChildProcess[] = [];
let cleaned = false;
function cleanup(): void {
  if (cleaned) return;
  cleaned = true;
  for (const p of procs) if (p.exitCode === null) p.kill('SIGTERM');
  rmSync(root, { recursive: true, force: true });
}
process.on('exit', cleanup);

const port = await new Promise<number>((resolve) => {
  const s = net.createServer().listen(0, '127.0.0.1', () => {
    const p = (s.address() as net.AddressInfo).port;
    s.close(() => resolve(p));
  });
});
const url = `redis://127.0.0.1:${port}`;
procs.push(
  spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', root], { stdio: 'ignore' }),
);
for (
  let i = 0;
  i < 50 &&
  spawnSync('redis-cli', ['-p', String(port), 'ping'])
    .stdout?.toString()
    .trim() !== 'PONG';
  i++
)
  await new Promise((r) => setTimeout(r, 100));

const input = path.join(root, values.shape === 'folder' ? 'archive' : `archive.${values.shape === 'jsonl' ? 'jsonl' : 'json'}`);
const gen = await generateArchive({ out: input, shape: values.shape as ArchiveShape, size: parseSize(values.size!), seed: 1 });
console.log(`archive: ${values.shape}, ${(gen.bytes / 1e6).toFixed(0)} MB, ${gen.sessions} sessions`);

function run(args: string[]): { seconds: number; stdout: string } {
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [cli, '--input', input, '--format', 'json', ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    env: { ...process.env, FLEET_PROPOSALS_SHARED_DIR: path.join(root, 'shared') },
  });
  if (r.status !== 0) throw new Error(`exit ${r.status}: ${r.stderr}`);
  return { seconds: Number(process.hrtime.bigint() - t) / 1e9, stdout: r.stdout };
}

async function startWorkers(n: number): Promise<ChildProcess[]> {
  const ws: ChildProcess[] = [];
  for (let i = 0; i < n; i++) {
    const w = spawn(process.execPath, [cli, 'worker', '--redis', url], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, FLEET_PROPOSALS_SHARED_DIR: path.join(root, 'shared') },
    });
    procs.push(w);
    ws.push(w);
    await new Promise<void>((resolve) => w.stderr!.on('data', (d: Buffer) => d.toString().includes(' on redis://') && resolve()));
  }
  return ws;
}

const expected = run(['--workers', '1']).stdout;
const runs = Number(values.runs);
console.log('N   local --workers N   distributed, N worker processes   ratio distributed/local');
for (const n of [1, 2, 4]) {
  const workers = await startWorkers(n);
  let local = Infinity;
  let dist = Infinity;
  for (let r = 0; r < runs; r++) {
    const l = run(['--workers', String(n)]);
    const d = run(['--redis', url, '--shard-size', values['shard-size']!]);
    if (l.stdout !== expected || d.stdout !== expected) throw new Error(`N=${n}: the reports differ`);
    local = Math.min(local, l.seconds);
    dist = Math.min(dist, d.seconds);
  }
  for (const w of workers) w.kill('SIGTERM');
  console.log(`${n}   ${local.toFixed(2)} s${' '.repeat(14)}${dist.toFixed(2)} s${' '.repeat(28)}${(dist / local).toFixed(2)}`);
}
// the redis-server child keeps the event loop alive: stop it (and the workers) now
cleanup();
process.exit(0);
