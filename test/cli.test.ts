import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { expandAbbreviations, LONG_OPTIONS, resolveWorkers } from '../src/cli.js';
import { runCli } from './helpers.js';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'fp-cli-'));

function archive(): string {
  const dir = tmp();
  const f = path.join(dir, 'a.json');
  const sessions = Array.from({ length: 6 }, (_, i) => ({
    session_id: `s${i}`,
    repo: `r${i % 2}`,
    errors: [{ message: `Boom at /tmp/x${i}/y.py` }],
    tool_calls: Array.from({ length: 12 }, () => ({ tool: 'Bash', latency_ms: 9000 })),
    duration_minutes: 60 + i,
  }));
  writeFileSync(f, JSON.stringify(sessions));
  return f;
}

describe('cli', () => {
  it('prints Markdown by default and JSON with --format json', async () => {
    const f = archive();
    const md = await runCli(['--input', f]);
    expect(md.code).toBe(0);
    expect(md.stdout).toMatch(/^# Improvement Proposals\n/);
    expect(md.stdout.endsWith('\n')).toBe(true);
    const js = await runCli(['--input', f, '--format', 'json']);
    expect(js.code).toBe(0);
    expect(JSON.parse(js.stdout)).toBeInstanceOf(Array);
  });

  it('accepts negative thresholds in every argparse form and prefixes of long flags', async () => {
    const f = archive();
    const base = (await runCli(['--input', f, '--format', 'json', '--threshold', '-5'])).stdout;
    expect(JSON.parse(base).length).toBeGreaterThan(0);
    expect((await runCli(['--input', f, '--format', 'json', '--threshold=-5'])).stdout).toBe(base);
    expect((await runCli(['--in', f, '--form', 'json', '--thr', '-5'])).stdout).toBe(base);
    expect(expandAbbreviations(['--thr=3', '--hourly', '4', '--', '--thr'])).toEqual(['--threshold=3', '--hourly-rate', '4', '--', '--thr']);
    // Python float syntax
    expect((await runCli(['--input', f, '--format', 'json', '--threshold', ' 1_0e-1 '])).code).toBe(0);
    const none = await runCli(['--input', f, '--format', 'json', '--threshold', 'inf']);
    expect(none.stdout).toBe('[]\n');
  });

  it('an ambiguous prefix is a usage error naming the candidates', async () => {
    const f = archive();
    for (const flag of ['--f', '--f=json']) {
      const r = await runCli(['--input', f, flag, ...(flag.includes('=') ? [] : ['json'])]);
      expect(r.code, flag).toBe(2);
      expect(r.stdout).toBe('');
      const name = flag.split('=')[0];
      expect(r.stderr).toBe(`fleet-proposals: error: ambiguous option: ${name} could match --format, --from (see --help)\n`);
    }
    const p = await runCli(['--input', f, '--p']); // --prices, --progress, --parser, --profile
    expect(p.stderr).toBe('fleet-proposals: error: ambiguous option: --p could match --prices, --progress, --parser, --profile (see --help)\n');
    // one candidate still expands; after `--` nothing is an option
    expect(expandAbbreviations(['--fr', 'codex', '--', '--f'])).toEqual(['--from', 'codex', '--', '--f']);
  });

  it('every yargs flag can be abbreviated: LONG_OPTIONS comes from the same definitions', async () => {
    const help = (await runCli(['--help'])).stdout;
    const flags = [...help.matchAll(/^\s+--([a-z-]+)/gm)].map((m) => m[1]);
    expect(new Set(LONG_OPTIONS)).toEqual(new Set(flags));
  });

  it('usage errors exit 2 with one line', async () => {
    const f = archive();
    for (const args of [
      ['--input', f, '--format', 'yaml'],
      ['--input', f, '--threshold', 'abc'],
      ['--input', f, '--bogus'],
      ['--input', f, '--workers', '0'],
      ['--input', f, '--output', 'x.md', '--emit-state', 'x.state'],
    ]) {
      const r = await runCli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^fleet-proposals: error: /);
    }
  });

  it('--workers says what was typed when it is not a positive integer', async () => {
    const f = archive();
    for (const bad of ['abc', '1.5', '0', '-2', '0x10', '']) {
      const r = await runCli(['--input', f, `--workers=${bad}`]);
      expect(r.code, bad).toBe(2);
      expect(r.stderr).toBe(`fleet-proposals: error: argument --workers: must be a positive integer, got '${bad}' (see --help)\n`);
    }
  });

  it('--workers is capped at twice the available cores, with one warning', async () => {
    const f = archive();
    const cores = os.availableParallelism();
    const warnings: string[] = [];
    expect(resolveWorkers('1000', (l) => warnings.push(l))).toBe(2 * cores);
    expect(resolveWorkers(String(2 * cores), (l) => warnings.push(l))).toBe(2 * cores);
    expect(resolveWorkers(undefined, (l) => warnings.push(l))).toBe(cores);
    expect(warnings).toEqual([`--workers 1000 is more than twice the ${cores} available cores: using ${2 * cores}`]);
    const capped = await runCli(['--input', f, '--format', 'json', '--workers', '1000']);
    expect(capped.code).toBe(0);
    expect(capped.stderr).toBe(`--workers 1000 is more than twice the ${cores} available cores: using ${2 * cores}\n`);
    expect(capped.stdout).toBe((await runCli(['--input', f, '--format', 'json', '--workers', '1'])).stdout);
    const exact = await runCli(['--input', f, '--format', 'json', '--workers', String(2 * cores)]);
    expect(exact.stderr).toBe('');
    const quiet = await runCli(['--input', f, '--format', 'json', '--workers', '1000', '--quiet']);
    expect(quiet.stderr).toBe('');
  });

  it('--help lists every flag and exits 0', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    for (const flag of [
      '--input',
      '--output',
      '--format',
      '--hourly-rate',
      '--threshold',
      '--strict',
      '--quiet',
      '--progress',
      '--workers',
      '--parser',
      '--from',
      '--emit-state',
    ]) {
      expect(r.stdout).toContain(flag);
    }
  });

  it('--help wraps at spaces only, at any terminal width', async () => {
    const helpAt = async (columns: number) => {
      const stdout = Object.assign(new PassThrough(), { columns });
      let text = '';
      stdout.on('data', (d: Buffer) => (text += d.toString()));
      await runCli(['--help'], { stdout });
      return text;
    };
    // yargs may glue a right-aligned `[type]` tag to a description that fills the line exactly:
    // not a cut word, so a tag counts as its own word
    const words = (text: string) => text.replace(/\[/g, ' [').split(/\s+/).filter(Boolean).sort();
    const unwrapped = words(await helpAt(100));
    for (const columns of [90, 80, 70, 60, 50]) {
      const help = await helpAt(columns);
      expect(words(help), `${columns} columns`).toEqual(unwrapped);
      for (const line of help.split('\n')) expect(line.length, line).toBeLessThanOrEqual(columns);
    }
    // each example command on one line
    expect(await helpAt(80)).toContain('fleet-proposals --input exports/ --format json --output proposals.json\n');
  });

  it('--output writes the report without a trailing newline, via a temporary file', async () => {
    const f = archive();
    const out = path.join(tmp(), 'report.md');
    const r = await runCli(['--input', f, '--output', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^Wrote \d+ proposals to .*report\.md\n$/);
    const text = readFileSync(out, 'utf8');
    // the reference writes the report as is, and prints it with one more newline
    expect(text + '\n').toBe((await runCli(['--input', f])).stdout.replace(/^Generated: .*$/m, text.match(/^Generated: .*$/m)![0]));
    expect(readdirSync(path.dirname(out))).toEqual(['report.md']);
  });

  it('--quiet leaves stderr empty when writing a report or a state to a file', async () => {
    const f = archive();
    const dir = tmp();
    for (const flag of ['--output', '--emit-state']) {
      const r = await runCli(['--input', f, flag, path.join(dir, 'x'), '--quiet']);
      expect(r.code, flag).toBe(0);
      expect(r.stderr, flag).toBe('');
    }
  });

  it('never leaves a half-written or clobbered output when the input is bad', async () => {
    const dir = tmp();
    const bad = path.join(dir, 'bad.json');
    writeFileSync(bad, '[{"session_id": "a", "errors": [');
    const out = path.join(dir, 'out.md');
    writeFileSync(out, 'previous report');
    const r = await runCli(['--input', bad, '--output', out]);
    expect(r.code).toBe(3);
    expect(readFileSync(out, 'utf8')).toBe('previous report');
    expect(readdirSync(dir).sort()).toEqual(['bad.json', 'out.md']);
  });

  it('a folder as --output, or a missing folder, exits 4 before reading the input', async () => {
    const f = archive();
    const dir = tmp();
    const r = await runCli(['--input', f, '--output', dir]);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/^fleet-proposals: Cannot write output: it is a folder, in /);
    const r2 = await runCli(['--input', f, '--output', path.join(dir, 'missing', 'x.md')]);
    expect(r2.code).toBe(4);
    expect(existsSync(path.join(dir, 'missing'))).toBe(false);
  });

  it('no sessions: the reference message and exit 1', async () => {
    const dir = tmp();
    for (const text of ['[]', '{"sessions": []}', '{"meta": 1}', '{"sessions": null}']) {
      const f = path.join(dir, 'e.json');
      writeFileSync(f, text);
      const r = await runCli(['--input', f]);
      expect(r.code, text).toBe(1);
      expect(r.stderr).toBe('No sessions found in input file.\n');
      expect(r.stdout).toBe('');
    }
  });

  it('an unreadable path exits 3 with the path', async () => {
    const r = await runCli(['--input', '/nonexistent/x.json']);
    expect(r.code).toBe(3);
    expect(r.stderr).toBe('fleet-proposals: Cannot read input: no such file or folder, in /nonexistent/x.json\n');
    const dir = tmp();
    mkdirSync(path.join(dir, 'empty'));
    const r2 = await runCli(['--input', path.join(dir, 'empty')]);
    expect(r2.code).toBe(3);
    expect(r2.stderr).toMatch(/No archives found/);
  });

  it('--emit-state then merge gives the report of the whole', async () => {
    const dir = tmp();
    const mk = (name: string, from: number, to: number) => {
      const f = path.join(dir, name);
      const s = Array.from({ length: to - from }, (_, k) => ({
        session_id: `s${from + k}`,
        errors: [{ message: `E${(from + k) % 3}` }],
        tool_calls: Array.from({ length: 11 }, () => ({ tool: 'Read', latency_ms: 6000 + from + k })),
        duration_minutes: (from + k) * 7,
      }));
      writeFileSync(f, s.map((x) => JSON.stringify(x)).join('\n') + '\n');
      return f;
    };
    const a = mk('a.jsonl', 0, 10);
    const b = mk('b.jsonl', 10, 25);
    const whole = path.join(dir, 'whole.jsonl');
    writeFileSync(whole, readFileSync(a, 'utf8') + readFileSync(b, 'utf8'));
    for (const [f, st] of [
      [a, 'a.state'],
      [b, 'b.state'],
    ] as const) {
      const r = await runCli(['--input', f, '--emit-state', path.join(dir, st)]);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe('');
    }
    const expected = await runCli(['--input', whole, '--format', 'json', '--threshold', '0']);
    const merged = await runCli(['merge', path.join(dir, 'a.state'), path.join(dir, 'b.state'), '--format', 'json', '--threshold', '0']);
    expect(merged.code).toBe(0);
    expect(merged.stdout).toBe(expected.stdout);
    const md = await runCli(['merge', path.join(dir, 'a.state'), path.join(dir, 'b.state')]);
    expect(md.stdout).toBe((await runCli(['--input', whole])).stdout);
    const bad = await runCli(['merge', a]);
    expect(bad.code).toBe(3);
    expect(bad.stderr).toMatch(/Invalid state file/);
  });
});

describe('progress', () => {
  it('--progress draws on stderr only; --quiet silences it', async () => {
    const f = archive();
    const plain = await runCli(['--input', f, '--format', 'json', '--workers', '1']);
    const r = await runCli(['--input', f, '--format', 'json', '--progress', '--workers', '1']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(plain.stdout);
    expect(r.stderr).toMatch(/\d+ MB .* MB\/s \| 6 sessions/);
    const q = await runCli(['--input', f, '--format', 'json', '--progress', '--quiet', '--workers', '1']);
    expect(q.stderr).toBe('');
  });
});

describe('npm start', () => {
  it('analyses the bundled sample, and any --input replaces it', async () => {
    const sample = await runCli(['--default-input', 'fixtures/sample/sessions.json', '--format', 'json', '--workers', '1']);
    expect(sample.code).toBe(0);
    expect(JSON.parse(sample.stdout)).toHaveLength(13);
    const f = archive();
    const mine = await runCli(['--default-input', 'fixtures/sample/sessions.json', '--input', f, '--format', 'json', '--workers', '1']);
    expect(mine.stdout).toBe((await runCli(['--input', f, '--format', 'json', '--workers', '1'])).stdout);
  });
});

describe('state files', () => {
  it('are the same bytes whatever the worker count and shard size', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'fp-state-'));
    const f = path.join(dir, 'a.json');
    const sessions = Array.from({ length: 300 }, (_, i) => ({
      session_id: `s${i}`,
      repo: `r${i % 4}`,
      messages: [{ content: 'x'.repeat(200) }],
      errors: [{ message: `E${i % 7} at /srv/${i}` }, { message: `unique ${i}` }],
      tool_calls: Array.from({ length: 4 + (i % 12) }, (_, k) => ({
        tool: ['Bash', 'Read', 'Grep'][(k >> 2) % 3],
        latency_ms: 100 * ((i + k) % 90),
      })),
      duration_minutes: i % 50,
    }));
    writeFileSync(f, JSON.stringify(sessions));
    const one = path.join(dir, 'one.state');
    const two = path.join(dir, 'two.state');
    expect((await runCli(['--input', f, '--emit-state', one, '--workers', '1'])).code).toBe(0);
    process.env['FLEET_PROPOSALS_SHARD_BYTES'] = '5000';
    try {
      expect((await runCli(['--input', f, '--emit-state', two, '--workers', '2'])).code).toBe(0);
    } finally {
      delete process.env['FLEET_PROPOSALS_SHARD_BYTES'];
    }
    expect(readFileSync(two, 'utf8')).toBe(readFileSync(one, 'utf8'));
  });
});
