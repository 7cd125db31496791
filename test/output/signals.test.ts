import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// The built CLI in a child process, with writes stalled after the first chunk (stall-writes.mjs).
const CLI = path.resolve(import.meta.dirname, '../../dist/cli.js');
const STALL = path.resolve(import.meta.dirname, 'stall-writes.mjs');
const SAMPLE = path.resolve(import.meta.dirname, '../../fixtures/sample/sessions.json');

async function interruptWrite(signal: 'SIGINT' | 'SIGTERM', flag: '--output' | '--emit-state') {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fp-signal-'));
  const out = path.join(dir, 'report.md');
  writeFileSync(out, 'previous');
  const child = spawn(process.execPath, ['--import', STALL, CLI, '--input', SAMPLE, flag, out], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  const stalled = new Promise<void>((resolve) =>
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (stderr.includes('STALLED\n')) resolve();
    }),
  );
  const exited = new Promise<string>((resolve) => child.on('close', (code, sig) => resolve(sig ?? `exit ${code}`)));
  await stalled;
  const during = readdirSync(dir).sort();
  child.kill(signal);
  return { code: await exited, during, after: readdirSync(dir).sort(), kept: readFileSync(out, 'utf8') };
}

describe('a signal during the output write', () => {
  it.each([
    ['SIGINT', '--output'],
    ['SIGTERM', '--output'],
    ['SIGTERM', '--emit-state'],
  ] as const)('%s with %s removes the temporary file and ends by that signal (a shell says 130, 143)', async (signal, flag) => {
    const r = await interruptWrite(signal, flag);
    expect(r.during).toHaveLength(2); // the temporary file existed
    expect(r.during.find((n) => n !== 'report.md')).toMatch(/^\.fp-[0-9a-f]{12}\.tmp$/);
    expect(r.code).toBe(signal);
    expect(r.after).toEqual(['report.md']);
    expect(r.kept).toBe('previous');
  });
});
