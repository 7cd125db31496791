import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AGENT_FORMATS, agentSessionsOf, detectFileFormat, detectFormat, formatByName, loadAdapter } from '../../../src/input/adapters/index.js';
import { FIXTURES } from './_collect.js';

function* walk(dir: string): Generator<string> {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* walk(p);
    else if (!name.endsWith('.md')) yield p;
  }
}

describe('adapters registry', () => {
  it('has one format per adapter with a unique name', async () => {
    expect(AGENT_FORMATS.map((f) => f.name)).toEqual(['otlp', 'codex', 'claude-code', 'openhands', 'swe-agent', 'mini-swe-agent']);
    expect(formatByName('codex')?.name).toBe('codex');
    expect(formatByName('nope')).toBeUndefined();
    expect(await loadAdapter('nope')).toBeUndefined();
  });

  // the registry names each format and its signature apart from the adapter: they must be the adapter's own
  it.each(AGENT_FORMATS.map((f) => [f.name, f] as const))('loads the %s adapter, with the same name and signature', async (name, f) => {
    const adapter = await f.load();
    expect(adapter.name).toBe(name);
    expect(adapter.detect).toBe(f.detect);
    expect(await loadAdapter(name)).toBe(adapter);
  });

  // Every fixture is claimed by its own folder's adapter, and by no other (detection order does not hide a mistake).
  // `[]` (openhands/empty.json) is left out: an empty array is in every array format, and the decoders read it as no sessions.
  const files = [...walk(FIXTURES)].filter((f) => !f.includes('/invalid/') && !f.endsWith('/empty.json'));
  it.each(files.map((f) => [relative(FIXTURES, f), f]))('detects %s', async (rel, f) => {
    const expected = rel.split('/')[0];
    expect((await detectFileFormat(f))?.name).toBe(expected);
    const head = readFileSync(f).subarray(0, 64 * 1024);
    expect(AGENT_FORMATS.filter((a) => a.detect(head, f)).map((a) => a.name)).toEqual([expected]);
  });

  it.each([
    ['a canonical array', '[{"session_id":"s1","repo":"r","errors":[{"message":"x"}],"tool_calls":[],"duration_minutes":3}]'],
    ['a canonical wrapper', '{"sessions":[{"session_id":"s1"}]}'],
    ['canonical JSON Lines', '{"session_id":"s1","tool_calls":[]}\n{"session_id":"s2"}\n'],
    ['an empty file', ''],
    ['text', 'hello\n'],
  ])('detects nothing in %s', (_what, text) => {
    expect(detectFormat(Buffer.from(text), 'sessions.json')).toBeUndefined();
  });

  it('reports an unreadable file as an input error', async () => {
    await expect(detectFileFormat(join(FIXTURES, 'missing.json'))).rejects.toMatchObject({ code: 'FP_INPUT' });
  });
});

describe(agentSessionsOf.name, () => {
  it('reads the AgentSessions of a detected agent log, and nothing of the session format', async () => {
    const sessions = await agentSessionsOf(join(FIXTURES, 'codex/rollout-0.120-unified-exec.jsonl'));
    const ids: string[] = [];
    for await (const s of sessions!) ids.push(`${s.agent}:${s.sessionId}`);
    expect(ids).toEqual(['codex:0199bbbb-0000-7000-8000-000000000120']);
    expect(await agentSessionsOf(new URL('../../../fixtures/sample/sessions.json', import.meta.url).pathname)).toBeUndefined();
  });
});
