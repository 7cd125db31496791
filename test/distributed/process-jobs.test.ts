/** The distributed pieces that need no Redis: plan -> shard jobs -> merge job, against a local run. */
import { mkdtempSync, promises as fsp, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeSequential } from '../../src/analyze.js';
import type { MergeJobData, ShardJobData } from '../../src/distributed/_jobs.js';
import { planDistributed } from '../../src/distributed/_plan.js';
import { getState } from '../../src/distributed/_state-ref.js';
import { parseSize } from '../../src/distributed/cli-options.js';
import { checkVersion, processMerge, processShard } from '../../src/distributed/process-jobs.js';
import { resolveInputs } from '../../src/input/sources.js';
import { serializeState } from '../../src/state-file.js';
import { jsonLines } from '../cache/_archive.js';
import { runCli } from '../helpers.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'fp-dist-unit-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function session(i: number): unknown {
  return {
    session_id: `s${i}`,
    repo: ['api', 'web'][i % 2],
    errors: [{ message: `err ${i % 5}` }],
    tool_calls: Array.from({ length: 1 + (i % 13) }, (_, k) => ({ tool: ['Bash', 'Read', 'Edit'][k % 3], latency_ms: 10 * i + k })),
    duration_minutes: i % 40,
  };
}

async function archive(name: string, extra?: (dir: string) => Promise<void>): Promise<string> {
  const dir = path.join(root, name);
  await fsp.mkdir(dir, { recursive: true });
  const records: unknown[] = Array.from({ length: 600 }, (_, i) => session(i));
  records.splice(37, 0, 42, { tool_calls: 'x' }); // skipped as malformed, with lines that must come out right
  await fsp.writeFile(path.join(dir, 'a.jsonl'), jsonLines(records));
  await fsp.writeFile(path.join(dir, 'b.json'), JSON.stringify(Array.from({ length: 50 }, (_, i) => session(1000 + i))));
  await fsp.writeFile(path.join(dir, 'c.jsonl'), jsonLines(Array.from({ length: 300 }, (_, i) => session(2000 + i))));
  await extra?.(dir);
  return dir;
}

const opts = { parser: 'fast', strict: false, from: 'auto', profile: 'seed' } as const;

/** What the workers would do, in process: every shard job, then the merge job. */
async function runJobs(dir: string, shardBytes: number, spillBytes: number) {
  const { files } = await resolveInputs([dir]);
  const plan = await planDistributed(files, shardBytes, 'auto');
  const stamp = { tool: 't', stateVersion: 1, runId: 'r', spillDir: path.join(dir, '..', `${path.basename(dir)}-spill`), spillBytes, ...opts };
  const results = [];
  for (let f = 0; f < files.length; f++) {
    const shards = plan[f]!;
    for (let k = 0; k < shards.length; k++) {
      const s = shards[k]!;
      const data: ShardJobData = {
        ...stamp,
        path: path.resolve(files[f]!.path),
        display: files[f]!.path,
        size: files[f]!.size,
        fileIndex: f,
        shardIndex: k,
        shards: shards.length,
        kind: s.kind,
        start: s.kind === 'jsonl' ? s.start : 0,
        end: s.kind === 'jsonl' ? s.end : 0,
      };
      results.push(await processShard(data));
    }
  }
  const merge: MergeJobData = { ...stamp, files: files.length };
  return { files, plan, merged: await processMerge(merge, results.reverse()) };
}

describe('distributed jobs without Redis', () => {
  it.each([
    ['inline states', 4096, 1 << 30],
    ['states spilled to the shared folder', 4096, 0],
    ['whole files', 1 << 30, 1 << 30],
  ])('merge the shards into the local state (%s)', async (_name, shardBytes, spillBytes) => {
    const dir = await archive(`ok-${shardBytes}-${spillBytes}`);
    const { files, plan, merged } = await runJobs(dir, shardBytes, spillBytes);
    if (shardBytes === 4096) expect(plan[0]!.length).toBeGreaterThan(5);
    expect(merged.ok).toBe(true);
    if (!merged.ok) return;
    if (spillBytes === 0) expect('file' in merged.state).toBe(true);
    const local = await analyzeSequential(files, opts);
    const distributed = await getState(merged.state);
    expect(serializeState(distributed)).toBe(serializeState(local));
    // malformed records are listed with the file's own line numbers
    expect(distributed.malformed.first.map((m) => m.context.line)).toEqual(local.malformed.first.map((m) => m.context.line));
    expect(distributed.malformed.first[0]?.context.line).toBe(38);
  });

  it('fails with the located error of a local run when a range holds invalid JSON', async () => {
    const dir = await archive('bad', async (d) => {
      const p = path.join(d, 'c.jsonl');
      const text = await fsp.readFile(p, 'utf8');
      const lines = text.split('\n');
      lines[200] = '{"session_id": "broken", ';
      await fsp.writeFile(p, lines.join('\n'));
    });
    const { files, merged } = await runJobs(dir, 4096, 1 << 30);
    expect(merged.ok).toBe(false);
    const local = await analyzeSequential(files, opts).then(
      () => undefined,
      (e: Error) => e.message,
    );
    expect(local).toMatch(/line 201/);
    if (!merged.ok) expect(merged.error.message).toBe(local);
  });

  it('refuses a job of another version', () => {
    expect(() => checkVersion({ tool: '0.0.1', stateVersion: 1 }, '0.1.0', 1)).toThrow(
      /Version mismatch: this worker is fleet-proposals 0.1.0 .* submitted by 0.0.1/,
    );
    expect(() => checkVersion({ tool: '0.1.0', stateVersion: 2 }, '0.1.0', 1)).toThrow(/state version 2/);
    expect(() => checkVersion({ tool: '0.1.0', stateVersion: 1 }, '0.1.0', 1)).not.toThrow();
  });

  it.each([
    [['--cache', 'c', '--redis', 'redis://127.0.0.1:1'], /--cache and --redis: not allowed together/],
    [['--shard-size', '64MB'], /--shard-size: only used with --redis/],
    [['--redis', 'redis://127.0.0.1:1', '--shard-size', 'big'], /--shard-size: expected a size such as 256MB, got 'big'/],
    [['--redis', 'http://127.0.0.1:1'], /--redis: expected a redis:\/\/ or rediss:\/\/ URL/],
    [['--redis', 'redis://127.0.0.1:1', '--input', '-'], /stdin cannot be distributed/],
  ] as const)('usage errors: %j', async (args, message) => {
    const r = await runCli(['--input', 'fixtures/sample/sessions.json', ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it.each([
    ['256MB', 256e6],
    ['64MiB', 64 * 1024 * 1024],
    ['1.5GB', 1.5e9],
    ['4096', 4096],
    ['12 parsecs', undefined],
    ['0', undefined],
  ] as const)('parseSize(%s)', (text, bytes) => expect(parseSize(text)).toBe(bytes));
});
