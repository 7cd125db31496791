/**
 * Odd lines of agent logs through the CLI (issue 9): skipped and counted like
 * the session format's malformed records, fatal under --strict; a live
 * session's cut last line skipped with one warning; invalid JSON elsewhere fatal.
 */
import { cpSync, mkdtempSync, readFileSync, readdirSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../helpers.js';
import { FIXTURES, lineOffset } from './_collect.js';

const odd = `${FIXTURES}claude-code/-home-dev-beta/odd-lines.jsonl`;
const REALDATA = new URL('../../../../shared/realdata/', import.meta.url).pathname;

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'fp-skips-'));
}

describe('odd agent-log lines', () => {
  it('are skipped, the first five shown on stderr with the count, and the rest of the file is read', async () => {
    const r = await runCli(['--input', odd, '--format', 'json', '--threshold', '0']);
    expect(r.code).toBe(0); // not 1 ("No sessions found"): the session around the odd lines was read
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(6);
    expect(lines[0]).toBe(
      `Invalid Claude Code log: "message" of a user line is a string, expected an object, at byte ${lineOffset(odd, 4)}, line 4 in ${odd}`,
    );
    expect(lines.slice(1, 5).map((l) => /line (\d+) in/.exec(l)?.[1])).toEqual(['5', '6', '7', '8']);
    expect(lines[5]).toBe('Skipped 6 malformed session records (first 5 shown); use --strict to stop at the first.');
  });

  it('are fatal under --strict, at the first one', async () => {
    const r = await runCli(['--input', odd, '--strict']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`"message" of a user line is a string, expected an object, at byte ${lineOffset(odd, 4)}, line 4 in ${odd}`);
  });

  it('are listed again by merge from a state file, in the same words', async () => {
    const state = join(tempDir(), 'odd.state');
    const emitted = await runCli(['--input', odd, '--emit-state', state]);
    const merged = await runCli(['merge', state, '--format', 'json']);
    expect(merged.code).toBe(0);
    const skipped = (text: string) => text.split('\n').filter((l) => l.startsWith('Invalid Claude Code log') || l.startsWith('Skipped'));
    expect(skipped(merged.stderr)).toEqual(skipped(emitted.stderr));
    expect(skipped(merged.stderr)).toHaveLength(6);
  });

  it('give the same stderr and report with two workers', async () => {
    const dir = tempDir();
    for (let i = 0; i < 3; i++) cpSync(odd, join(dir, `odd-${i}.jsonl`));
    const one = await runCli(['--input', dir, '--format', 'json', '--workers', '1']);
    const two = await runCli(['--input', dir, '--format', 'json', '--workers', '2']);
    expect(two).toEqual(one);
    expect(one.stderr).toMatch(/Skipped 18 malformed session records/);
  });
});

describe('an incomplete last line', () => {
  function cutCopy(): string {
    const dir = tempDir();
    const file = join(dir, 'live.jsonl');
    const text = readFileSync(`${FIXTURES}claude-code/-home-dev-alpha/split-and-parallel.jsonl`, 'utf8');
    writeFileSync(file, text.slice(0, text.length - 40)); // the last line cut, no newline
    return file;
  }

  it('is skipped with one warning', async () => {
    const file = cutCopy();
    const r = await runCli(['--input', file, '--format', 'json']);
    expect(r.code).toBe(0);
    // one warning, no "Skipped 1 malformed session record" after it
    expect(r.stderr).toBe(`Skipped the incomplete last line of ${file} (a session still being written?)\n`);
  });

  it('is fatal under --strict, as invalid JSON', async () => {
    const r = await runCli(['--input', cutCopy(), '--strict']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/Invalid Claude Code log: invalid JSON \(.*\), at byte \d+, line 19 in /);
  });

  // every line-based agent format, not only Claude Code's (issue 9: "all five formats"; the
  // others, OpenHands, SWE-agent and mini-swe-agent trajectories, are one JSON document each)
  it.each([
    ['codex', 'codex/rollout-2026-02-01T12-00-00-0199aaaa-0000-7000-8000-000000000001.jsonl'],
    ['otlp', 'otlp/two-sessions-interleaved.jsonl'],
  ])('of a %s log is skipped with the same warning, for 1 and 2 workers; fatal under --strict', async (format, fixture) => {
    const file = join(tempDir(), 'live.jsonl');
    const text = readFileSync(`${FIXTURES}${fixture}`, 'utf8').trimEnd();
    writeFileSync(file, text.slice(0, text.length - 30));
    for (const workers of ['1', '2']) {
      const r = await runCli(['--input', file, '--from', format, '--format', 'json', '--workers', workers]);
      expect(r.code).toBe(0);
      // one warning, no "Skipped 1 malformed session record" after it
      expect(r.stderr).toBe(`Skipped the incomplete last line of ${file} (a session still being written?)\n`);
    }
    expect((await runCli(['--input', file, '--from', format, '--strict'])).code).toBe(3);
  });

  it('is invalid JSON when it is not the last line', async () => {
    const file = cutCopy();
    writeFileSync(file, readFileSync(file, 'utf8') + '\n{"type":"summary","summary":"x","leafUuid":"u"}\n');
    const r = await runCli(['--input', file]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/invalid JSON .*line 19 in /);
  });
});

const hasRealdata = statSync(REALDATA, { throwIfNoEntry: false }) !== undefined;
if (!hasRealdata) console.warn(`SKIPPED: ${REALDATA} is missing, so a live session in real Claude Code logs is not tested`);

describe.skipIf(!hasRealdata)('a copy of shared/realdata/claude-code with one live session', () => {
  it('cut by 200 bytes: reported, not fatal; --strict fatal', async () => {
    const dir = tempDir();
    cpSync(`${REALDATA}claude-code`, dir, { recursive: true });
    const file = join(dir, 'spotter', readdirSync(join(dir, 'spotter')).find((f) => f.startsWith('ae4a77f8'))!);
    truncateSync(file, statSync(file).size - 200);
    const r = await runCli(['--input', dir, '--format', 'json', '--workers', '1']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`Skipped the incomplete last line of ${file} (a session still being written?)`);
    expect((await runCli(['--input', dir, '--strict', '--workers', '1'])).code).toBe(3);
  });
});
