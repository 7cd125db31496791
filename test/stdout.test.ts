import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// Real child processes running the built CLI: what the shell gives it as stdout is the point.
const CLI = path.resolve(import.meta.dirname, '../dist/cli.js');
const SAMPLE = path.resolve(import.meta.dirname, '../fixtures/sample/sessions.json');
const isRoot = process.getuid?.() === 0;
if (!isRoot) console.warn('SKIPPED: test/stdout.test.ts /dev/full test needs root for mknod');

function runWithStdout(stdoutFd: number) {
  return spawnSync(process.execPath, [CLI, '--input', SAMPLE], { stdio: ['ignore', stdoutFd, 'pipe'], encoding: 'utf8' });
}

describe('writing the report to stdout', () => {
  it.skipIf(!isRoot)('a full device (`> /dev/full`, made by mknod) is exit 4 with the reason', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'fp-stdout-'));
    const full = path.join(dir, 'full');
    execFileSync('mknod', ['-m', '666', full, 'c', '1', '7']);
    const fd = openSync(full, 'w');
    try {
      const r = runWithStdout(fd);
      expect(r.stderr).toBe('fleet-proposals: Cannot write output: no space left on device (stdout)\n');
      expect(r.status).toBe(4);
    } finally {
      closeSync(fd);
    }
  });

  it('a stdout open for reading only (`1<file`) is exit 4: bad file descriptor', () => {
    // A closed stdout (`>&-`) cannot be seen: Node reopens fd 1 on /dev/null before any code runs.
    const dir = mkdtempSync(path.join(os.tmpdir(), 'fp-stdout-'));
    const f = path.join(dir, 'read-only-fd');
    writeFileSync(f, '');
    const fd = openSync(f, 'r');
    try {
      const r = runWithStdout(fd);
      expect(r.stderr).toBe('fleet-proposals: Cannot write output: bad file descriptor (stdout)\n');
      expect(r.status).toBe(4);
    } finally {
      closeSync(fd);
    }
  });

  it('a reader that went away (EPIPE, `| head -1`) is a quiet exit 0', async () => {
    const child = spawn(process.execPath, [CLI, '--input', SAMPLE], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy(); // closed before the report is written: its write gets EPIPE
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});
