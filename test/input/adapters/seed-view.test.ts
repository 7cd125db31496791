/**
 * The seed view of every agent log stays what it was before the adapters
 * produced AgentSession (issue 10: "the seed profile keeps reading exactly what
 * it reads today"). Each digest is the SHA-256 (first 16 hex digits) of
 * JSON.stringify of the file's seed Sessions, recorded with the adapters of
 * commit 0d83ddd, before they were rewritten. The entireio-git-sync samples
 * are left out on purpose: issue 9 changes how they are read.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { detectFileFormat } from '../../../src/input/adapters/index.js';
import { collect, FIXTURES } from './_collect.js';

const REALDATA = new URL('../../../../shared/realdata/', import.meta.url).pathname;
if (!existsSync(REALDATA)) console.warn(`SKIPPED: the seed-view digests of real agent logs need ${REALDATA}`);

const REAL: Record<string, string> = {
  'claude-code/sniffly/-Users-chip-dev-ai-music/ba79134d-b6e9-4867-af0c-6941038c9e4b.jsonl': '9e7684ec7e522f6c',
  'claude-code/sniffly/-Users-chip-dev-ai-music/d3ad4cdc-5657-435d-98fa-0035d53e383d.jsonl': '6b82b6dc57fd1841',
  'claude-code/sniffly/-Users-chip-dev-ai-music/fed8ce56-bc79-401f-a83e-af084253362f.jsonl': '7e02f4ea4ad8a3f4',
  'claude-code/sniffly/-Users-chip-dev-ai-music/ff71dbed-a4f2-4284-a4fc-fe2fb90de929.jsonl': '4f53cda18c2baa0c',
  'claude-code/spotter/258c7280-ae70-4798-800f-63464d01a85d.jsonl': 'cb8e727c79aa6b9f',
  'claude-code/spotter/4d5611e5-241a-462a-8d15-5122611a9569.jsonl': '94334d065503b77d',
  'claude-code/spotter/8463c716-a2ea-4c14-9efa-87158ebd9f20/subagents/agent-a7be2f0.jsonl': 'a2b98d67ef17aba5',
  'claude-code/spotter/8463c716-a2ea-4c14-9efa-87158ebd9f20.jsonl': 'e2d2a978e60b1127',
  'claude-code/spotter/ae4a77f8-aedd-4bc1-888f-c94edc91af04.jsonl': '45bff05ba78ac43f',
  'claude-code/spotter/fa812bfe-b295-4cca-9c2f-fdf01028cb46.jsonl': '10fc8f66e164267d',
  'claude-code/spotter/short.jsonl': '8f913b79cb1035af',
  'claude-code/spotter/subagent.jsonl': 'aeebaa45650f5430',
  'claude-code/spotter/tool_heavy.jsonl': 'd6e32f69b4720b0a',
  'codex/acidicsoil-codex-session-view/rollout-2025-11-17T15-30-28-019a93b9-f380-7600-98ff-940e6b99603c.jsonl': '9b4341b634377f70',
  'codex/simonw-claude-code-transcripts/sample_codex_session.jsonl': '69ac47c1690fbf4d',
  'openhands/basic.json': 'e6724f9a68ce5345',
  'openhands/basic_gui_mode.json': 'abbfa4344b6361ec',
  'openhands/wrong_initial_state.json': 'decdb01339196269',
  'swe-agent/marshmallow-code__marshmallow-1867.function_calling_replace.traj': '80b6e77afe47d9fd',
  'swe-agent/pydicom__pydicom-1458.traj': '120f901cdc3c71c0',
  'swe-agent/swe-agent__test-repo-i1.traj': '08bafe46745c2b17',
};

const FIXTURE: Record<string, string> = {
  'claude-code/-home-dev-alpha/no-session-id.jsonl': '24ab61a5f9ab60d7',
  'claude-code/-home-dev-alpha/split-and-parallel/subagents/agent-abc1234.jsonl': '5e4f649e1d173754',
  'claude-code/-home-dev-alpha/split-and-parallel.jsonl': 'de0ca82b91272b26',
  'claude-code/-home-dev-alpha/summary-only.jsonl': '4f53cda18c2baa0c',
  'codex/rollout-2026-02-01T12-00-00-0199aaaa-0000-7000-8000-000000000001.jsonl': '11d6997300f57176',
  'codex/rollout-no-git-no-tools.jsonl': '5e723f7e57daedf2',
  'openhands/login-bug.json': 'e8ef935600afdd0d',
  'otlp/two-sessions-interleaved.json': '1b210b3a18baf55a',
  'otlp/two-sessions-interleaved.jsonl': '1b210b3a18baf55a',
  'swe-agent/acme__widgets-42.traj': 'a8585b23dcc3a359',
  'swe-agent/history-only.traj': 'f69b330c9c6edb6a',
};

async function digest(file: string): Promise<string> {
  const adapter = await detectFileFormat(file);
  if (adapter === undefined) throw new Error(`no adapter for ${file}`);
  const sessions = await collect(adapter.read(file));
  return createHash('sha256').update(JSON.stringify(sessions)).digest('hex').slice(0, 16);
}

describe('seed view of agent logs', () => {
  it.each(Object.entries(FIXTURE))('fixture %s', async (rel, want) => {
    expect(await digest(FIXTURES + rel)).toBe(want);
  });
  describe.skipIf(!existsSync(REALDATA))('real logs', () => {
    it.each(Object.entries(REAL))('%s', async (rel, want) => {
      expect(await digest(REALDATA + rel)).toBe(want);
    });
  });
});
