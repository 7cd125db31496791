/**
 * Every input shape gives the same report for the same sessions; bad input is a
 * located error (exit 3) and never a crash or a hang.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers.js';

const PARSERS = ['fast', 'stream-json'] as const;
const root = path.resolve(import.meta.dirname, '../..');
const bin = path.join(root, 'dist/cli.js');
const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'fp-shapes-'));

const sessions = Array.from({ length: 40 }, (_, i) => ({
  session_id: `sess-${i}-é`,
  repo: ['alpha', 'beta', null][i % 3],
  messages: [{ role: 'user', content: `he said "hi" \\ ${'x'.repeat(i)} messages` }, { messages: ['nested', { sessions: [1] }] }],
  errors: i % 2 ? [{ message: `ImportError at /srv/${i}/a.py on 2025-01-0${i % 9}T10:20` }] : [],
  tool_calls: Array.from({ length: 3 + (i % 11) }, (_, k) => ({ tool: ['Bash', 'Read', 'Edit'][(k >> 2) % 3], latency_ms: 1000 * ((i + k) % 13) })),
  duration_minutes: i * 3.5,
}));
const jsonl = sessions.map((s) => JSON.stringify(s)).join('\n') + '\n';

function write(dir: string, name: string, content: string | Buffer): string {
  const f = path.join(dir, name);
  mkdirSync(path.dirname(f), { recursive: true });
  writeFileSync(f, content);
  return f;
}

describe.each(PARSERS)('input shapes (--parser %s)', (parser) => {
  const run = (args: string[]) => runCli([...args, '--format', 'json', '--threshold', '0', '--workers', '1', '--parser', parser]);

  it('array, wrapper, JSON Lines, gzip, BOM and folders give the same report', async () => {
    const dir = tmp();
    const expected = await run(['--input', write(dir, 'a.json', JSON.stringify(sessions, null, 2))]);
    expect(expected.code).toBe(0);
    expect(JSON.parse(expected.stdout).length).toBeGreaterThan(3);
    const inputs = [
      write(dir, 'w.json', JSON.stringify({ meta: { sessions: 3 }, sessions, exported_at: 'x' })),
      write(
        dir,
        'dup.json',
        `{"sessions": [{"session_id": "dropped", "errors": [{"message": "E"}]}], "x": 1, "sessions": ${JSON.stringify(sessions)}}`,
      ),
      write(dir, 'l.jsonl', jsonl),
      write(dir, 'l.ndjson', '\n' + jsonl.replace(/\n/g, '\n\n')),
      write(dir, 'content-detected.txt.json', jsonl),
      write(dir, 'gz.json.gz', gzipSync(JSON.stringify(sessions))),
      write(dir, 'no-extension-gzip', gzipSync(jsonl)),
      write(dir, 'bom.json', '\ufeff' + JSON.stringify(sessions)),
    ];
    for (const f of inputs) {
      const r = await run(['--input', f]);
      expect(r.stderr, f).toBe('');
      expect(r.stdout, f).toBe(expected.stdout);
    }
    // a folder: every archive inside, recursively, in sorted path order; others reported
    const folder = tmp();
    write(
      folder,
      'b/2.jsonl',
      sessions
        .slice(20, 30)
        .map((s) => JSON.stringify(s))
        .join('\n'),
    );
    write(folder, 'a.json', JSON.stringify(sessions.slice(0, 20)));
    write(folder, 'b/3.json.gz', gzipSync(JSON.stringify({ sessions: sessions.slice(30) })));
    write(folder, 'README.txt', 'not an archive');
    const r = await run(['--input', folder]);
    expect(r.stdout).toBe(expected.stdout);
    expect(r.stderr).toBe(`Skipped ${path.join(folder, 'README.txt')}: not an archive (.json, .jsonl, .ndjson, .traj or .gz)\n`);
    // several paths
    const parts = await run(['--input', path.join(folder, 'a.json'), path.join(folder, 'b')]);
    expect(parts.stdout).toBe(expected.stdout);
  });

  it('reads stdin ("-" or piped with no --input)', () => {
    const dir = tmp();
    const f = write(dir, 'a.json', JSON.stringify(sessions));
    const expected = execFileSync('node', [bin, '--input', f, '--format', 'json', '--parser', parser, '--workers', '1']);
    for (const args of [['--input', '-'], []]) {
      const out = spawnSync('node', [bin, ...args, '--format', 'json', '--parser', parser, '--workers', '1'], { input: gzipSync(jsonl) });
      expect(out.status).toBe(0);
      expect(out.stdout.toString()).toBe(expected.toString());
    }
  });

  it('invalid JSON exits 3 with the file and byte offset, and writes nothing to stdout', async () => {
    const dir = tmp();
    const cases: [string, string][] = [
      ['trailing-comma.json', '[{"session_id": "a"},]'],
      ['bad-literal.json', '[{"session_id": tru}]'],
      ['in-messages.json', '[{"session_id": "a", "messages": [{"content": "x\u0001y"}]}]'],
      ['extra.json', '[{"session_id": "a"}] [1]'],
      ['nan.json', '[{"session_id": "a", "duration_minutes": NaN}]'],
      ['empty.json', '   '],
      ['bad-line.jsonl', '{"session_id": "a"}\n{"session_id": \n{"session_id": "c"}\n'],
    ];
    for (const [name, text] of cases) {
      const f = write(dir, name, text);
      const r = await run(['--input', f]);
      expect(r.code, name).toBe(3);
      expect(r.stdout).toBe('');
      expect(r.stderr.split('\n').filter(Boolean), name).toHaveLength(1);
      expect(r.stderr, name).toMatch(new RegExp(`^fleet-proposals: Invalid JSON: .*byte \\d+.* in ${f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\n$`));
    }
    const gz = write(dir, 'cut.json.gz', gzipSync(JSON.stringify(sessions)).subarray(0, 300));
    const r = await run(['--input', gz]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/Invalid (gzip data|JSON).* in .*cut\.json\.gz/);
  });

  it('truncation at every byte offset exits 3 with an offset, or parses a complete prefix', async () => {
    const dir = tmp();
    const small = JSON.stringify(sessions.slice(0, 3).map((s) => ({ ...s, messages: [{ content: 'a"b\\c\u00e9😀' }] })));
    const bytes = Buffer.from(small);
    for (let cut = 0; cut < bytes.length; cut++) {
      // a file of its own per cut: truncating and rewriting one file costs ~2.7 ms a write on
      // ext4 (its flush of replaced data), a new one ~0.5 ms (1,000 writes, 2026-12-02)
      const f = write(dir, `t-${cut}.json`, bytes.subarray(0, cut));
      const r = await run(['--input', f, '--quiet']);
      rmSync(f); // this file leaves its temporary folders behind: not a thousand files in one
      expect(r.code, `cut at ${cut}`).toBe(3);
      expect(r.stderr, `cut at ${cut}`).toMatch(/byte \d+/);
    }
  }, 120_000);

  it('skips records that are not sessions, counts them, and --strict stops at the first', async () => {
    const dir = tmp();
    const records = [
      ...sessions.slice(0, 10),
      42,
      { session_id: 'x', tool_calls: 'Bash' },
      { session_id: 'y', errors: [{ message: 5 }] },
      { session_id: 'z', tool_calls: [{ tool: 'Bash', latency_ms: '9' }] },
      { session_id: 'w', tool_calls: [{ tool: 'Bash', latency_ms: null }] },
      { session_id: 'v', errors: null },
      ...sessions.slice(10),
    ];
    const f = write(dir, 'm.json', JSON.stringify(records));
    const clean = await run(['--input', write(dir, 'clean.json', JSON.stringify(sessions))]);
    const r = await run(['--input', f]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(clean.stdout);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(6);
    expect(lines[0]).toMatch(/^Invalid session: record is a number, expected an object, at byte \d+.* in .*m\.json$/);
    expect(lines[1]).toMatch(/"tool_calls" is a string, expected a list/);
    expect(lines[2]).toMatch(/errors\[0\]\.message is a number, expected a string/);
    expect(lines[3]).toMatch(/tool_calls\[0\]\.latency_ms is a string, expected a number/);
    expect(lines[4]).toMatch(/tool_calls\[0\]\.latency_ms is null, expected a number/);
    expect(lines[5]).toBe('Skipped 6 malformed session records (first 5 shown); use --strict to stop at the first.');
    const strict = await run(['--input', f, '--strict']);
    expect(strict.code).toBe(3);
    expect(strict.stdout).toBe('');
    expect(strict.stderr).toMatch(/^fleet-proposals: Invalid session: record is a number, expected an object, at byte \d+/);
    const quiet = await run(['--input', f, '--quiet']);
    expect(quiet.stderr).toBe('');
  });
});

describe('glob patterns the shell did not expand', () => {
  it('read the matching archives in sorted order, like the folder', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'fp-glob-'));
    const first = write(dir, 'a/1.jsonl', jsonl.split('\n').slice(0, 15).join('\n'));
    write(dir, 'b/deep/2.jsonl', jsonl.split('\n').slice(15).join('\n'));
    write(dir, 'b/other.json', '[{"session_id": "not matched"}]');
    const expected = await runCli(['--input', write(dir, 'all.jsonl', jsonl), '--format', 'json', '--threshold', '0', '--workers', '1']);
    const r = await runCli(['--input', path.join(dir, '**/[0-9].jsonl'), '--format', 'json', '--threshold', '0', '--workers', '1']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(expected.stdout);
    const star = await runCli(['--input', path.join(dir, '?/*.jsonl'), '--format', 'json', '--threshold', '0', '--workers', '1']);
    expect(star.code).toBe(0);
    // only a/1.jsonl matches ?/*.jsonl
    expect(star.stdout).toBe((await runCli(['--input', first, '--format', 'json', '--threshold', '0', '--workers', '1'])).stdout);
    const none = await runCli(['--input', path.join(dir, '*.nothing'), '--workers', '1']);
    expect(none.code).toBe(3);
    expect(none.stderr).toMatch(/no file or folder matches the pattern/);
  });
});
