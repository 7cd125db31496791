/**
 * The CLI leaves the choice of the parallel path to the engine (no backend in `Io`):
 * `--workers N` > 1 reaches workers/pool.ts, `--workers 1` never does; so for the library. The pool is
 * replaced by a spy here, which also stands in for a bug inside the analysis.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { analyzeInputs } from '../src/engine.js';
import { analyzeParallel } from '../src/workers/pool.js';
import { runCli } from './helpers.js';

vi.mock('../src/workers/pool.js', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../src/workers/pool.js')>()),
  analyzeParallel: vi.fn(),
}));
const parallel = vi.mocked(analyzeParallel);

function archive(): string {
  const f = path.join(mkdtempSync(path.join(os.tmpdir(), 'fp-cli-engine-')), 'a.json');
  writeFileSync(f, JSON.stringify([{ session_id: 's', tool_calls: [{ tool: 'Bash', latency_ms: 9000 }] }]));
  return f;
}

beforeEach(() => {
  parallel.mockReset();
  parallel.mockRejectedValue(new TypeError("Cannot read properties of undefined (reading 'x')"));
});

describe('the engine chooses the path from --workers', () => {
  it('--workers 1 reads on this thread', async () => {
    const r = await runCli(['--input', archive(), '--workers', '1', '--format', 'json']);
    expect(r.code).toBe(0);
    expect(parallel).not.toHaveBeenCalled();
  });

  it('--workers 3 goes to the pool with the options', async () => {
    await runCli(['--input', archive(), '--workers', '3', '--parser', 'stream-json', '--strict']);
    expect(parallel).toHaveBeenCalledTimes(1);
    expect(parallel.mock.calls[0]![1]).toMatchObject({ workers: 3, parser: 'stream-json', strict: true, from: 'auto' });
  });
});

describe('analyzeInputs', () => {
  it('takes the same path, and caps workers at twice the available cores as the CLI does', async () => {
    await expect(analyzeInputs([archive()], { workers: 1 })).resolves.toMatchObject({ sessions: 1 });
    expect(parallel).not.toHaveBeenCalled();
    await analyzeInputs([archive()], { workers: 10_000 }).catch(() => undefined);
    expect(parallel).toHaveBeenCalledTimes(1);
    expect(parallel.mock.calls[0]![1]).toMatchObject({ workers: 2 * Math.max(1, os.availableParallelism()) });
  });
});

describe('internal errors', () => {
  it('print one line asking for a report and exit 70, no stack trace', async () => {
    const r = await runCli(['--input', archive(), '--workers', '2']);
    expect(r.code).toBe(70);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^fleet-proposals: internal error: TypeError: Cannot read properties of undefined \(reading 'x'\) — please report this/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
