/** fast-check arbitraries of AgentSessions that exercise every fleet detector. */
import fc from 'fast-check';
import type { AgentSession, AgentToolCall, CallOutcome, TokenUsage, WaitKind } from '../../src/agent-session.js';
import { commandFamily } from '../../src/input/command-family.js';

const COMMANDS = ['git commit -m x', 'git commit --no-verify -m x', 'npm test', 'cd a && pytest -x', 'git push', 'mix test', 'ls -la', 'make build'];
const TOOLS = ['Read', 'Edit', 'Write', 'Glob'];
const ERRORS = [
  'Pre-commit validation failed:\n[CREDO]\nChecking 88 source files',
  'Pre-commit validation failed:\n[CREDO]\nChecking 114 source files',
  'fatal: The current branch spotter-dov has no upstream branch.',
  'fatal: The current branch spotter-a0y has no upstream branch.',
  'String to replace not found in file.\nString: def f(): |`x`|',
  "The user doesn't want to proceed with this tool use.",
  'Error: ENOENT /a/b/c.ts',
];
const OUTCOMES: CallOutcome[] = ['ok', 'ok', 'error', 'error', 'rejected', 'interrupted', 'unknown'];
const WAITS: Array<WaitKind | undefined> = [undefined, undefined, undefined, 'approval', 'hook', 'question'];

const callSpec = fc.record({
  shell: fc.boolean(),
  command: fc.constantFrom(...COMMANDS),
  tool: fc.constantFrom(...TOOLS),
  digest: fc.constantFrom('a', 'b'),
  outcome: fc.constantFrom(...OUTCOMES),
  error: fc.constantFrom(...ERRORS),
  dt: fc.option(fc.integer({ min: 0, max: 400_000_000 }), { nil: undefined }),
  gap: fc.integer({ min: 0, max: 60_000_000 }),
  measured: fc.option(fc.integer({ min: 0, max: 120_000 }), { nil: undefined }),
  wait: fc.constantFrom(...WAITS),
  waitMs: fc.option(fc.integer({ min: 0, max: 300_000 }), { nil: undefined }),
});

const ROUTINE = {
  tool: 'Read',
  digest: 'a',
  outcome: 'ok' as CallOutcome,
  error: ERRORS[0]!,
  dt: 1000,
  gap: 500,
  measured: 200,
  wait: undefined,
  waitMs: undefined,
};

export const agentSession = fc
  .record({
    id: fc.constantFrom('s1', 's2', 's3', 's4', 'a|b`c', 'zz'),
    file: fc.constantFrom('a.jsonl', 'b.jsonl', 'dir/c.jsonl'),
    repo: fc.constantFrom('alpha', 'beta'),
    start: fc.option(fc.integer({ min: 1.7e15, max: 1.8e15 }), { nil: undefined }),
    calls: fc.array(callSpec, { maxLength: 14 }),
    // a routine that repeats across sessions, so toil has something to find
    routine: fc.boolean(),
    usage: fc.array(
      fc.tuple(
        fc.constantFrom('claude-opus-4-6', 'claude-sonnet-4-20250514', 'mystery-model'),
        fc.nat(5000),
        fc.nat(5000),
        fc.nat(50000),
        fc.nat(500000),
        // the cost the agent logged (SWE-agent, mini-swe-agent: realdata's), or none
        fc.constantFrom(undefined, 0.53839, 1.26719, 2.4601044000000005),
      ),
      { maxLength: 2 },
    ),
    friction: fc.array(
      fc.record({
        kind: fc.constantFrom('question' as const, 'interrupt' as const, 'permission' as const),
        waitMs: fc.option(fc.nat(100_000), { nil: undefined }),
      }),
      { maxLength: 2 },
    ),
    errors: fc.array(fc.constantFrom(...ERRORS), { maxLength: 2 }),
  })
  .map((r): AgentSession => {
    let t = r.start;
    const specs = r.routine
      ? [...['npm run build', 'npm test', 'git push'].map((command) => ({ ...(r.calls[0] ?? ROUTINE), shell: true, command })), ...r.calls]
      : r.calls;
    const calls = specs.map((c, i): AgentToolCall => {
      const call: AgentToolCall = {
        tool: c.shell ? 'Bash' : c.tool,
        inputDigest: c.shell ? c.command : c.digest,
        outcome: c.outcome,
        line: 10 + i * 2,
        resultLine: 11 + i * 2,
      };
      if (c.shell) {
        call.command = c.command;
        call.family = commandFamily(c.command);
      }
      if (t !== undefined && c.dt !== undefined) {
        t += c.dt;
        call.startUs = t;
        call.endUs = t + c.gap;
      }
      if (c.measured !== undefined) call.measuredMs = c.measured;
      if (c.outcome === 'error' || c.outcome === 'rejected') call.errorText = c.error;
      if (c.wait !== undefined) call.waitedOn = c.wait;
      if (c.wait !== undefined && c.waitMs !== undefined) call.waitMs = c.waitMs;
      return call;
    });
    const s: AgentSession = {
      sessionId: r.id,
      agent: 'claude-code',
      file: r.file,
      line: 1,
      repo: r.repo,
      // some usages carry the 1-hour part of their cache writes (cost.ts reads it when present)
      usage: r.usage.map(([m, a, b, c, d, usd]) => {
        const u: TokenUsage =
          c % 2 === 0
            ? { input: a, output: b, cacheWrite: c, cacheRead: d }
            : { input: a, output: b, cacheWrite: c, cacheWrite1h: c >> 1, cacheRead: d };
        if (usd !== undefined) Object.assign(u, { loggedUsd: usd, loggedLine: 300 });
        return [m, u];
      }),
      activeMs: 0,
      calls,
      errors: r.errors.map((text, j) => ({ text, line: 100 + j, errorSeq: j })),
      friction: r.friction.map((f, j) => ({ kind: f.kind, line: 200 + j, ...(f.waitMs !== undefined ? { waitMs: f.waitMs } : {}) })),
    };
    if (r.start !== undefined) {
      s.firstUs = r.start;
      s.lastUs = t;
    }
    return s;
  });
