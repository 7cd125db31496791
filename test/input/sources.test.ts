/**
 * What counts as an input (issue 9, "Inputs"), through the built bin in a child
 * process where a real stdin, FIFO or process substitution is needed:
 * symlinks inside folders, FIFOs and sockets in folders, streams given as paths,
 * gzipped and piped agent logs, `--from` on content of another format, keyless
 * records, and a file that grows while it is read.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, copyFileSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeSequential } from '../../src/analyze.js';
import { resolveInputs } from '../../src/input/sources.js';
import { NO_PROGRESS } from '../../src/progress.js';
import { analyzeParallel } from '../../src/workers/pool.js';
import { options, removeTmpDirs, tmpDir } from '../workers/_archive.js';

const root = path.resolve(import.meta.dirname, '../..');
const bin = path.join(root, 'dist/cli.js');
const fixtures = path.join(root, 'fixtures');
const CODEX = path.join(fixtures, 'agents/codex/rollout-2026-02-01T12-00-00-0199aaaa-0000-7000-8000-000000000001.jsonl');
const CLAUDE_DIR = path.join(fixtures, 'agents/claude-code/-home-dev-alpha');
const CLAUDE = path.join(CLAUDE_DIR, 'split-and-parallel.jsonl');
const OPENHANDS = path.join(fixtures, 'agents/openhands/login-bug.json');

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function spawn(cmd: string, args: string[], stdin?: string | Buffer): Run {
  const r = spawnSync(cmd, args, { encoding: 'utf8', input: stdin, timeout: 60_000, env: { ...process.env, TZ: 'UTC' } });
  expect(r.error, 'the child process must exit on its own').toBeUndefined();
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The bin; `--threshold -1e9` keeps every proposal, so the report shows every detector's findings. */
function run(args: string[], stdin?: string | Buffer): Run {
  return spawn(process.execPath, [bin, '--format', 'json', '--threshold', '-1e9', ...args], stdin);
}

/** The bin from bash (FIFOs, process substitution); `$BIN` and `$NODE` are set. */
function bash(script: string): Run {
  return spawn('bash', ['-c', `BIN=${JSON.stringify(bin)}; NODE=${JSON.stringify(process.execPath)}; ${script}`]);
}

/** Five sessions: a repeated error, a slow tool, a retry streak (so the report is not empty). */
const SESSIONS = JSON.stringify(
  Array.from({ length: 5 }, (_, i) => ({
    session_id: `s${i}`,
    repo: `r${i % 2}`,
    errors: [{ message: 'ImportError: no module named x' }],
    tool_calls: [1, 2, 3].map(() => ({ tool: 'Bash', latency_ms: 9000 })),
    duration_minutes: 3,
  })),
);

afterAll(removeTmpDirs);

describe('folders: symlinks, FIFOs, sockets', () => {
  const expected = run(['--input', '-'], SESSIONS);

  it('reads a folder holding only a symlink to a file', () => {
    const d = tmpDir();
    writeFileSync(path.join(d, 'real.json'), SESSIONS);
    mkdirSync(path.join(d, 'in'));
    symlinkSync(path.join(d, 'real.json'), path.join(d, 'in', 'link.json'));
    const r = run(['--input', path.join(d, 'in')]);
    expect(r).toEqual(expected);
  });

  it('follows a symlink to a folder, and skips a link back to an ancestor (a loop) with a warning', () => {
    const d = tmpDir();
    mkdirSync(path.join(d, 'data'));
    writeFileSync(path.join(d, 'data', 'a.json'), SESSIONS);
    mkdirSync(path.join(d, 'in'));
    symlinkSync(path.join(d, 'data'), path.join(d, 'in', 'linked'));
    symlinkSync(path.join(d, 'in'), path.join(d, 'in', 'loop'));
    symlinkSync(path.join(d, 'nowhere.json'), path.join(d, 'in', 'broken.json'));
    const r = run(['--input', path.join(d, 'in')]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(expected.stdout);
    expect(r.stderr).toBe(
      `Skipped ${path.join(d, 'in', 'broken.json')}: a broken symbolic link (no such file or folder)\n` +
        `Skipped ${path.join(d, 'in', 'loop')}: a symbolic link loop (a link to a folder that contains it)\n`,
    );
  });

  it('reports a FIFO and a socket in a folder as skipped, without waiting on them', async () => {
    const d = tmpDir();
    writeFileSync(path.join(d, 'a.json'), SESSIONS);
    expect(spawn('mkfifo', [path.join(d, 'pipe.json')]).status).toBe(0);
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(path.join(d, 'sock.json'), resolve));
    try {
      const r = run(['--input', d, '--workers', '1']);
      expect(r.stdout).toBe(expected.stdout);
      expect(r.stderr).toBe(`Skipped ${path.join(d, 'pipe.json')}: a named pipe (FIFO)\nSkipped ${path.join(d, 'sock.json')}: a socket\n`);
    } finally {
      server.close();
    }
  });
});

describe('streams given as paths', () => {
  const expected = run(['--input', '-'], SESSIONS);
  const d = tmpDir();
  const file = path.join(d, 'sessions.json');
  writeFileSync(file, SESSIONS);

  it('the report is not empty', () => {
    expect(expected.stdout.length).toBeGreaterThan(100);
  });

  it.each(['1', '2'])('--input /dev/stdin reads a socket stdin (--workers %s)', (workers) => {
    expect(run(['--input', '/dev/stdin', '--workers', workers], SESSIONS)).toEqual(expected);
  });

  it.each(['1', '2'])('--input /dev/stdin reads a pipe (--workers %s)', (workers) => {
    const r = bash(`cat ${JSON.stringify(file)} | "$NODE" "$BIN" --format json --threshold -1e9 --workers ${workers} --input /dev/stdin`);
    expect(r).toEqual(expected);
  });

  it.each(['1', '2'])('a process substitution <(cat f) (--workers %s)', (workers) => {
    const r = bash(`"$NODE" "$BIN" --format json --threshold -1e9 --workers ${workers} --input <(cat ${JSON.stringify(file)})`);
    expect(r).toEqual(expected);
  });

  it('a named pipe, among files, in input order', () => {
    const fifo = path.join(d, 'fifo');
    expect(spawn('mkfifo', [fifo]).status).toBe(0);
    const r = bash(
      `cat ${JSON.stringify(file)} > ${JSON.stringify(fifo)} & "$NODE" "$BIN" --format json --threshold -1e9 --workers 2 --input ${JSON.stringify(file)} ${JSON.stringify(fifo)}`,
    );
    const twice = run(['--input', file, file]);
    expect(r).toEqual(twice);
  });
});

describe('agent logs inside gzip and on stdin', () => {
  const d = tmpDir();
  let n = 0;
  /** The analysis state a run writes (sessions, tool calls, errors: everything the report is made of). */
  function stateOf(args: string[], stdin?: string | Buffer): { status: number | null; stderr: string; state: unknown } {
    const out = path.join(d, `state-${n++}.json`);
    const r = run([...args, '--emit-state', out], stdin);
    return { status: r.status, stderr: r.stderr.replace(out, 'STATE'), state: r.status === 0 ? JSON.parse(readFileSync(out, 'utf8')) : undefined };
  }

  it.each(['1', '2'])('a gzipped Claude Code folder reads as the plain one (--workers %s)', (workers) => {
    const plain = path.join(d, `plain-${workers}`);
    const gz = path.join(d, `gz-${workers}`);
    mkdirSync(plain);
    mkdirSync(gz);
    for (const name of ['split-and-parallel.jsonl', 'no-session-id.jsonl']) {
      copyFileSync(path.join(CLAUDE_DIR, name), path.join(plain, name));
      writeFileSync(path.join(gz, `${name}.gz`), gzipSync(readFileSync(path.join(CLAUDE_DIR, name))));
    }
    const expected = stateOf(['--input', plain, '--workers', workers]);
    expect(expected).toMatchObject({ status: 0, state: { sessions: 2 } });
    expect(stateOf(['--input', gz, '--workers', workers])).toEqual(expected);
  });

  it.each([
    ['auto', '1'],
    ['auto', '2'],
    ['codex', '1'],
  ])('a Codex rollout piped to stdin, plain or gzipped (--from %s, --workers %s)', (from, workers) => {
    const expected = stateOf(['--input', CODEX]);
    expect(expected).toMatchObject({ status: 0, state: { sessions: 1 } });
    expect(stateOf(['--from', from, '--workers', workers], readFileSync(CODEX))).toEqual(expected);
    expect(stateOf(['--from', from, '--workers', workers], gzipSync(readFileSync(CODEX)))).toEqual(expected);
  });

  it('an agent log on stdin that breaks its format names stdin, not a temporary file', () => {
    const r = run(['--input', '-'], readFileSync(path.join(fixtures, 'agents/codex/invalid/bad-json-line.jsonl')));
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/^fleet-proposals: Invalid Codex log: .*, line 2 in <stdin>\n$/);
  });

  it('an agent log read through a temporary copy (stdin, a gzip file) is named as given in warnings, fleet evidence and the state: they named the deleted copy', () => {
    const log = path.join(fixtures, 'agents/claude-code/-home-dev-beta/odd-lines.jsonl');
    const gz = path.join(d, 'odd-lines.jsonl.gz');
    writeFileSync(gz, gzipSync(readFileSync(log)));
    const plain = run(['--profile', 'fleet', '--input', log]);
    const files = (text: string) => [...text.matchAll(/"file": ?"([^"]*)"/g)].map((m) => m[1]);
    // the plain file names itself: the case to compare with
    expect(files(plain.stdout).length).toBeGreaterThan(0);
    expect(new Set(files(plain.stdout))).toEqual(new Set([log]));
    expect(plain.stderr).toContain(`in ${log}\n`);
    for (const [name, args, stdin] of [
      ['<stdin>', ['--input', '-'], readFileSync(log)],
      [gz, ['--input', gz], undefined],
    ] as const) {
      const r = run(['--profile', 'fleet', ...args], stdin);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout.replaceAll(`"${name}"`, `"${log}"`)).toBe(plain.stdout);
      expect(r.stderr.replaceAll(name, log)).toBe(plain.stderr);
      const state = path.join(d, `odd-${n++}.json`);
      expect(run(['--profile', 'fleet', ...args, '--emit-state', state], stdin).status).toBe(0);
      expect(new Set(files(readFileSync(state, 'utf8')))).toEqual(new Set([name]));
    }
  });
});

describe('--from on content of another format', () => {
  it('--from claude-code on an OpenHands trajectory says what it looks like', () => {
    const r = run(['--from', 'claude-code', '--input', OPENHANDS]);
    expect(r.status).toBe(3);
    expect(r.stderr).toBe(
      `fleet-proposals: Not a Claude Code log: the content looks like an OpenHands trajectory (--from openhands or auto), in ${OPENHANDS}\n`,
    );
  });

  it('--from codex on a Claude Code folder', () => {
    const r = run(['--from', 'codex', '--input', CLAUDE_DIR]);
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(
      /^fleet-proposals: Not a Codex CLI rollout: the content looks like a Claude Code log \(--from claude-code or auto\), in .*\.jsonl\n$/,
    );
  });

  it('--from codex on a session archive', () => {
    const r = run(['--from', 'codex', '--input', '-'], SESSIONS);
    expect(r.status).toBe(3);
    expect(r.stderr).toBe(
      'fleet-proposals: Not a Codex CLI rollout: the content looks like a session archive (the reference format) (--from sessions or auto), in <stdin>\n',
    );
  });
});

describe('records without any session field', () => {
  it('--from sessions on a Claude Code log warns that it may be an agent log', () => {
    const r = run(['--from', 'sessions', '--input', CLAUDE]);
    const lines = readFileSync(CLAUDE, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '').length;
    expect(r.status).toBe(0);
    expect(r.stderr).toBe(`${CLAUDE}: ${lines} records without any session field: is this an agent log? Try --from\n`);
  });

  it('names the first five files and counts the rest, in input order, for any worker count', () => {
    const d = tmpDir();
    for (let i = 0; i < 7; i++) writeFileSync(path.join(d, `f${i}.jsonl`), '{"x": 1}\n{"y": 2}\n');
    writeFileSync(path.join(d, 'g.json'), SESSIONS);
    const one = run(['--input', d, '--workers', '1']);
    expect(one.stderr.split('\n')).toEqual([
      ...[0, 1, 2, 3, 4].map((i) => `${path.join(d, `f${i}.jsonl`)}: 2 records without any session field: is this an agent log? Try --from`),
      '... and 2 more files like this',
      '',
    ]);
    expect(run(['--input', d, '--workers', '2'])).toEqual(one);
  });

  it('a file with one session field somewhere gives no warning', () => {
    expect(run(['--input', '-'], '{"x": 1}\n{"repo": "r"}\n').stderr).toBe('');
  });
});

describe('a file that grows while it is read', () => {
  it.each([1, 2])('is read up to the size seen when it was opened (--workers %s)', async (workers) => {
    const d = tmpDir();
    const f = path.join(d, 'live.json');
    const g = path.join(d, 'other.json');
    writeFileSync(f, SESSIONS);
    writeFileSync(g, SESSIONS);
    const { files } = await resolveInputs([f, g]);
    // appended after classification, before the read: not part of this run's input
    appendFileSync(f, `\n${SESSIONS}`);
    const o = options({ workers });
    const r =
      workers === 1
        ? await analyzeSequential(files, { parser: 'fast', strict: false, profile: 'seed' })
        : await analyzeParallel(files, o, NO_PROGRESS);
    expect(r.state.sessions).toBe(10); // 5 + 5, nothing of what was appended
  });
});
