/**
 * Output targets as a careless user gives them: a disk that fills up in the middle of a write,
 * a new file under the user's umask, a path that ends in '/', the input itself, a reader that
 * goes away. In process (runCli, writeOutput) where the case allows, so the file stays fast.
 */
import { execFileSync, spawn } from 'node:child_process';
import {
  closeSync,
  constants as fsc,
  linkSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  promises as fsp,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeOutput } from '../src/output.js';
import { runCli } from './helpers.js';

const CLI = path.resolve(import.meta.dirname, '../dist/cli.js');
const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'fp-outh-'));
const entries = (dir: string) => readdirSync(dir).sort();

/**
 * Make every FileHandle write take at most `max` bytes, as write(2) does when the disk fills up
 * in the middle of a chunk (the next write then fails with ENOSPC). Returns the undo.
 */
async function shortWrites(max: number): Promise<() => void> {
  const probe = await fsp.open(process.execPath, 'r');
  const proto = Object.getPrototypeOf(probe) as { write: (...args: unknown[]) => Promise<{ bytesWritten: number }> };
  await probe.close();
  const write = proto.write;
  proto.write = function (this: unknown, data: unknown, ...rest: unknown[]) {
    if (typeof data === 'string') return write.call(this, Buffer.from(data, (rest[1] as BufferEncoding) ?? 'utf8').subarray(0, max));
    const buf = data as Buffer;
    const offset = (rest[0] as number | undefined) ?? 0;
    const length = (rest[1] as number | undefined) ?? buf.length - offset;
    return write.call(this, buf, offset, Math.min(length, max), rest[2]);
  };
  return () => {
    proto.write = write;
  };
}

describe('a write the system takes only in part (a disk that fills up)', () => {
  let undo: (() => void) | undefined;
  afterEach(() => {
    undo?.();
    undo = undefined;
  });

  it('writes every byte or fails: never a truncated report saved as complete', async () => {
    const dir = tmp();
    const report = `${'é'.repeat(3000)}\n${'x'.repeat(20_000)}`;
    const fresh = path.join(dir, 'new.html');
    const existing = path.join(dir, 'old.md');
    writeFileSync(existing, 'previous');
    undo = await shortWrites(4096);
    await writeOutput(fresh, report);
    await writeOutput(existing, ['a'.repeat(5000), report]);
    undo();
    // sizes first: a failure prints two numbers, not 40 KB of text
    expect(statSync(fresh).size).toBe(Buffer.byteLength(report));
    expect(readFileSync(fresh, 'utf8') === report).toBe(true);
    expect(readFileSync(existing, 'utf8') === 'a'.repeat(5000) + report).toBe(true);
    expect(entries(dir)).toEqual(['new.html', 'old.md']);
  });
});

describe('a new output file', () => {
  it('gets the mode `>` and cp give it (0666 less the umask), not 0600', async () => {
    const dir = tmp();
    const shell = path.join(dir, 'by-shell.md');
    writeFileSync(shell, 'x'); // created as `>` creates: 0666 & ~umask
    const report = path.join(dir, 'report.md');
    const state = path.join(dir, 'state.json');
    await writeOutput(report, 'report');
    await writeOutput(state, ['{', '}']);
    expect((statSync(report).mode & 0o7777).toString(8)).toBe((statSync(shell).mode & 0o7777).toString(8));
    expect((statSync(state).mode & 0o7777).toString(8)).toBe((statSync(shell).mode & 0o7777).toString(8));
  });
});

describe('a path that ends with "/"', () => {
  it('names a folder, as for `>`: exit 4 before any input is read, and no file named like the folder', async () => {
    const dir = tmp();
    const file = path.join(dir, 'report.md');
    writeFileSync(file, 'previous');
    const missing = path.join(dir, 'missing.json'); // exit 4 rather than 3: the output was checked first
    for (const [target, why] of [
      [`${dir}/newdir/`, 'no such folder (the path ends with "/")'],
      [`${file}/`, 'not a folder (the path ends with "/")'],
      [`${dir}/`, 'it is a folder'],
    ] as const) {
      for (const flag of ['--output', '--emit-state']) {
        const r = await runCli(['--input', missing, flag, target]);
        expect(r.stderr, `${flag} ${target}`).toBe(`fleet-proposals: Cannot write output: ${why}, in ${target}\n`);
        expect(r.code).toBe(4);
      }
    }
    expect(entries(dir)).toEqual(['report.md']);
    expect(readFileSync(file, 'utf8')).toBe('previous');
  });
});

describe('an output that is one of the inputs', () => {
  function archive(dir: string, name = 'in.json'): string {
    const f = path.join(dir, name);
    writeFileSync(f, JSON.stringify([{ session_id: 'a', errors: [{ message: 'Boom' }] }]));
    return f;
  }

  it('is refused with exit 4 before the analysis: the report would replace the archive it was made from', async () => {
    const dir = tmp();
    const input = archive(dir);
    const before = readFileSync(input, 'utf8');
    const link = path.join(dir, 'link.json');
    symlinkSync(input, link);
    const hard = path.join(dir, 'hard.json');
    linkSync(input, hard);
    const inner = path.join(dir, 'sub');
    mkdirSync(inner);
    const innerFile = archive(inner, 'part.json');
    for (const [inputs, target] of [
      [[input], input],
      [[input], link],
      [[link], input],
      [[input], hard],
      [[inner], innerFile], // a file of an input folder, e.g. a report written there by the last run
    ] as const) {
      for (const flag of ['--output', '--emit-state']) {
        const r = await runCli([...inputs.flatMap((i) => ['--input', i]), flag, target]);
        expect(r.stderr, `${inputs} ${flag} ${target}`).toBe(
          `fleet-proposals: Cannot write output: it is one of the inputs, which it would replace, in ${target}\n`,
        );
        expect(r.code).toBe(4);
      }
    }
    expect(readFileSync(input, 'utf8')).toBe(before);
    expect(entries(dir)).toEqual(['hard.json', 'in.json', 'link.json', 'sub']);
  });

  it('merge: a report may not replace a state file, a state may (it holds that state: nothing is lost)', async () => {
    const dir = tmp();
    const input = archive(dir);
    const a = path.join(dir, 'a.state');
    const b = path.join(dir, 'b.state');
    expect((await runCli(['--input', input, '--emit-state', a])).code).toBe(0);
    expect((await runCli(['--input', input, '--emit-state', b])).code).toBe(0);
    const stateA = readFileSync(a, 'utf8');
    const r = await runCli(['merge', a, b, '--output', a]);
    expect(r.stderr).toBe(`fleet-proposals: Cannot write output: it is one of the inputs, which it would replace, in ${a}\n`);
    expect(r.code).toBe(4);
    expect(readFileSync(a, 'utf8')).toBe(stateA);
    const expected = (await runCli(['merge', a, b, '--format', 'json', '--threshold', '0'])).stdout;
    const acc = await runCli(['merge', a, b, '--emit-state', a]); // accumulate: all.state = all.state + new.state
    expect(acc.code).toBe(0);
    expect((await runCli(['merge', a, '--format', 'json', '--threshold', '0'])).stdout).toBe(expected);
  });
});

describe('a reader that goes away (EPIPE) on a FIFO or /dev/stdout', () => {
  it('ends the write quietly, as for stdout and cat: writeOutput says the report was not all taken', async () => {
    const dir = tmp();
    const fifo = path.join(dir, 'out.fifo');
    execFileSync('mkfifo', [fifo]);
    const reader = openSync(fifo, fsc.O_RDONLY | fsc.O_NONBLOCK);
    const big = Array.from({ length: 64 }, () => 'x'.repeat(16 * 1024)); // 1 MB: more than the pipe holds
    const written = writeOutput(fifo, big);
    await new Promise((resolve) => setTimeout(resolve, 200)); // the pipe is full, the write waits
    closeSync(reader);
    expect(await written).toBe(false);
    expect(await writeOutput(path.join(dir, 'file.md'), 'all of it')).toBe(true);
  });

  it('the CLI: `--emit-state /dev/stdout | head -c 10` exits 0 with nothing on stderr', async () => {
    const dir = tmp();
    const input = path.join(dir, 'in.json');
    // many distinct keys: a state larger than a pipe holds
    writeFileSync(
      input,
      JSON.stringify(Array.from({ length: 3000 }, (_, i) => ({ session_id: `s${i}`, errors: [{ message: `E${i} ${'y'.repeat(40)}` }] }))),
    );
    const child = spawn(process.execPath, [CLI, '--input', input, '--emit-state', '/dev/stdout'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.once('data', () => child.stdout.destroy()); // `head -c 10`: reads once, then goes away
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});
