/**
 * SIGINT and SIGTERM must end a run that is blocked in the kernel: opening a FIFO that has no
 * writer (input) or no reader (output), reading a pipe whose writer is silent. Such a call sits
 * in a libuv thread, and process.exit waits for those threads at exit: before, the first signal
 * was swallowed and only SIGKILL (or a second Ctrl-C) stopped the run; `timeout` could not.
 * The built CLI in a child process; the signal is sent once the child is seen blocked (/proc).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, constants as fsc, existsSync, mkdtempSync, openSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const CLI = path.resolve(import.meta.dirname, '../../dist/cli.js');
const SAMPLE = path.resolve(import.meta.dirname, '../../fixtures/sample/sessions.json');
const CLAUDE_LOG = path.resolve(import.meta.dirname, '../../fixtures/agents/claude-code/-home-dev-alpha');

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'fp-blocked-'));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Wait until a thread of `pid` sleeps in the kernel where `wchan` says (fifo open, pipe read); false after 10 s. */
async function blockedIn(pid: number, wchan: RegExp): Promise<boolean> {
  for (let i = 0; i < 200; i++) {
    try {
      for (const t of readdirSync(`/proc/${pid}/task`)) if (wchan.test(readFileSync(`/proc/${pid}/task/${t}/wchan`, 'utf8'))) return true;
    } catch {
      // the thread or the process went away
    }
    await sleep(50);
  }
  return false;
}

/** How the child ended, within 5 s of the signal (else it is killed and 'hung' is reported). */
async function endAfter(child: ChildProcess, signal: NodeJS.Signals): Promise<string> {
  const ended = new Promise<string>((resolve) => child.on('close', (code, sig) => resolve(sig ?? `exit ${code}`)));
  child.kill(signal);
  const r = await Promise.race([ended, sleep(5000).then(() => 'hung')]);
  if (r === 'hung') child.kill('SIGKILL');
  return r;
}

const FIFO_OPEN = /partner|fifo/; // wait_for_partner (fifo_open on older kernels)
const PIPE_READ = /pipe/; // anon_pipe_read, pipe_read, pipe_wait

describe('a signal while the run is blocked in the kernel', () => {
  it('an input FIFO without a writer: SIGTERM ends the run by that signal', async () => {
    const dir = tmp();
    const fifo = path.join(dir, 'in.fifo');
    execFileSync('mkfifo', [fifo]);
    const child = spawn(process.execPath, [CLI, '--input', fifo], { stdio: 'ignore' });
    expect(await blockedIn(child.pid!, FIFO_OPEN)).toBe(true);
    expect(await endAfter(child, 'SIGTERM')).toBe('SIGTERM');
  });

  it('an input pipe whose writer is silent (a slow `<(cmd)`): SIGINT ends the run by that signal', async () => {
    const dir = tmp();
    const fifo = path.join(dir, 'in.fifo');
    execFileSync('mkfifo', [fifo]);
    const writer = openSync(fifo, fsc.O_RDWR); // a writer that never writes (O_RDWR: opening does not wait)
    try {
      const child = spawn(process.execPath, [CLI, '--input', fifo, '--workers', '2'], { stdio: 'ignore' });
      expect(await blockedIn(child.pid!, PIPE_READ)).toBe(true);
      expect(await endAfter(child, 'SIGINT')).toBe('SIGINT');
    } finally {
      closeSync(writer);
    }
  });

  it('an output FIFO without a reader: SIGINT ends the run by that signal', async () => {
    const dir = tmp();
    const fifo = path.join(dir, 'out.fifo');
    execFileSync('mkfifo', [fifo]);
    const child = spawn(process.execPath, [CLI, '--input', SAMPLE, '--output', fifo], { stdio: 'ignore' });
    expect(await blockedIn(child.pid!, FIFO_OPEN)).toBe(true);
    expect(await endAfter(child, 'SIGINT')).toBe('SIGINT');
  });

  it("an agent log arriving on stdin: the signal removes the log's private copy", async () => {
    const log = readdirSync(CLAUDE_LOG).find((n) => n.endsWith('.jsonl'))!;
    const child = spawn(process.execPath, [CLI], { stdio: ['pipe', 'ignore', 'ignore'] });
    // more than the 64 KB sniffed to recognise the format; stdin stays open, so the copy is under way
    const text = readFileSync(path.join(CLAUDE_LOG, log), 'utf8');
    child.stdin!.write(text.repeat(Math.ceil(200_000 / text.length)));
    const scratch = () => readdirSync(os.tmpdir()).filter((n) => n.startsWith(`fleet-proposals-${child.pid}-`));
    for (let i = 0; i < 200 && scratch().length === 0; i++) await sleep(50);
    const copies = scratch();
    expect(copies).toHaveLength(1);
    expect(await endAfter(child, 'SIGTERM')).toBe('SIGTERM');
    expect(existsSync(path.join(os.tmpdir(), copies[0]!))).toBe(false);
  });
});
