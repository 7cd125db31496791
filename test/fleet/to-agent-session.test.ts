import { describe, expect, it } from 'vitest';
import { digest, toAgentSession } from '../../src/input/to-agent-session.js';
import { foldFleet, finalizeFleetState, buildFleetReport } from '../../src/fleet/index.js';

const place = { file: 'sessions.json', line: 3 };
function ok(v: unknown) {
  const r = toAgentSession(v, place);
  if (!r.ok) throw new Error(r.reason);
  return r.session;
}

describe(toAgentSession.name, () => {
  it('maps the reference fields; latency_ms is measured time; outcome unknown without ok/error', () => {
    const s = ok({
      session_id: 's1',
      repo: 'r',
      errors: [{ message: 'boom' }, { message: '' }],
      tool_calls: [{ tool: 'Bash', latency_ms: 1200 }],
      duration_minutes: 2,
    });
    expect(s).toMatchObject({
      sessionId: 's1',
      repo: 'r',
      agent: 'sessions',
      file: 'sessions.json',
      line: 3,
      activeMs: 120_000,
      errors: [{ text: 'boom', line: 3 }],
    });
    expect(s.calls).toEqual([{ tool: 'Bash', inputDigest: expect.any(String), outcome: 'unknown', line: 3, measuredMs: 1200 }]);
  });

  it('reads the optional per-call and session fields', () => {
    const s = ok({
      session_id: 7,
      model: 'claude-sonnet-4-5',
      usage: {
        input_tokens: 10,
        output_tokens: 20,
        cache_creation_input_tokens: 30,
        cache_read_input_tokens: 40,
        cache_creation: { ephemeral_1h_input_tokens: 25 },
      },
      branch: 'main',
      tool_calls: [
        {
          tool: 'Bash',
          latency_ms: 5000,
          duration_ms: 1000,
          command: 'cd a && pytest -x',
          ok: false,
          error: 'FAILED t.py',
          timestamp: '2026-01-01T00:00:00Z',
        },
        { tool: 'Write', latency_ms: 10, ok: true, timestamp: 1767225601000, waited_on: 'approval', wait_ms: 60000 },
        { tool: 'Edit', outcome: 'rejected', error: 'no' },
      ],
    });
    expect(s.sessionId).toBe('7');
    expect(s.usage).toEqual([['claude-sonnet-4-5', { input: 10, output: 20, cacheWrite: 30, cacheWrite1h: 25, cacheRead: 40 }]]);
    expect(s.branch).toBe('main');
    expect(s.calls[0]).toMatchObject({
      family: 'pytest',
      command: 'cd a && pytest -x',
      outcome: 'error',
      errorText: 'FAILED t.py',
      measuredMs: 1000,
      waitMs: 4000,
      startUs: 1767225600000000,
      endUs: 1767225605000000,
    });
    expect(s.calls[1]).toMatchObject({ outcome: 'ok', waitedOn: 'approval', waitMs: 60000, startUs: 1767225601000000 });
    expect(s.calls[2]).toMatchObject({ outcome: 'rejected', errorText: 'no' });
    expect(s.firstUs).toBe(1767225600000000);
    expect(s.lastUs).toBe(1767225605000000);
  });

  it('the same command digests equally; another command does not', () => {
    const s = ok({
      tool_calls: [
        { tool: 'Bash', command: 'make' },
        { tool: 'Bash', command: 'make' },
        { tool: 'Bash', command: 'make x' },
      ],
    });
    expect(s.calls[0]!.inputDigest).toBe(s.calls[1]!.inputDigest);
    expect(s.calls[0]!.inputDigest).not.toBe(s.calls[2]!.inputDigest);
  });

  it('a call with neither command nor input digests its tool alone, the same way past the table of tools kept', () => {
    // 5,000 tools: more than the 4,096 whose digests are kept, so the table starts again on the way
    const tools = Array.from({ length: 5000 }, (_, i) => `tool-${i}`);
    const once = ok({ tool_calls: tools.map((tool) => ({ tool })) }).calls.map((c) => c.inputDigest);
    const again = ok({ tool_calls: tools.map((tool) => ({ tool, latency_ms: 1 })) }).calls.map((c) => c.inputDigest);
    expect(again).toEqual(once);
    expect(once).toEqual(tools.map((tool) => digest(`${tool}\u0000`)));
    expect(new Set(once).size).toBe(5000);
    // an empty command or input is not "none": it digests as given
    const [none, empty, nullInput] = ok({ tool_calls: [{ tool: 'Bash' }, { tool: 'Bash', command: '' }, { tool: 'Bash', input: null }] }).calls;
    expect(empty!.inputDigest).toBe(none!.inputDigest); // '' and no command both hash "Bash\0"
    expect(nullInput!.inputDigest).toBe(digest('Bash\u0000null'));
  });

  it('reads own properties only', () => {
    const rec = JSON.parse('{"__proto__": {"session_id": "evil", "repo": "evil"}, "tool_calls": []}');
    expect(ok(rec)).toMatchObject({ sessionId: 'unknown', repo: 'global' });
    const inherited = Object.create({ session_id: 'inherited' });
    expect(ok(inherited).sessionId).toBe('unknown');
  });

  it.each([
    [[], 'record is a list, expected an object'],
    [{ tool_calls: 'x' }, '"tool_calls" is a string, expected a list'],
    [{ tool_calls: [1] }, 'tool_calls[0] is a number, expected an object'],
    [{ tool_calls: [{ tool: 'a', ok: 'yes' }] }, 'tool_calls[0]."ok" is a string, expected a boolean'],
    [
      { tool_calls: [{ tool: 'a', timestamp: 'yesterday' }] },
      'tool_calls[0]."timestamp" is a string, expected an ISO 8601 time or epoch milliseconds',
    ],
    [{ tool_calls: [{ tool: 'a', outcome: 'great' }] }, 'tool_calls[0]."outcome" is a string, expected ok, error, rejected, interrupted or unknown'],
    [{ errors: [{ message: 3 }] }, 'errors[0]."message" is a number, expected a string'],
    [{ tool_calls: [{ tool: 'a', latency_ms: -5 }] }, 'tool_calls[0]."latency_ms" is a negative number (-5), expected a number ≥ 0'],
    [
      { tool_calls: [{ tool: 'a', latency_ms: JSON.parse('1e999') }] },
      'tool_calls[0]."latency_ms" is a number too large for a double, expected a number ≥ 0',
    ],
  ])('malformed: %j', (v, reason) => {
    expect(toAgentSession(v, place)).toEqual({ ok: false, reason });
  });

  it('a session-format archive without outcomes yields no failure-based finding', () => {
    const sessions = ['a', 'b', 'c'].map((id) =>
      ok({ session_id: id, tool_calls: Array.from({ length: 6 }, () => ({ tool: 'Bash', latency_ms: 100 })) }),
    );
    const r = buildFleetReport(finalizeFleetState(foldFleet(sessions)));
    expect(r.findings.filter((f) => f.kind === 'failed_retry' || f.kind === 'error_cluster')).toEqual([]);
    expect(r.tools[0]).toMatchObject({ key: 'Bash', calls: 18, failed: 0, measured_calls: 18 });
  });
});
