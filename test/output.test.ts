import { execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  constants as fsConstants,
  readSync,
  chmodSync,
  linkSync,
  lstatSync,
  mkdtempSync,
  openSync,
  closeSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PassThrough, type Readable } from 'node:stream';
import { AnalyzerError } from '../src/errors.js';
import { checkWritable, writeOutput, writeToStream } from '../src/output.js';
import { runCli } from './helpers.js';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'fp-out-'));
const CLI = path.resolve(import.meta.dirname, '../dist/cli.js');
const isRoot = process.getuid?.() === 0;
if (!isRoot) console.warn('SKIPPED: test/output.test.ts device tests need root for mknod (run the suite as root)');

function archive(dir: string): string {
  const f = path.join(dir, 'in.json');
  const sessions = Array.from({ length: 4 }, (_, i) => ({
    session_id: `s${i}`,
    errors: [{ message: 'Boom' }],
    tool_calls: Array.from({ length: 12 }, () => ({ tool: 'Bash', latency_ms: 9000 })),
    duration_minutes: 60,
  }));
  writeFileSync(f, JSON.stringify(sessions));
  return f;
}

/** The JSON report of `input`, as stdout gets it (without the newline stdout adds). */
async function expectedReport(input: string): Promise<string> {
  return (await runCli(['--input', input, '--format', 'json'])).stdout.replace(/\n$/, '');
}

const entries = (dir: string) => readdirSync(dir).sort();

describe('--output to a regular file or a new path', () => {
  it('writes a new file, leaving no temporary file', async () => {
    const dir = tmp();
    const input = archive(dir);
    const out = path.join(dir, 'new.json');
    expect((await runCli(['--input', input, '--format', 'json', '--output', out])).code).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(await expectedReport(input));
    expect(entries(dir)).toEqual(['in.json', 'new.json']);
  });

  it("keeps an existing file's mode (chmod 600 stays 600)", async () => {
    const dir = tmp();
    const input = archive(dir);
    const out = path.join(dir, 'private.json');
    writeFileSync(out, 'old');
    chmodSync(out, 0o600);
    expect((await runCli(['--input', input, '--format', 'json', '--output', out])).code).toBe(0);
    expect(statSync(out).mode & 0o7777).toBe(0o600);
    expect(readFileSync(out, 'utf8')).toBe(await expectedReport(input));
    chmodSync(out, 0o640);
    await writeOutput(out, 'again');
    expect(statSync(out).mode & 0o7777).toBe(0o640);
  });

  it('follows a symbolic link: the file it points to gets the report, the link stays', async () => {
    const dir = tmp();
    const input = archive(dir);
    const real = path.join(dir, 'real.json');
    writeFileSync(real, '');
    const link = path.join(dir, 'link.json');
    symlinkSync('real.json', link);
    const chain = path.join(dir, 'chain.json');
    symlinkSync(link, chain);
    expect((await runCli(['--input', input, '--format', 'json', '--output', chain])).code).toBe(0);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(lstatSync(chain).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe('real.json');
    expect(readFileSync(real, 'utf8')).toBe(await expectedReport(input));
    // a dangling link: its target is created, as `>` does
    const dangling = path.join(dir, 'dangling.json');
    symlinkSync('made.json', dangling);
    await writeOutput(dangling, 'x');
    expect(lstatSync(dangling).isSymbolicLink()).toBe(true);
    expect(readFileSync(path.join(dir, 'made.json'), 'utf8')).toBe('x');
    expect(entries(dir)).toEqual(['chain.json', 'dangling.json', 'in.json', 'link.json', 'made.json', 'real.json']);
  });

  it('writes through a hard link, keeping the inode that every link shares (as cp and > do)', async () => {
    const dir = tmp();
    const input = archive(dir);
    const a = path.join(dir, 'a.json');
    const b = path.join(dir, 'b.json');
    writeFileSync(a, 'previous, longer than nothing');
    chmodSync(a, 0o604);
    linkSync(a, b);
    const ino = statSync(a).ino;
    expect((await runCli(['--input', input, '--format', 'json', '--output', a])).code).toBe(0);
    const report = await expectedReport(input);
    expect(readFileSync(b, 'utf8')).toBe(report);
    expect(statSync(a).ino).toBe(ino);
    expect(statSync(a).nlink).toBe(2);
    expect(statSync(a).mode & 0o7777).toBe(0o604);
    expect(entries(dir)).toEqual(['a.json', 'b.json', 'in.json']);
  });

  it('accepts a name of 255 bytes: the temporary name is short', async () => {
    for (const len of [240, 255]) {
      const dir = tmp();
      const input = archive(dir);
      const name = 'r'.repeat(len - 5) + '.json';
      const r = await runCli(['--input', input, '--format', 'json', '--output', path.join(dir, name)]);
      expect(r.stderr, String(len)).toMatch(/^Wrote /);
      expect(r.code).toBe(0);
      expect(entries(dir)).toEqual(['in.json', name].sort());
    }
  });

  it.skipIf(!isRoot)('refuses a read-only file with exit 4 before reading any input, even as root', async () => {
    const dir = tmp();
    const out = path.join(dir, 'locked.md');
    writeFileSync(out, 'keep me');
    chmodSync(out, 0o444);
    // the input does not exist: exit 4, not 3, shows the check came first
    const r = await runCli(['--input', path.join(dir, 'missing.json'), '--output', out]);
    expect(r.code).toBe(4);
    expect(r.stderr).toBe(`fleet-proposals: Cannot write output: the file is read-only, in ${out}\n`);
    expect(readFileSync(out, 'utf8')).toBe('keep me');
    const s = await runCli(['--input', path.join(dir, 'missing.json'), '--emit-state', out]);
    expect(s.code).toBe(4);
  });
});

describe.skipIf(!isRoot)('--output to what is not a regular file: written in place', () => {
  it('a character device stays a device (a /dev/null made by mknod)', async () => {
    const dir = tmp();
    const input = archive(dir);
    const dev = path.join(dir, 'null');
    execFileSync('mknod', ['-m', '666', dev, 'c', '1', '3']);
    const r = await runCli(['--input', input, '--output', dev]);
    expect(r.code).toBe(0);
    expect(statSync(dev).isCharacterDevice()).toBe(true);
    expect(entries(dir)).toEqual(['in.json', 'null']);
    await checkWritable(dev);
  });

  it('a full device (a /dev/full made by mknod) is exit 4 with the reason', async () => {
    const dir = tmp();
    const input = archive(dir);
    const dev = path.join(dir, 'full');
    execFileSync('mknod', ['-m', '666', dev, 'c', '1', '7']);
    const r = await runCli(['--input', input, '--output', dev]);
    expect(r.code).toBe(4);
    expect(r.stderr).toBe(`fleet-proposals: Cannot write output: no space left on device, in ${dev}\n`);
    expect(statSync(dev).isCharacterDevice()).toBe(true);
  });

  it('a FIFO is opened and written, not replaced', async () => {
    const dir = tmp();
    const input = archive(dir);
    const fifo = path.join(dir, 'pipe');
    execFileSync('mknod', [fifo, 'p']);
    const reader = spawn('cat', [fifo], { stdio: ['ignore', 'pipe', 'inherit'] });
    let got = '';
    reader.stdout.on('data', (d: Buffer) => (got += d.toString()));
    const done = new Promise((resolve) => reader.on('close', resolve));
    const r = await runCli(['--input', input, '--format', 'json', '--output', fifo]);
    await done;
    expect(r.code).toBe(0);
    expect(got).toBe(await expectedReport(input));
    expect(statSync(fifo).isFIFO()).toBe(true);
  });
});

describe('--output to an open file description', () => {
  it('/proc/self/fd/N writes through the open descriptor (here in append mode), never replaces the file', async () => {
    const dir = tmp();
    const input = archive(dir);
    const log = path.join(dir, 'log.txt');
    writeFileSync(log, 'earlier line\n');
    const fd = openSync(log, 'a');
    try {
      const r = await runCli(['--input', input, '--format', 'json', '--output', `/proc/self/fd/${fd}`]);
      expect(r.code).toBe(0);
    } finally {
      closeSync(fd);
    }
    expect(readFileSync(log, 'utf8')).toBe('earlier line\n' + (await expectedReport(input)));
    expect(entries(dir)).toEqual(['in.json', 'log.txt']);
  });

  it('a descriptor open for reading only is refused with exit 4 before the analysis', async () => {
    const dir = tmp();
    const ro = path.join(dir, 'ro.txt');
    writeFileSync(ro, 'x');
    const fd = openSync(ro, 'r');
    try {
      const r = await runCli(['--input', path.join(dir, 'missing.json'), '--output', `/proc/self/fd/${fd}`]);
      expect(r.code).toBe(4);
      expect(r.stderr).toBe(`fleet-proposals: Cannot write output: the descriptor is open for reading only, in /proc/self/fd/${fd}\n`);
    } finally {
      closeSync(fd);
    }
  });

  it('/dev/stdout of the built CLI is its standard output, whatever that is', () => {
    const dir = tmp();
    const input = archive(dir);
    const piped = spawnSync(process.execPath, [CLI, '--input', input, '--format', 'json', '--output', '/dev/stdout'], { encoding: 'utf8' });
    expect(piped.status).toBe(0);
    expect(JSON.parse(piped.stdout)).toBeInstanceOf(Array);
    expect(piped.stderr).toMatch(/^Wrote \d+ proposals to \/dev\/stdout\n$/);
    // stdout redirected to a file: the file gets the report and stays the same file
    const out = path.join(dir, 'redirected.json');
    const fd = openSync(out, 'w');
    try {
      const r = spawnSync(process.execPath, [CLI, '--input', input, '--format', 'json', '--output', '/dev/stdout'], {
        stdio: ['ignore', fd, 'pipe'],
      });
      expect(r.status).toBe(0);
    } finally {
      closeSync(fd);
    }
    expect(readFileSync(out, 'utf8')).toBe(piped.stdout);
    expect(entries(dir)).toEqual(['in.json', 'redirected.json']);
  });
});

describe('--emit-state into a descriptor with a slow reader', () => {
  it.each(['/dev/stdout', '/dev/fd/3'])('%s: waits for the reader and writes every byte', async (target) => {
    const dir = tmp();
    const input = path.join(dir, 'big.json');
    // manual-process sessions keep their repo names whole: megabytes of state, far more than a pipe holds
    const calls = Array.from({ length: 12 }, () => ({ tool: 'Bash', latency_ms: 1 }));
    const sessions = Array.from({ length: 10 }, (_, i) => ({
      session_id: `s${i}`,
      repo: String(i).repeat(200_000),
      tool_calls: calls,
      duration_minutes: 60,
    }));
    writeFileSync(input, JSON.stringify(sessions));
    const state = path.join(dir, 'file.state');
    expect((await runCli(['--input', input, '--emit-state', state, '--workers', '1'])).code).toBe(0);
    expect(statSync(state).size).toBeGreaterThan(1 << 20);
    // Node's child_process pipes are sockets, which cannot be opened by path (ENXIO)
    const child = spawn(process.execPath, [CLI, '--input', input, '--emit-state', target, '--workers', '1'], {
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    });
    const reader = (target === '/dev/stdout' ? child.stdout : child.stdio[3]) as Readable;
    const got: Buffer[] = [];
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    reader.pause();
    setTimeout(() => reader.on('data', (d: Buffer) => got.push(d)).resume(), 1500);
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(stderr).toBe(`Wrote the state of 10 sessions to ${target}\n`);
    expect(code).toBe(0);
    expect(Buffer.concat(got).toString('utf8')).toBe(readFileSync(state, 'utf8'));
  });
});

describe.skipIf(!isRoot)('--emit-state into a non-blocking descriptor', () => {
  it('retries on EAGAIN until a slow reader has taken every byte', async () => {
    const dir = tmp();
    const input = path.join(dir, 'big.json');
    // manual-process sessions keep their repo names whole: megabytes of state, far more than a pipe holds
    const calls = Array.from({ length: 12 }, () => ({ tool: 'Bash', latency_ms: 1 }));
    const sessions = Array.from({ length: 10 }, (_, i) => ({
      session_id: `s${i}`,
      repo: String(i).repeat(200_000),
      tool_calls: calls,
      duration_minutes: 60,
    }));
    writeFileSync(input, JSON.stringify(sessions));
    const state = path.join(dir, 'file.state');
    expect((await runCli(['--input', input, '--emit-state', state, '--workers', '1'])).code).toBe(0);
    expect(statSync(state).size).toBeGreaterThan(1 << 20);
    // a FIFO whose write end is O_NONBLOCK: the child inherits the flag, and the 64 KB pipe fills
    const fifo = path.join(dir, 'fifo');
    execFileSync('mknod', [fifo, 'p']);
    const readFd = openSync(fifo, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
    const writeFd = openSync(fifo, fsConstants.O_WRONLY | fsConstants.O_NONBLOCK);
    const child = spawn(process.execPath, [CLI, '--input', input, '--emit-state', '/dev/fd/3', '--workers', '1'], {
      stdio: ['ignore', 'ignore', 'pipe', writeFd],
    });
    closeSync(writeFd);
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise((resolve) => child.on('close', resolve));
    const got: Buffer[] = [];
    const buf = Buffer.alloc(1 << 16);
    for (;;) {
      let n: number;
      try {
        n = readSync(readFd, buf);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
        await new Promise((resolve) => setTimeout(resolve, 2));
        continue;
      }
      if (n === 0) break; // the writer closed its end
      got.push(Buffer.from(buf.subarray(0, n)));
      await new Promise((resolve) => setTimeout(resolve, 20)); // slow: the writer meets a full pipe
    }
    closeSync(readFd);
    expect(await exited).toBe(0);
    expect(stderr).toBe('Wrote the state of 10 sessions to /dev/fd/3\n');
    expect(Buffer.concat(got).toString('utf8')).toBe(readFileSync(state, 'utf8'));
  });
});

describe(`${writeOutput.name} with streamed content`, () => {
  async function* chunks(parts: string[], failAfter?: number) {
    for (let i = 0; i < parts.length; i++) {
      if (i === failAfter) throw new AnalyzerError('FP_INPUT', 'Value too large: test, in x');
      await new Promise((resolve) => setImmediate(resolve));
      yield parts[i]!;
    }
  }

  it('writes the chunks of an async iterable in order, to a file and to a stream', async () => {
    const dir = tmp();
    const parts = Array.from({ length: 50 }, (_, i) => `chunk ${i} ${'é'.repeat(i)}\n`);
    const out = path.join(dir, 'state.json');
    await writeOutput(out, chunks(parts));
    expect(readFileSync(out, 'utf8')).toBe(parts.join(''));
    await writeOutput(out, parts); // a plain iterable too
    expect(readFileSync(out, 'utf8')).toBe(parts.join(''));
    const sink = new PassThrough();
    let got = '';
    sink.on('data', (d: Buffer) => (got += d.toString()));
    await writeToStream(sink, chunks(parts));
    expect(got).toBe(parts.join(''));
  });

  it("a producer's error passes through unchanged and leaves the target as it was", async () => {
    const dir = tmp();
    const out = path.join(dir, 'state.json');
    writeFileSync(out, 'previous');
    const err = await writeOutput(out, chunks(['a', 'b', 'c'], 2)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AnalyzerError);
    expect((err as AnalyzerError).code).toBe('FP_INPUT');
    expect((err as AnalyzerError).message).toBe('Value too large: test, in x');
    expect(readFileSync(out, 'utf8')).toBe('previous');
    expect(entries(dir)).toEqual(['state.json']);
    const streamErr = await writeToStream(new PassThrough(), chunks(['a', 'b'], 1)).catch((e: unknown) => e);
    expect((streamErr as AnalyzerError).code).toBe('FP_INPUT');
  });
});

describe.skipIf(!isRoot)('as a normal user (the built CLI run as uid 65534)', () => {
  // a folder the user may not write to, holding a device, a writable file and a read-only one
  const dir = tmp();
  chmodSync(dir, 0o755);
  const input = path.join(dir, 'in.json');
  const run = (output: string, from = input) =>
    spawnSync(process.execPath, [CLI, '--input', from, '--format', 'json', '--output', output], { uid: 65534, gid: 65534, encoding: 'utf8' });
  const missing = path.join(dir, 'missing.json'); // exit 4 rather than 3 shows the output was checked first

  it('writes to a device and to a writable file in place; refuses what it may not write, before reading', () => {
    writeFileSync(input, JSON.stringify([{ session_id: 'a' }]));
    execFileSync('mknod', ['-m', '666', path.join(dir, 'null'), 'c', '1', '3']);
    writeFileSync(path.join(dir, 'open.txt'), 'old');
    chmodSync(path.join(dir, 'open.txt'), 0o666);
    writeFileSync(path.join(dir, 'theirs.txt'), 'old');
    chmodSync(path.join(dir, 'theirs.txt'), 0o644);

    const dev = run(path.join(dir, 'null'));
    expect(dev.stderr).toBe(`Wrote 0 proposals to ${dir}/null\n`);
    expect(dev.status).toBe(0);
    expect(statSync(path.join(dir, 'null')).isCharacterDevice()).toBe(true);

    const open = run(path.join(dir, 'open.txt'));
    expect(open.status).toBe(0);
    expect(readFileSync(path.join(dir, 'open.txt'), 'utf8')).toBe('[]');

    const theirs = run(path.join(dir, 'theirs.txt'), missing);
    expect(theirs.stderr).toBe(`fleet-proposals: Cannot write output: permission denied, in ${dir}/theirs.txt\n`);
    expect(theirs.status).toBe(4);
    const fresh = run(path.join(dir, 'new.txt'), missing);
    expect(fresh.stderr).toBe(`fleet-proposals: Cannot write output: folder ${dir} is missing or not writable, in ${dir}/new.txt\n`);
    expect(fresh.status).toBe(4);
    expect(entries(dir)).toEqual(['in.json', 'null', 'open.txt', 'theirs.txt']);
  });
});
