/**
 * Pinned counts on the real agent logs in ../shared/realdata (see SOURCES.md there).
 * Runs only where that folder exists; the files are never copied into the project.
 * Every number was checked by hand against the files (an independent Python
 * count of tool_use ids / is_error results, and the events read one by one for
 * OpenHands and SWE-agent). Where SOURCES.md differs:
 * - d3ad4cdc...: 59 tool calls, not 58: its last line is a Bash tool_use
 *   ("python radical_musical_ai.py") whose result was never written; the call
 *   was made, so it counts (latency 0).
 * AGENT_PINS (the AgentSession of each file: calls, and failed = outcome error,
 * rejected or interrupted), checked by hand:
 * - Claude Code: an independent Python count of tool_use ids and of the first
 *   tool_result per id with is_error true whose tool_use is in the file (equal
 *   on every file; entireio-git-sync's 230/15 is SOURCES.md's count too).
 * - Codex entireio-git-sync: the 10 exec_command calls of lines 13, 51, 102
 *   ("failed to parse function arguments"), 121 (curl exit 7), 122 (git
 *   ls-remote 128), 130, 172, 173, 174 (git show 128) and 229 (go test: exit 1
 *   only in the write_stdin poll of line 238 and exec_command_end of line 239).
 * - mini-swe-agent: return codes 1 (21), 2 (2), 127 (2) and one message with two
 *   bash blocks (a format error) = 26 of 92 actions; the submission is ok.
 * - OpenHands / SWE-agent: the same events as the seed's errors above.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { detectFileFormat } from '../../../src/input/adapters/index.js';
import type { Session } from '../../../src/session.js';
import type { AgentSession } from '../../../src/agent-session.js';
import { collect } from './_collect.js';

const ROOT = new URL('../../../../shared/realdata/', import.meta.url).pathname;
if (!existsSync(ROOT)) console.warn(`SKIPPED: ${ROOT} is missing, so the realdata pins (per-file calls and failed calls) are not checked`);

interface Pin {
  format: string;
  sessions: number;
  calls?: number;
  errors?: number;
  id?: string;
  repo?: string;
  /** minutes, to 2 decimals */
  minutes?: number;
}

const PINS: Record<string, Pin> = {
  'claude-code/sniffly/-Users-chip-dev-ai-music/ba79134d-b6e9-4867-af0c-6941038c9e4b.jsonl': {
    format: 'claude-code',
    sessions: 1,
    calls: 30,
    errors: 0,
    repo: 'ai-music',
    minutes: 8.85,
  },
  'claude-code/sniffly/-Users-chip-dev-ai-music/d3ad4cdc-5657-435d-98fa-0035d53e383d.jsonl': {
    format: 'claude-code',
    sessions: 1,
    calls: 59,
    errors: 4,
    repo: 'ai-music',
    minutes: 56.59,
  },
  'claude-code/sniffly/-Users-chip-dev-ai-music/fed8ce56-bc79-401f-a83e-af084253362f.jsonl': {
    format: 'claude-code',
    sessions: 1,
    calls: 7,
    errors: 2,
    repo: 'ai-music',
    minutes: 1.09,
  },
  'claude-code/sniffly/-Users-chip-dev-ai-music/ff71dbed-a4f2-4284-a4fc-fe2fb90de929.jsonl': { format: 'claude-code', sessions: 0 },
  'claude-code/spotter/258c7280-ae70-4798-800f-63464d01a85d.jsonl': {
    format: 'claude-code',
    sessions: 1,
    calls: 186,
    errors: 7,
    repo: 'spotter-gqc',
    minutes: 69.67,
  },
  'claude-code/spotter/4d5611e5-241a-462a-8d15-5122611a9569.jsonl': {
    format: 'claude-code',
    sessions: 1,
    calls: 150,
    errors: 5,
    repo: 'spotter-dov',
    minutes: 301.15,
  },
  'claude-code/spotter/8463c716-a2ea-4c14-9efa-87158ebd9f20.jsonl': {
    format: 'claude-code',
    sessions: 1,
    calls: 177,
    errors: 13,
    repo: 'spotter-fum',
    minutes: 72.75,
  },
  'claude-code/spotter/8463c716-a2ea-4c14-9efa-87158ebd9f20/subagents/agent-a7be2f0.jsonl': {
    format: 'claude-code',
    sessions: 1,
    calls: 19,
    errors: 2,
    id: '8463c716-a2ea-4c14-9efa-87158ebd9f20/agent-a7be2f0',
    repo: 'spotter-fum',
    minutes: 0.71,
  },
  'claude-code/spotter/ae4a77f8-aedd-4bc1-888f-c94edc91af04.jsonl': {
    format: 'claude-code',
    sessions: 1,
    calls: 242,
    errors: 12,
    repo: 'spotter-4te',
    minutes: 53.05,
  },
  'claude-code/spotter/fa812bfe-b295-4cca-9c2f-fdf01028cb46.jsonl': {
    format: 'claude-code',
    sessions: 1,
    calls: 197,
    errors: 8,
    repo: 'spotter-a0y',
    minutes: 41.77,
  },
  'claude-code/spotter/short.jsonl': {
    format: 'claude-code',
    sessions: 1,
    calls: 2,
    errors: 2,
    id: '55604662-cf2a-4331-851a-ec234028f8ca',
    repo: 'spotter',
  },
  'claude-code/spotter/subagent.jsonl': {
    format: 'claude-code',
    sessions: 1,
    calls: 16,
    errors: 0,
    id: '491e126e-1e71-469c-ade2-fcc8af567c74',
    repo: 'spotter',
  },
  'claude-code/spotter/tool_heavy.jsonl': {
    format: 'claude-code',
    sessions: 1,
    calls: 6,
    errors: 0,
    id: 'd6e0bada-1959-4eec-a9d2-0bfade768d8f',
    repo: 'spotter',
  },
  'codex/acidicsoil-codex-session-view/rollout-2025-11-17T15-30-28-019a93b9-f380-7600-98ff-940e6b99603c.jsonl': {
    format: 'codex',
    sessions: 1,
    calls: 39,
    errors: 3,
    id: '019a93b9-f380-7600-98ff-940e6b99603c',
    repo: 'chatbot-ui',
  },
  'codex/simonw-claude-code-transcripts/sample_codex_session.jsonl': {
    format: 'codex',
    sessions: 1,
    calls: 0,
    errors: 0,
    id: '019b64e5-57fa-7463-b644-fba7e456f905',
    repo: 'homelab-migration',
  },
  'openhands/basic.json': { format: 'openhands', sessions: 1, calls: 1, errors: 0, id: 'basic', repo: 'global' },
  'openhands/basic_gui_mode.json': { format: 'openhands', sessions: 1, calls: 4, errors: 1, id: 'basic_gui_mode', repo: 'global', minutes: 1.37 },
  'openhands/wrong_initial_state.json': { format: 'openhands', sessions: 1, calls: 3, errors: 0, id: 'wrong_initial_state' },
  'swe-agent/marshmallow-code__marshmallow-1867.function_calling_replace.traj': {
    format: 'swe-agent',
    sessions: 1,
    calls: 11,
    errors: 1,
    repo: 'marshmallow',
    minutes: 0,
  },
  'swe-agent/pydicom__pydicom-1458.traj': { format: 'swe-agent', sessions: 1, calls: 12, errors: 4, id: 'pydicom__pydicom-1458', repo: 'pydicom' },
  'swe-agent/swe-agent__test-repo-i1.traj': { format: 'swe-agent', sessions: 1, calls: 5, errors: 0, repo: 'test-repo' },
  // Claude Code 2.1.110: starts with permission-mode/last-prompt lines (was not detected before, issue 9)
  'claude-code/entireio-git-sync/71-872426c9cd-0.full.jsonl': {
    format: 'claude-code',
    sessions: 1,
    calls: 230,
    errors: 15,
    id: 'b9954e8e-b63a-4a5c-8e73-777034b2a6a6',
    repo: 'git-sync',
    minutes: 166.33,
  },
  // Codex 0.120: the seed's errors are the failed calls (see AGENT_PINS)
  'codex/entireio-git-sync/16-bfc6ff6845-0.full.jsonl': {
    format: 'codex',
    sessions: 1,
    calls: 84,
    errors: 10,
    id: '019d85eb-8e2e-7e83-8d90-640dce44d5f9',
    repo: 'git-sync',
  },
  'mini-swe-agent/gruckion-mini-swe-agent/pytest-dev__pytest-6197.traj.json': {
    format: 'mini-swe-agent',
    sessions: 1,
    calls: 92,
    errors: 26,
    id: 'pytest-dev__pytest-6197',
    repo: 'pytest',
    minutes: 13.63,
  },
};

describe.skipIf(!existsSync(ROOT))('real agent logs (shared/realdata)', () => {
  it.each(Object.entries(PINS))('%s', async (rel, pin) => {
    const file = ROOT + rel;
    const adapter = await detectFileFormat(file);
    expect(adapter?.name).toBe(pin.format);
    const sessions: Session[] = await collect(adapter!.read(file));
    expect(sessions).toHaveLength(pin.sessions);
    const s = sessions[0];
    if (s === undefined) return;
    expect(s.tool_calls).toHaveLength(pin.calls!);
    expect(s.errors).toHaveLength(pin.errors!);
    if (pin.id !== undefined) expect(s.session_id).toBe(pin.id);
    else if (pin.format === 'claude-code')
      expect(s.session_id).toBe(
        rel
          .split('/')
          .pop()!
          .replace(/\.jsonl$/, ''),
      );
    if (pin.repo !== undefined) expect(s.repo).toBe(pin.repo);
    if (pin.minutes !== undefined) expect(s.duration_minutes).toBeCloseTo(pin.minutes, 2);
  });

  it('reads durationMs where Claude Code logs it and timestamps elsewhere (tool_heavy.jsonl)', async () => {
    const [s] = await collect(
      (await detectFileFormat(`${ROOT}claude-code/spotter/tool_heavy.jsonl`))!.read(`${ROOT}claude-code/spotter/tool_heavy.jsonl`),
    );
    expect(s?.tool_calls).toEqual([
      { tool: 'Bash', latency_ms: 1172 },
      { tool: 'Bash', latency_ms: 84 },
      { tool: 'WebSearch', latency_ms: 6479 },
      { tool: 'Glob', latency_ms: 230 }, // toolUseResult.durationMs
      { tool: 'Read', latency_ms: 5 },
      { tool: 'WebFetch', latency_ms: 5249 }, // toolUseResult.durationMs
    ]);
  });

  it('reads the non-zero exit codes of a real Codex rollout', async () => {
    const file = `${ROOT}codex/acidicsoil-codex-session-view/rollout-2025-11-17T15-30-28-019a93b9-f380-7600-98ff-940e6b99603c.jsonl`;
    const [s] = await collect((await detectFileFormat(file))!.read(file));
    expect(s?.errors).toEqual([
      "ls: cannot access 'lib/ai': No such file or directory\n",
      'rg: src: IO error for operation on src: No such file or directory (os error 2)\n',
      'Exit code 1', // exit code 1 with an empty output
    ]);
    expect(new Set(s?.tool_calls.map((c) => c.tool))).toEqual(new Set(['shell', 'update_plan']));
  });

  it('times OpenHands actions from naive UTC timestamps (basic_gui_mode.json)', async () => {
    const file = `${ROOT}openhands/basic_gui_mode.json`;
    const [s] = await collect((await detectFileFormat(file))!.read(file));
    expect(s?.tool_calls).toEqual([
      { tool: 'run', latency_ms: 658.357 },
      { tool: 'edit', latency_ms: 42.276 },
      { tool: 'edit', latency_ms: 34.103 },
      { tool: 'run', latency_ms: 30580.23 },
    ]);
    expect(s?.errors).toEqual(['Serving HTTP on 0.0.0.0 port 8000 (http://0.0.0.0:8000/) ...']); // exit code -1
  });
});

const AGENT_PINS: Record<string, [calls: number, failed: number]> = {
  'claude-code/entireio-git-sync/71-872426c9cd-0.full.jsonl': [230, 15],
  'claude-code/sniffly/-Users-chip-dev-ai-music/ba79134d-b6e9-4867-af0c-6941038c9e4b.jsonl': [30, 0],
  'claude-code/sniffly/-Users-chip-dev-ai-music/d3ad4cdc-5657-435d-98fa-0035d53e383d.jsonl': [59, 4],
  'claude-code/sniffly/-Users-chip-dev-ai-music/fed8ce56-bc79-401f-a83e-af084253362f.jsonl': [7, 2],
  'claude-code/spotter/258c7280-ae70-4798-800f-63464d01a85d.jsonl': [186, 7],
  'claude-code/spotter/4d5611e5-241a-462a-8d15-5122611a9569.jsonl': [150, 5],
  'claude-code/spotter/8463c716-a2ea-4c14-9efa-87158ebd9f20.jsonl': [177, 13],
  'claude-code/spotter/8463c716-a2ea-4c14-9efa-87158ebd9f20/subagents/agent-a7be2f0.jsonl': [19, 2],
  'claude-code/spotter/ae4a77f8-aedd-4bc1-888f-c94edc91af04.jsonl': [242, 12],
  'claude-code/spotter/fa812bfe-b295-4cca-9c2f-fdf01028cb46.jsonl': [197, 8],
  'claude-code/spotter/short.jsonl': [2, 2],
  'claude-code/spotter/subagent.jsonl': [16, 0],
  'claude-code/spotter/tool_heavy.jsonl': [6, 0],
  'codex/acidicsoil-codex-session-view/rollout-2025-11-17T15-30-28-019a93b9-f380-7600-98ff-940e6b99603c.jsonl': [39, 3],
  'codex/entireio-git-sync/16-bfc6ff6845-0.full.jsonl': [84, 10],
  'codex/simonw-claude-code-transcripts/sample_codex_session.jsonl': [0, 0],
  'mini-swe-agent/gruckion-mini-swe-agent/pytest-dev__pytest-6197.traj.json': [92, 26],
  'openhands/basic.json': [1, 0],
  'openhands/basic_gui_mode.json': [4, 1],
  'openhands/wrong_initial_state.json': [3, 0],
  'swe-agent/marshmallow-code__marshmallow-1867.function_calling_replace.traj': [11, 1],
  'swe-agent/pydicom__pydicom-1458.traj': [12, 4],
  'swe-agent/swe-agent__test-repo-i1.traj': [5, 0],
};

async function agentSessions(file: string): Promise<AgentSession[]> {
  const adapter = await detectFileFormat(file);
  const out: AgentSession[] = [];
  for await (const s of adapter!.sessions(file)) out.push(s);
  return out;
}

describe.skipIf(!existsSync(ROOT))('real agent logs as AgentSession (calls, failed calls)', () => {
  it.each(Object.entries(AGENT_PINS))('%s', async (rel, [calls, failed]) => {
    const [s] = await agentSessions(ROOT + rel);
    expect(s!.calls).toHaveLength(calls);
    expect(s!.calls.filter((c) => c.outcome === 'error' || c.outcome === 'rejected' || c.outcome === 'interrupted')).toHaveLength(failed);
  });

  it("sums Claude Code's token usage as ccusage does (issue 10: 11 sessions with usage)", async () => {
    // ccusage's numbers were taken before the entireio-git-sync sample was added (2026-12-01)
    const files = Object.keys(AGENT_PINS).filter((f) => f.startsWith('claude-code/') && !f.includes('entireio'));
    const total = { input: 0, output: 0, cacheWrite: 0, cacheRead: 0 };
    const withUsage = new Set<string>();
    for (const rel of files) {
      for (const s of await agentSessions(ROOT + rel)) {
        for (const [, u] of s.usage) {
          total.input += u.input;
          total.output += u.output;
          total.cacheWrite += u.cacheWrite;
          total.cacheRead += u.cacheRead;
          withUsage.add(s.parentSessionId ?? s.sessionId); // ccusage counts a subagent in its parent's session
        }
      }
    }
    expect(total).toEqual({ input: 6_602, output: 214_854, cacheWrite: 1_864_346, cacheRead: 79_186_952 });
    expect(withUsage.size).toBe(11);
  });

  it('folds the five spotter worktrees into one repo, and keeps them apart for the seed', async () => {
    const spotter = Object.keys(AGENT_PINS).filter((f) => /spotter\/[0-9a-f]{8}-[^/]*\.jsonl$/.test(f));
    const sessions = (await Promise.all(spotter.map((f) => agentSessions(ROOT + f)))).flat();
    expect(new Set(sessions.map((s) => s.repo))).toEqual(new Set(['spotter']));
    expect(new Set(sessions.map((s) => s.seedRepo))).toEqual(new Set(['spotter-gqc', 'spotter-dov', 'spotter-fum', 'spotter-4te', 'spotter-a0y']));
  });

  it('finds the pre-commit loop of ae4a77f8: git commit calls that fail, blocked by the hook', async () => {
    const [s] = await agentSessions(`${ROOT}claude-code/spotter/ae4a77f8-aedd-4bc1-888f-c94edc91af04.jsonl`);
    const commits = s!.calls.filter((c) => c.family === 'git commit');
    const failed = commits.filter((c) => c.outcome === 'error');
    expect(failed.length).toBeGreaterThanOrEqual(6);
    expect(failed.every((c) => c.waitedOn === 'hook' && /Pre-commit validation failed/.test(c.errorText ?? ''))).toBe(true);
    expect(failed[0]).toMatchObject({ line: 656, resultLine: 661 }); // checked in the file: the first blocked commit
  });
});

describe.skipIf(!existsSync(ROOT))('fleet-proposals --input shared/realdata', () => {
  it('reports on every real sample, with the same report for 1 and 2 workers', async () => {
    const { runCli } = await import('../../helpers.js');
    const one = await runCli(['--input', ROOT, '--format', 'json', '--threshold', '0', '--workers', '1', '--quiet']);
    expect(one.code).toBe(0);
    const proposals = JSON.parse(one.stdout) as { title: string }[];
    // Bash retries and the repeated git/pre-commit errors of the real sessions
    expect(proposals.some((p) => p.title.startsWith("Reduce retries for tool 'Tool 'Bash'"))).toBe(true);
    expect(proposals.some((p) => p.title.startsWith('Fix repeated error:'))).toBe(true);
    const md = await runCli(['--input', ROOT, '--workers', '1', '--quiet']);
    expect(md.stdout).toMatch(/^Based on analysis of \d+ waste events across \d+ repos\.$/m);
    const two = await runCli(['--input', ROOT, '--format', 'json', '--threshold', '0', '--workers', '2', '--quiet']);
    expect(two.stdout).toBe(one.stdout);
  });
});
