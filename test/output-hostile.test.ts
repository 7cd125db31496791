/**
 * Output targets as a careless user gives them: a disk that fills up in the middle of a write,
 * a new file under the user's umask, a path that ends in '/', the input itself, a reader that
 * goes away. In process (runCli, writeOutput) where the case allows, so the file stays fast.
 */
import { mkdtempSync, promises as fsp, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeOutput } from '../src/output.js';
import { runCli } from './helpers.js';

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
