/**
 * The built bin in a child process: `--workers 2` prints what `--workers 1`
 * prints, and an invalid input exits 3 with the same message, without hanging
 * (a dangling worker would keep the child alive until the spawn timeout).
 * FLEET_PROPOSALS_SHARD_BYTES makes these small files split into many shards.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTmpDirs, tmpDir, writeFile } from './_archive.js';

const root = path.resolve(import.meta.dirname, '../..');
const bin = path.join(root, 'dist/cli.js');

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], stdin = ''): Run {
  const argv = [bin, ...args];
  const r = spawnSync(process.execPath, argv, {
    encoding: 'utf8',
    input: stdin,
    timeout: 60_000,
    env: { ...process.env, FLEET_PROPOSALS_SHARD_BYTES: '1500', TZ: 'UTC' },
  });
  expect(r.error, 'the child process must exit on its own').toBeUndefined();
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const sessions = Array.from({ length: 120 }, (_, i) => ({
  session_id: `s-${i}`,
  repo: ['alpha', 'beta', 'gamma'][i % 3],
  messages: [{ role: 'user', content: `m ${i} "q" \\ ]}` }],
  errors: i % 4 ? [{ message: `Timeout after 30s at /srv/${i % 3}/main.py` }] : [],
  tool_calls: Array.from({ length: 3 + (i % 14) }, (_, k) => ({
    tool: ['Bash', 'Read', 'WebFetch'][(k >> 2) % 3],
    latency_ms: 900 * ((i + k) % 12),
  })),
  duration_minutes: 5 + i,
}));

afterAll(removeTmpDirs);

describe('dist/cli.js --workers N', () => {
  const dir = tmpDir();
  const array = writeFile(dir, 'sessions.json', JSON.stringify(sessions, null, 2)).path;
  const jsonl = writeFile(dir, 'sessions.jsonl', sessions.map((s) => JSON.stringify(s)).join('\n')).path;

  it('--workers 2 prints what --workers 1 prints (json and markdown)', () => {
    for (const input of [array, jsonl]) {
      const one = run(['--input', input, '--workers', '1', '--format', 'json', '--threshold', '0']);
      expect(one.status).toBe(0);
      expect(JSON.parse(one.stdout).length).toBeGreaterThan(2);
      const two = run(['--input', input, '--workers', '2', '--format', 'json', '--threshold', '0']);
      expect(two).toEqual(one);
    }
    const md = (w: string) => run(['--input', array, '--input', jsonl, '--workers', w]);
    const one = md('1');
    expect(one.status).toBe(0);
    const strip = (r: Run) => ({ ...r, stdout: r.stdout.replace(/^Generated: .*$/m, '') });
    expect(strip(md('2'))).toEqual(strip(one));
  });

  it('stdin among files is read in input order (on the main thread, not in a worker)', () => {
    const piped = JSON.stringify(sessions.slice(0, 60));
    const args = (w: string) => ['--input', jsonl, '--input', '-', '--input', array, '--workers', w, '--format', 'json', '--threshold', '0'];
    const one = run(args('1'), piped);
    expect(one.status).toBe(0);
    expect(run(args('2'), piped)).toEqual(one);
    expect(run(['--workers', '2', '--format', 'json'], piped)).toEqual(run(['--workers', '1', '--format', 'json'], piped));
  });

  it('an invalid file exits 3 with the --workers 1 message, and the process ends', () => {
    const text = JSON.stringify(sessions, null, 2);
    const at = text.indexOf('"s-70"');
    const broken = writeFile(dir, 'broken.json', text.slice(0, at) + '"s-70' + text.slice(at + 6)).path;
    const one = run(['--input', array, '--input', broken, '--workers', '1', '--format', 'json']);
    expect(one.status).toBe(3);
    expect(one.stderr).toMatch(/^fleet-proposals: Invalid JSON: .*, at byte \d+.* in .*broken\.json\n$/);
    expect(run(['--input', array, '--input', broken, '--workers', '2', '--format', 'json'])).toEqual(one);
  });
});
