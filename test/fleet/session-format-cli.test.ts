/**
 * The session format's optional fleet fields (README, "Session format fields for the
 * fleet profile") through the whole CLI: the decoder keeps them, the fleet report
 * reads them, and the report is the same bytes for one thread and worker threads
 * (which read a fleet file whole: its evidence lines are the file's). Also: the seed report of the same archive
 * ignores them (it equals the seed report of the archive without them).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'fp-fleet-sf-'));

interface Written {
  input: number;
  output: number;
  sessions: number;
}

/** `n` sessions; every third one loops on a failing `git commit` before bypassing the hook. */
function archive(n: number, withFleetFields: boolean): { file: string; written: Written } {
  const records: unknown[] = [];
  const written: Written = { input: 0, output: 0, sessions: n };
  for (let i = 0; i < n; i++) {
    const t0 = Date.UTC(2026, 0, 1 + (i % 20), 10, 0, 0);
    const at = (s: number) => new Date(t0 + s * 1000).toISOString();
    const loops = i % 3 === 0;
    const calls = loops
      ? [
          { tool: 'Bash', latency_ms: 900, command: 'git commit -m "wip"', ok: false, error: `pre-commit hook failed: ${i} files`, timestamp: at(1) },
          { tool: 'Edit', latency_ms: 20, ok: true, timestamp: at(30) },
          {
            tool: 'Bash',
            latency_ms: 950,
            command: 'git add -A && git commit -m "wip"',
            ok: false,
            error: `pre-commit hook failed: ${i + 1} files`,
            timestamp: at(60),
          },
          { tool: 'Bash', latency_ms: 400, command: 'git commit --no-verify -m "wip"', ok: true, timestamp: at(90) },
        ]
      : [{ tool: 'Read', latency_ms: 15, ok: true, timestamp: at(1) }];
    const base = { session_id: `s${i}`, repo: `repo${i % 4}`, duration_minutes: 2, errors: [] as string[] };
    if (!withFleetFields) {
      records.push({ ...base, tool_calls: calls.map((c) => ({ tool: c.tool, latency_ms: c.latency_ms })) });
      continue;
    }
    const usage = { input_tokens: 100 + i, output_tokens: 10 * i };
    written.input += usage.input_tokens;
    written.output += usage.output_tokens;
    records.push({ ...base, model: 'claude-sonnet-4-20250514', usage, started_at: at(0), branch: `b${i}`, tool_calls: calls });
  }
  const file = path.join(dir, `${withFleetFields ? 'fleet' : 'plain'}-${n}.json`);
  writeFileSync(file, JSON.stringify(records, null, 1));
  return { file, written };
}

describe('--profile fleet on the session format', () => {
  afterEach(() => {
    delete process.env['FLEET_PROPOSALS_SHARD_BYTES'];
  });

  it('reads the optional fleet fields, the same bytes for any workers, shards and decoder', async () => {
    const { file, written } = archive(60, true);
    const args = ['--profile', 'fleet', '--input', file, '--format', 'json', '--quiet'];
    const one = await runCli([...args, '--workers', '1']);
    expect(one.code).toBe(0);
    const report = JSON.parse(one.stdout) as {
      sessions: number;
      cost: { tokens: { input: number; output: number } };
      findings: { kind: string; key: string; session_count: number; details?: Record<string, number> }[];
    };
    expect(report.sessions).toBe(written.sessions);
    expect(report.cost.tokens.input).toBe(written.input);
    expect(report.cost.tokens.output).toBe(written.output);
    const loop = report.findings.find((f) => f.kind === 'failed_retry' && f.key === 'git commit');
    expect(loop?.session_count).toBe(20);
    expect(loop?.details).toMatchObject({ loops: 20, bypassed: 20 });
    process.env['FLEET_PROPOSALS_SHARD_BYTES'] = '300';
    for (const extra of [
      ['--workers', '2'],
      ['--workers', '3'],
    ]) {
      const r = await runCli([...args, ...extra]);
      expect(r.stdout, extra.join(' ')).toBe(one.stdout);
    }
    // stream-json knows no record lines: the evidence would point nowhere, so it is refused
    const sj = await runCli([...args, '--parser', 'stream-json']);
    expect(sj.code).toBe(2);
    expect(sj.stderr).toBe(
      'fleet-proposals: error: argument --parser: the fleet profile needs record lines for its evidence, which only --parser fast gives (see --help)\n',
    );
  }, 120_000);

  it('leaves the seed report untouched: the fields are read by the fleet profile only', async () => {
    const withFields = archive(30, true).file;
    const without = archive(30, false).file;
    const a = await runCli(['--input', withFields, '--format', 'json']);
    const b = await runCli(['--input', without, '--format', 'json']);
    expect(a.code).toBe(0);
    expect(a.stdout).toBe(b.stdout);
  });
});
