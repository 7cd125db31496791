import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeInputs } from '../src/engine.js';
import { AnalyzerError } from '../src/errors.js';
import { renderReport } from '../src/report/index.js';
import { FIXED_NOW, runCli } from './helpers.js';

const SAMPLE = path.resolve(import.meta.dirname, '../fixtures/sample/sessions.json');
const AGENTS = path.resolve(import.meta.dirname, '../fixtures/agents');

const dirs: string[] = [];
const tmpDir = () => {
  dirs.push(mkdtempSync(path.join(os.tmpdir(), 'fp-engine-')));
  return dirs.at(-1)!;
};
const writeFile = (dir: string, name: string, content: string | Buffer) => {
  writeFileSync(path.join(dir, name), content);
  return { path: path.join(dir, name) };
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe(analyzeInputs.name, () => {
  it('gives the report the CLI prints, for a folder of plain, gzip and JSON Lines archives, whatever the workers', async () => {
    const dir = tmpDir();
    const text = readFileSync(SAMPLE, 'utf8');
    const sessions = JSON.parse(text) as unknown[];
    writeFile(dir, '1.json', text);
    writeFile(dir, '2.json.gz', gzipSync(JSON.stringify(sessions.slice(0, 40))));
    writeFile(
      dir,
      '3.jsonl',
      sessions
        .slice(40, 90)
        .map((s) => JSON.stringify(s))
        .join('\n'),
    );
    writeFile(dir, 'notes.txt', 'not an archive');
    const cli = await runCli(['--input', dir, '--format', 'markdown', '--threshold', '0.5', '--workers', '1']);
    expect(cli.code).toBe(0);
    for (const workers of [1, 2]) {
      const report = await analyzeInputs([dir], { workers, threshold: 0.5 });
      expect(renderReport(report, 'markdown', FIXED_NOW) + '\n').toBe(cli.stdout);
      expect(report.sessions).toBe(sessions.length + 90);
      expect(report.skipped).toEqual([{ path: path.join(dir, 'notes.txt'), reason: expect.stringMatching(/^not an archive/) }]);
    }
  });

  it('reads agent logs like the CLI (--from auto)', async () => {
    const logs = [
      path.join(AGENTS, 'claude-code/-home-dev-alpha'),
      path.join(AGENTS, 'codex/*.jsonl'),
      path.join(AGENTS, 'swe-agent/acme__widgets-42.traj'),
    ];
    const cli = await runCli(['--input', ...logs, '--format', 'json', '--threshold', '0', '--workers', '1']);
    const report = await analyzeInputs(logs, { threshold: 0, workers: 2 });
    expect(cli.code).toBe(0);
    expect(renderReport(report, 'json', FIXED_NOW) + '\n').toBe(cli.stdout);
    expect(report.sessions).toBeGreaterThan(0);
  });

  it('counts malformed records, or throws FP_MALFORMED under strict', async () => {
    const f = writeFile(tmpDir(), 'bad.json', JSON.stringify([{ session_id: 'a', tool_calls: [] }, 5, { errors: 5 }]));
    const report = await analyzeInputs([f.path], { workers: 1 });
    expect(report.sessions).toBe(1);
    expect(report.malformed.count).toBe(2);
    expect(report.malformed.first.map((m) => m.context.file)).toEqual([f.path, f.path]);
    await expect(analyzeInputs([f.path], { workers: 2, strict: true })).rejects.toMatchObject({ code: 'FP_MALFORMED' });
  });

  it('no sessions is a report of 0 sessions, not an error (the CLI makes it exit 1)', async () => {
    const f = writeFile(tmpDir(), 'empty.json', '[]');
    const report = await analyzeInputs([f.path], { workers: 1 });
    expect(report).toMatchObject({ sessions: 0, proposals: [] });
  });

  it.each([
    [{ workers: 0 }, 'Invalid option: workers must be a positive integer, got 0'],
    [{ workers: 1.5 }, 'Invalid option: workers must be a positive integer, got 1.5'],
    [{ parser: 'simd' as 'fast' }, "Invalid option: parser must be 'fast' or 'stream-json', got 'simd'"],
    [{ from: 'cursor' }, /^Invalid option: from must be one of auto, sessions, .*codex.*, got 'cursor'$/],
  ])('rejects %o as a usage error (FP_USAGE, exit 2)', async (options, message) => {
    const err = await analyzeInputs([SAMPLE], options).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AnalyzerError);
    expect((err as AnalyzerError).code).toBe('FP_USAGE');
    expect((err as AnalyzerError).message).toMatch(message);
  });

  it('an unreadable path is the CLI error (FP_INPUT)', async () => {
    await expect(analyzeInputs(['/does/not/exist.json'])).rejects.toMatchObject({
      code: 'FP_INPUT',
      message: 'Cannot read input: no such file or folder, in /does/not/exist.json',
    });
  });
});
