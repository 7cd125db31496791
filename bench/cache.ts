/**
 * bench/cache.ts — what `--cache` saves on a daily re-run (issue #14).
 *
 *   npx tsx bench/cache.ts [--size 1GB] [--files 8] [--workers 2] [--append-lines 1000]
 *
 * Compared, each as a whole child process (`node dist/cli.js --input DIR --format json`):
 *   1. first run with an empty cache folder (reads all, writes the entries);
 *   2. one JSON Lines file gets --append-lines lines appended (copies of its own first lines);
 *   3. second run with the cache (should read only the appended bytes);
 *   4. a run without cache over the grown folder: its report must equal run 3's (checked
 *      before any time is printed) and its time is the reference for "what the cache saved".
 * The folder is bench/generate.ts's `--shape folder` (files alternately .jsonl and .json).
 * Result: ratio second/first, measured within one run (the machine is shared: compare ratios,
 * not seconds).
 *
 * Representative numbers — 2026-12-01 ~11:20 UTC, 2 vCPU VM, load average ~19 (8 developers),
 * Node 20, --size 1GB --files 8 --workers 2 --append-lines 1000: see the README ("Incremental runs").
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, promises as fsp, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { exitWithHelpIfAsked } from './_help.js';
import { parseSize } from './generate/sizes.js';
import { generateArchive } from './generate/write-archive.js';

exitWithHelpIfAsked(import.meta.url);

const { values } = parseArgs({
  options: {
    size: { type: 'string', default: '1GB' },
    files: { type: 'string', default: '8' },
    workers: { type: 'string', default: '2' },
    'append-lines': { type: 'string', default: '1000' },
  },
});

const root = mkdtempSync(path.join(os.tmpdir(), 'fp-bench-cache-'));
process.on('exit', () => rmSync(root, { recursive: true, force: true }));
const dir = path.join(root, 'archive');
const cache = path.join(root, 'cache');
const cli = path.resolve('dist/cli.js');

function run(args: string[]): { seconds: number; stdout: string; stderr: string } {
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [cli, '--input', dir, '--format', 'json', '--workers', values.workers!, ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  const seconds = Number(process.hrtime.bigint() - t) / 1e9;
  if (r.status !== 0) throw new Error(`exit ${r.status}: ${r.stderr}`);
  return { seconds, stdout: r.stdout, stderr: r.stderr };
}

const gen = await generateArchive({ out: dir, shape: 'folder', size: parseSize(values.size!), files: Number(values.files), seed: 1 });
console.log(
  `archive: ${gen.files.length} files, ${(gen.bytes / 1e9).toFixed(2)} GB, ${gen.sessions} sessions (generated in ${gen.seconds.toFixed(1)} s)`,
);

const first = run(['--cache', cache]);
const jsonl = gen.files.find((f) => f.endsWith('.jsonl'))!;
const head = (await fsp.readFile(jsonl, 'utf8')).split('\n').slice(0, Number(values['append-lines'])).join('\n');
await fsp.appendFile(jsonl, '\n' + head);
const second = run(['--cache', cache]);
const plain = run([]);
if (second.stdout !== plain.stdout) throw new Error('the cached report differs from the report without cache');
console.log(`appended ${Buffer.byteLength(head) + 1} bytes to ${path.basename(jsonl)}`);
console.log(`first run (empty cache)   ${first.seconds.toFixed(2)} s   ${first.stderr.trim().split('\n').pop()}`);
console.log(`second run (cache)        ${second.seconds.toFixed(2)} s   ${second.stderr.trim().split('\n').pop()}`);
console.log(`run without cache         ${plain.seconds.toFixed(2)} s   (reports equal)`);
console.log(
  `ratio second/first: ${(second.seconds / first.seconds).toFixed(3)}   second/without cache: ${(second.seconds / plain.seconds).toFixed(3)}`,
);
