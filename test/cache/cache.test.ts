import { spawnSync } from 'node:child_process';
import { mkdtempSync, promises as fsp, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { formatBytes, formatCacheSummary } from '../../src/cache/summary.js';
import { runCli } from '../helpers.js';
import { jsonLines } from './_archive.js';

const CLI = path.resolve(import.meta.dirname, '../../dist/cli.js');
const root = mkdtempSync(path.join(os.tmpdir(), 'fp-cache-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function session(i: number, tool = 'Bash'): unknown {
  return {
    session_id: `s${i}`,
    repo: 'api',
    errors: [{ message: `boom ${i % 3}` }],
    tool_calls: [{ tool, latency_ms: 100 + i }],
    duration_minutes: 5,
  };
}

let n = 0;
let dir: string;
let cache: string;
beforeEach(async () => {
  dir = path.join(root, `t${n}`, 'in');
  cache = path.join(root, `t${n++}`, 'cache');
  await fsp.mkdir(dir, { recursive: true });
  await fsp.writeFile(path.join(dir, 'a.jsonl'), jsonLines([session(1), session(2)]));
  await fsp.writeFile(path.join(dir, 'b.json'), JSON.stringify([session(3), session(4)]));
});

const args = () => ['--input', dir, '--format', 'json', '--threshold', '0', '--workers', '1'];
const entries = async () => (await fsp.readdir(cache)).filter((f) => f.endsWith('.entry')).sort();

describe('--cache', () => {
  it('reuses unchanged files and says so', async () => {
    const first = await runCli([...args(), '--cache', cache]);
    expect(first.stderr).toMatch(/^Reused 0 files \(0 B\) from the cache, read 2 \(\d+ B\)$/m);
    const second = await runCli([...args(), '--cache', cache]);
    expect(second.stdout).toBe(first.stdout);
    expect(second.stderr).toMatch(/^Reused 2 files \(\d+ B\) from the cache, read 0 \(0 B\)$/m);
  });

  it('reads only the appended bytes of a grown JSON Lines file', async () => {
    await runCli([...args(), '--cache', cache]);
    const more = jsonLines([session(5, 'Read'), session(6)]);
    await fsp.appendFile(path.join(dir, 'a.jsonl'), more);
    const r = await runCli([...args(), '--cache', cache]);
    expect(r.stderr).toContain(`Reused 1 file`);
    expect(r.stderr).toContain(`read 1 (${Buffer.byteLength(more)} B)`);
    expect(r.stdout).toBe((await runCli(args())).stdout);
  });

  it('resumes a file whose last line had no newline when the new bytes start one', async () => {
    const p = path.join(dir, 'u.jsonl');
    await fsp.writeFile(p, JSON.stringify(session(7)));
    await runCli([...args(), '--cache', cache]);
    const more = '\n' + JSON.stringify(session(8));
    await fsp.appendFile(p, more);
    const r = await runCli([...args(), '--cache', cache]);
    expect(r.stderr).toContain(`read 1 (${Buffer.byteLength(more)} B)`);
    expect(r.stdout).toBe((await runCli(args())).stdout);
    // glued onto the old last line: not a line boundary, so the file is read whole
    await fsp.appendFile(p, ' ');
    await fsp.appendFile(p, '\n');
    const glued = await runCli([...args(), '--cache', cache]);
    expect(glued.stderr).toContain(`read 1 (${(await fsp.stat(p)).size} B)`);
  });

  it('reads a grown file whole when its new bytes are invalid, with the error of a run without cache', async () => {
    await runCli([...args(), '--cache', cache]);
    await fsp.appendFile(path.join(dir, 'a.jsonl'), '{"session_id": \n');
    const plain = await runCli(args());
    const cached = await runCli([...args(), '--cache', cache]);
    expect(plain.code).toBe(3);
    expect(cached.code).toBe(3);
    expect(cached.stderr).toBe(plain.stderr);
  });

  it('ignores a corrupt entry with a warning, and rebuilds it', async () => {
    const first = await runCli([...args(), '--cache', cache]);
    for (const e of await entries()) await fsp.writeFile(path.join(cache, e), '{"format":"fleet-proposals-cache","version":1,"key":');
    const r = await runCli([...args(), '--cache', cache]);
    expect(r.stdout).toBe(first.stdout);
    expect(r.stderr).toMatch(/^Ignored the cache entry of .*a\.jsonl: its header is not JSON; rebuilding it$/m);
    expect(r.stderr).toContain('read 2');
    expect((await runCli([...args(), '--cache', cache])).stderr).toContain('Reused 2 files');
  });

  it('ignores an entry whose state is damaged (the state-file validation)', async () => {
    const first = await runCli([...args(), '--cache', cache]);
    for (const e of await entries()) {
      const text = await fsp.readFile(path.join(cache, e), 'utf8');
      await fsp.writeFile(path.join(cache, e), text.replace(/"repeated_errors":\{"\$map"/, '"repeated_errors":{"$nope"'));
    }
    const r = await runCli([...args(), '--cache', cache]);
    expect(r.stdout).toBe(first.stdout);
    expect(r.stderr).toMatch(/Ignored the cache entry of .*: Invalid state file: /);
  });

  it("ignores another file's entry copied in place (foreign)", async () => {
    const first = await runCli([...args(), '--cache', cache]);
    const [e1, e2] = await entries();
    await fsp.copyFile(path.join(cache, e1!), path.join(cache, e2!));
    const r = await runCli([...args(), '--cache', cache]);
    expect(r.stdout).toBe(first.stdout);
    expect(r.stderr).toMatch(/belongs to another file or other options/);
  });

  it('rebuilds silently entries of another tool version', async () => {
    await runCli([...args(), '--cache', cache]);
    for (const e of await entries()) {
      const text = await fsp.readFile(path.join(cache, e), 'utf8');
      await fsp.writeFile(path.join(cache, e), text.replace(/"tool":"[^"]*"/, '"tool":"0.0.0-other"'));
    }
    const r = await runCli([...args(), '--cache', cache]);
    expect(r.stderr).not.toContain('Ignored');
    expect(r.stderr).toContain('Reused 0 files');
  });

  it('keeps separate entries per options that change the state (--strict, --from)', async () => {
    await runCli([...args(), '--cache', cache]);
    const strict = await runCli([...args(), '--strict', '--cache', cache]);
    expect(strict.stderr).toContain('Reused 0 files');
    expect((await entries()).length).toBe(4);
  });

  it('keeps no entry for a pipe (read once, nothing to fingerprint); a pipe named /dev/fd/N got one keyed by that name', async () => {
    const file = path.join(dir, 'b.json');
    const piped = spawnSync(
      'bash',
      ['-c', `"$0" "$1" --input <(cat "$2") --cache "$3" --format json --threshold 0`, process.execPath, CLI, file, cache],
      {
        encoding: 'utf8',
      },
    );
    expect(piped.status, piped.stderr).toBe(0);
    expect(piped.stdout).toBe((await runCli(['--input', file, '--format', 'json', '--threshold', '0'])).stdout);
    expect(await entries()).toEqual([]);
  });

  it('gives the same report with worker threads and split files', async () => {
    const big = Array.from({ length: 400 }, (_, i) => session(i, i % 2 ? 'Read' : 'Bash'));
    await fsp.writeFile(path.join(dir, 'c.jsonl'), jsonLines(big));
    const env = process.env['FLEET_PROPOSALS_SHARD_BYTES'];
    process.env['FLEET_PROPOSALS_SHARD_BYTES'] = '4096';
    try {
      const multi = ['--input', dir, '--format', 'json', '--threshold', '0', '--workers', '2'];
      const plain = await runCli(multi);
      expect((await runCli([...multi, '--cache', cache])).stdout).toBe(plain.stdout);
      await fsp.appendFile(path.join(dir, 'c.jsonl'), jsonLines([session(9999, 'Edit')]));
      const after = await runCli(multi);
      const cached = await runCli([...multi, '--cache', cache]);
      expect(cached.stdout).toBe(after.stdout);
      expect(cached.stderr).toContain('Reused 2 files');
    } finally {
      if (env === undefined) delete process.env['FLEET_PROPOSALS_SHARD_BYTES'];
      else process.env['FLEET_PROPOSALS_SHARD_BYTES'] = env;
    }
  });
});

describe(formatCacheSummary.name, () => {
  it.each([
    [{ reusedFiles: 1203, reusedBytes: 4.1e9, readFiles: 3, readBytes: 12e6 }, 'Reused 1,203 files (4.1 GB) from the cache, read 3 (12 MB)'],
    [{ reusedFiles: 1, reusedBytes: 950, readFiles: 0, readBytes: 0 }, 'Reused 1 file (950 B) from the cache, read 0 (0 B)'],
  ] as const)('%o', (s, line) => expect(formatCacheSummary(s)).toBe(line));

  it('formats bytes in decimal units', () => {
    expect([formatBytes(0), formatBytes(999), formatBytes(1500), formatBytes(12.3e6), formatBytes(2.04e12)]).toEqual([
      '0 B',
      '999 B',
      '1.5 KB',
      '12 MB',
      '2.0 TB',
    ]);
  });
});
