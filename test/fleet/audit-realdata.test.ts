/**
 * The fleet findings read as a skeptical reader reads them: each test builds the
 * fleet report of one or a few real logs of ../shared/realdata in process (the
 * adapters, then the detectors; no CLI), opens the lines a finding names and checks
 * the claim against them. One test per claim that a reader of the logs found wrong
 * (audit of 2026-12-02). Skips loudly without the folder.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AgentSession } from '../../src/agent-session.js';
import { buildFleetReport, categorize, finalizeFleetState, foldFleet, type FleetReport } from '../../src/fleet/index.js';
import { agentSessionsOf } from '../../src/input/adapters/index.js';
import { pathAtLine, valueAt } from '../input/adapters/_value-lines.js';

const REALDATA = path.join(import.meta.dirname, '../../../shared/realdata');
const HAVE = existsSync(REALDATA);
if (!HAVE) console.warn(`*** SKIPPING the fleet audit tests (test/fleet/audit-realdata.test.ts): ${REALDATA} is missing ***`);

const SPOTTER = 'claude-code/spotter';

async function sessionsOf(files: string[]): Promise<AgentSession[]> {
  const out: AgentSession[] = [];
  for (const f of files) for await (const s of (await agentSessionsOf(path.join(REALDATA, f)))!) out.push(s);
  return out;
}

async function reportOf(files: string[]): Promise<FleetReport> {
  return buildFleetReport(finalizeFleetState(foldFleet(await sessionsOf(files))));
}

/** The log's line `n` (1-based), parsed. */
function logLine(file: string, n: number): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(REALDATA, file), 'utf8').split('\n')[n - 1]!) as Record<string, unknown>;
}

/** The command of the Bash tool_use on an assistant line. */
function commandAt(file: string, n: number): string {
  const content = (logLine(file, n).message as { content: Array<{ type: string; input?: { command?: string } }> }).content;
  return content.find((b) => b.type === 'tool_use')!.input!.command!;
}

describe.skipIf(!HAVE)('fleet findings against the log lines they name', () => {
  it('charges a `git add && git commit && git status` line to git commit, not to a slow git status', async () => {
    const file = `${SPOTTER}/258c7280-ae70-4798-800f-63464d01a85d.jsonl`;
    // line 598 commits (its hooks ran 3 min, result at line 607) and then looks at the status
    expect(commandAt(file, 598)).toMatch(/^git add \.beads\/ && git commit -m [\s\S]* && git status$/);
    const r = await reportOf([file]);
    const status = r.tools.find((t) => t.kind === 'family' && t.key === 'git status')!;
    const commit = r.tools.find((t) => t.kind === 'family' && t.key === 'git commit')!;
    // before: git status 7 calls, 3.1 min "waiting on hooks", and a finding "Shorten the hooks git status waits on"
    expect(status.calls).toBe(4);
    expect(status.waiting_ms + status.gap_total_ms).toBeLessThan(10_000);
    expect(commit.waiting_ms + commit.gap_total_ms).toBeGreaterThan(180_000);
    expect(r.findings.filter((f) => f.kind === 'tool_time' && f.key === 'git status')).toEqual([]);
  });

  it('does not say a loop "bypassed its checks" when the --no-verify attempt failed on the same check', async () => {
    const file = `${SPOTTER}/ae4a77f8-aedd-4bc1-888f-c94edc91af04.jsonl`;
    expect(commandAt(file, 1458)).toContain('git commit --no-verify');
    const result = JSON.stringify(logLine(file, 1463));
    expect(result).toContain('"is_error":true');
    expect(result).toContain('Pre-commit validation failed');
    const r = await reportOf([file]);
    const loop = r.findings.find((f) => f.kind === 'failed_retry' && f.key === 'git commit')!;
    expect(loop.evidence.map((e) => e.line)).toContain(1463);
    expect(loop.details).toMatchObject({ attempts: 7, bypassed: 0, succeeded: 1 });
    expect(loop.proposal.action).not.toMatch(/bypass/);
  });

  it('groups mix test failures by the error they raised, not by the preamble every run prints', async () => {
    const files = ['258c7280-ae70-4798-800f-63464d01a85d', '8463c716-a2ea-4c14-9efa-87158ebd9f20'].map((id) => `${SPOTTER}/${id}.jsonl`);
    const r = await reportOf(files);
    const clusters = r.findings.filter((f) => f.kind === 'error_cluster');
    // before: "Exit code 2 ⏎ Getting extensions in current project... ⏎ Running setup for AshSqlite.DataLayer..."
    // held a missing config, a missing test dependency and assertion failures alike
    expect(clusters.filter((f) => f.key.includes('Getting extensions in current project'))).toEqual([]);
    for (const [error, lines] of [
      ['no :secret_key_base configuration found in SpotterWeb.Endpoint.', [988, 1180]],
      ['Phoenix LiveView requires lazy_html as a test dependency.', [1035, 1243]],
    ] as const) {
      const c = clusters.find((f) => f.key === `Exit code 2 ⏎ ** (RuntimeError) ${error}`)!;
      expect(c, error).toBeDefined();
      expect(c.session_count).toBe(2);
      expect(c.evidence.map((e) => e.line)).toEqual(lines);
      for (const e of c.evidence) expect(JSON.stringify(logLine(path.relative(REALDATA, e.file), e.line))).toContain(error);
    }
  });

  it("calls pytest's failures test failures, and a repository named git-sync no git error", async () => {
    const mini = 'mini-swe-agent/gruckion-mini-swe-agent/pytest-dev__pytest-6197.traj.json';
    const miniFile = path.join(REALDATA, mini);
    const doc = JSON.parse(readFileSync(miniFile, 'utf8')) as { messages: Array<{ content: string }> };
    const r = await reportOf([mini]);
    const pytest = r.findings.filter((f) => f.kind === 'error_cluster' && /test session starts|FAILED/.test(f.key));
    expect(pytest.length).toBeGreaterThan(0);
    for (const f of pytest) {
      // before: "other", for the 16 failed pytest runs the loop finding names
      expect(f.category, f.key).toBe('test_failure');
      for (const e of f.evidence) {
        // the message that opens on the evidence line
        const at = pathAtLine(miniFile, e.line);
        expect(at, `line ${e.line}`).toMatch(/^messages\/\d+$/);
        expect((valueAt(doc, at!) as { content: string }).content, `line ${e.line}`).toMatch(/= FAILURES =|= ERRORS =/);
      }
    }
    const codex = await sessionsOf([
      'codex/entireio-git-sync/16-bfc6ff6845-0.full.jsonl',
      'claude-code/entireio-git-sync/71-872426c9cd-0.full.jsonl',
    ]);
    const texts = codex.flatMap((s) => s.calls.flatMap((c) => (c.errorText === undefined ? [] : [c.errorText])));
    // a test run, a missing python version and a refused connection were "git" or "test_failure" errors
    expect(texts.filter((t) => /--- FAIL: Test/.test(t)).map(categorize)).toEqual(expect.arrayContaining(['test_failure']));
    for (const t of texts.filter((x) => /No version is set for command|Failed to connect to localhost/.test(x)))
      expect(categorize(t), t.slice(0, 80)).not.toMatch(/^(git|test_failure)$/);
  });

  it('counts a question the user answered 19 min later as 5 min of waiting (a person away is idle, as everywhere else)', async () => {
    const file = `${SPOTTER}/4d5611e5-241a-462a-8d15-5122611a9569.jsonl`;
    const asked = logLine(file, 1251);
    const answered = logLine(file, 1253);
    expect(JSON.stringify(asked)).toContain('"name":"AskUserQuestion"');
    expect(JSON.stringify(answered)).toContain('User has answered your questions');
    const waitedS = (Date.parse(answered.timestamp as string) - Date.parse(asked.timestamp as string)) / 1000;
    expect(waitedS).toBeGreaterThan(18 * 60);
    const r = await reportOf([file]);
    const q = r.findings.find((f) => f.kind === 'friction' && f.category === 'question')!;
    expect(q.evidence.map((e) => e.line)).toEqual([1251]);
    // before: 1,136 s "lost", priced at the hourly rate like working time
    expect(q.seconds_lost).toBe(300);
    // one question is no "recurring question"
    expect(q.proposal.action).not.toMatch(/recurring/);
  });

  it('counts a rejected call or a question once, not again as a "(no tool)" event on the same line', async () => {
    const sniffly = 'claude-code/sniffly/-Users-chip-dev-ai-music/fed8ce56-bc79-401f-a83e-af084253362f.jsonl';
    const files = [sniffly, `${SPOTTER}/4d5611e5-241a-462a-8d15-5122611a9569.jsonl`];
    for (const n of [13, 14])
      expect(JSON.stringify(logLine(sniffly, n))).toMatch(/"is_error":true.*The user doesn't want to (?:proceed with|take) this/);
    // the line Claude Code writes after a rejection: the same moment, not an interruption of its own
    expect(JSON.stringify(logLine(sniffly, 15))).toContain('[Request interrupted by user for tool use]');
    const r = await reportOf(files);
    const friction = r.findings.filter((f) => f.kind === 'friction');
    const at = (f: (typeof friction)[number]) => f.evidence.map((e) => `${path.basename(e.file).slice(0, 8)}:${e.line}`);
    // before: the same two rejections were also "(no tool) permission_wait" (fed8ce56:13, :14) and a
    // "(no tool) interruption" (:15), the question at 4d5611e5:1251 also a "(no tool) question":
    // 3 friction moments were reported as 7
    expect(friction.map((f) => `${f.category}:${f.key}:${at(f).join(',')}`).sort()).toEqual([
      'question:AskUserQuestion:4d5611e5:1251',
      'rejection:git commit:fed8ce56:13',
      'rejection:git push:fed8ce56:14',
    ]);
  });

  it('closes a python loop when the failing script runs, not when another script does', async () => {
    const file = 'claude-code/sniffly/-Users-chip-dev-ai-music/d3ad4cdc-5657-435d-98fa-0035d53e383d.jsonl';
    expect([76, 102, 107, 115].map((n) => commandAt(file, n))).toEqual([
      'python diverse_musical_ai.py',
      'python diverse_musical_ai.py',
      'python test_diverse_simple.py',
      'python diverse_musical_ai.py',
    ]);
    const r = await reportOf([file]);
    const loop = r.findings.find((f) => f.kind === 'failed_retry' && f.key === 'python')!;
    expect(loop.evidence.map((e) => e.line)).toEqual([77, 103]);
    // from the first failure (11:42:12.330) to the end of the run that worked (line 116, 11:49:43.6)
    const end = Date.parse(logLine(file, 116).timestamp as string);
    const start = Date.parse(logLine(file, 76).timestamp as string);
    expect(loop.seconds_lost).toBe(Math.round((end - start) / 1000));
  });

  it('does not call one DNS failure of three parallel git show calls a recurring error', async () => {
    const file = 'codex/entireio-git-sync/16-bfc6ff6845-0.full.jsonl';
    // issued within 22 ms (08:21:48.057, .057, .079), before the first result came back (.375)
    const issued = [172, 173, 174].map((n) => Date.parse(logLine(file, n).timestamp as string));
    expect(Math.max(...issued)).toBeLessThan(Date.parse(logLine(file, 176).timestamp as string));
    for (const n of [176, 177, 178]) expect(JSON.stringify(logLine(file, n))).toContain('Could not resolve hostname github.com');
    const r = await reportOf([file]);
    // before: "ssh: Could not resolve hostname ..." 3x, the folder's top finding, high priority
    expect(r.findings.filter((f) => f.key.includes('Could not resolve hostname'))).toEqual([]);
  });
});
