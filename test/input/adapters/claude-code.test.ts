import { describe, expect, it } from 'vitest';
import { apiErrorMessage, claudeCode } from '../../../src/input/adapters/claude-code.js';
import { collect, FIXTURES, head, lineOffset } from './_collect.js';
import type { Skip } from '../../../src/input/adapters/index.js';

const dir = `${FIXTURES}claude-code/`;
const alpha = `${dir}-home-dev-alpha/`;

describe(claudeCode.name, () => {
  describe('read', () => {
    it('maps split assistant lines, parallel calls with out-of-order results, is_error and api_error lines', async () => {
      expect(await collect(claudeCode.read(`${alpha}split-and-parallel.jsonl`))).toEqual([
        {
          session_id: 'sess-alpha',
          repo: 'alpha',
          errors: [
            'Exit code 1\nnpm ERR! missing script: buld',
            '<tool_use_error>File does not exist.</tool_use_error>\nDid you mean package.json?',
            'API error 529: Overloaded',
            'Request timed out',
          ],
          tool_calls: [
            { tool: 'Bash', latency_ms: 2500 }, // result ts − call ts (toolUseResult is a string)
            { tool: 'Read', latency_ms: 2000 }, // answered after Grep: paired by id
            { tool: 'Grep', latency_ms: 42 }, // toolUseResult.durationMs; its repeated block is not counted twice
            { tool: 'Task', latency_ms: 61000 }, // toolUseResult.totalDurationMs
          ],
          // 10:00:00 → 10:02:30; queue, snapshot, progress and unknown lines are not session time
          duration_minutes: 2.5,
        },
      ]);
    });

    it('names a subagent transcript after its parent session and agent', async () => {
      expect(await collect(claudeCode.read(`${alpha}split-and-parallel/subagents/agent-abc1234.jsonl`))).toEqual([
        {
          session_id: 'sess-alpha/agent-abc1234',
          repo: 'web',
          errors: [],
          tool_calls: [{ tool: 'Glob', latency_ms: 300 }],
          duration_minutes: 4 / 60,
        },
      ]);
    });

    it('falls back to the file name, "global", and counts a call that never got its result', async () => {
      expect(await collect(claudeCode.read(`${alpha}no-session-id.jsonl`))).toEqual([
        { session_id: 'no-session-id', repo: 'global', errors: [], tool_calls: [{ tool: 'Bash', latency_ms: 0 }], duration_minutes: 0.5 },
      ]);
    });

    it('yields no session for a summary-only file', async () => {
      expect(await collect(claudeCode.read(`${alpha}summary-only.jsonl`))).toEqual([]);
    });

    it('rejects a line that is not JSON, with its line and byte offset', async () => {
      const file = `${dir}invalid/bad-json-line.jsonl`;
      const err = await collect(claudeCode.read(file)).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toMatchObject({ code: 'FP_INPUT', context: { file, line: 2, offset: lineOffset(file, 2) } });
      expect((err as Error).message).toMatch(/^Invalid Claude Code log: invalid JSON \(.+\), at byte \d+, line 2 in .*bad-json-line\.jsonl$/);
    });

    it('rejects a tool_use whose id is not a string', async () => {
      const file = `${dir}invalid/tool-use-id-number.jsonl`;
      await expect(collect(claudeCode.read(file))).rejects.toMatchObject({
        code: 'FP_INPUT',
        message: `Invalid Claude Code log: "id" of a tool_use block is a number, expected a string, at byte ${lineOffset(file, 2)}, line 2 in ${file}`,
        context: { file, line: 2, offset: lineOffset(file, 2) },
      });
    });

    it('rejects an unreadable path with an input error', async () => {
      await expect(collect(claudeCode.read(`${dir}missing.jsonl`))).rejects.toMatchObject({
        code: 'FP_INPUT',
        context: { file: `${dir}missing.jsonl` },
      });
    });
  });

  describe(apiErrorMessage.name, () => {
    it.each([
      [{ content: 'upstream timeout' }, 'upstream timeout'],
      [{ error: { status: 503, error: { code: 'too_many_requests', message: 'limit reached' } } }, 'API error 503: limit reached'],
      [{ error: { cause: { code: 'FailedToOpenSocket', path: 'https://api.anthropic.com' } } }, 'API error: FailedToOpenSocket'],
      [{ error: { status: 500 } }, 'API error 500'],
      [{ retryAttempt: 1 }, 'API error'],
    ] as const)('%j -> %s', (line, message) => {
      expect(apiErrorMessage({ type: 'system', subtype: 'api_error', ...line })).toBe(message);
    });
  });

  describe('detect', () => {
    it.each(['split-and-parallel.jsonl', 'summary-only.jsonl', 'no-session-id.jsonl', 'split-and-parallel/subagents/agent-abc1234.jsonl'])(
      '%s',
      (f) => {
        expect(claudeCode.detect(head(`${alpha}${f}`), f)).toBe(true);
      },
    );

    it('matches the beginning of a first line longer than the head', () => {
      const line = JSON.stringify({ type: 'user', sessionId: 's', message: { role: 'user', content: 'x'.repeat(70_000) } });
      expect(claudeCode.detect(Buffer.from(line).subarray(0, 64 * 1024), 'a.jsonl')).toBe(true);
    });

    it.each([
      ['canonical JSONL', '{"session_id":"s1","repo":"r","tool_calls":[],"errors":[]}\n'],
      ['canonical array', '[{"session_id":"s1"}]'],
      ['codex', '{"timestamp":"2026-01-01T00:00:00Z","type":"session_meta","payload":{"id":"x"}}\n'],
      ['empty', ''],
    ])('not %s', (_what, text) => {
      expect(claudeCode.detect(Buffer.from(text), 'x.jsonl')).toBe(false);
    });
  });
});

describe(`${claudeCode.name} sessions (AgentSession)`, () => {
  const odd = `${dir}-home-dev-beta/odd-lines.jsonl`;

  it('skips lines that are JSON but not a Claude Code line, one skip each, and reads the rest', async () => {
    const skips: Skip[] = [];
    const [s] = await collect(claudeCode.sessions(odd, { onSkip: (k) => skips.push(k) }));
    expect(skips.map((k) => [k.kind, k.error.context.line])).toEqual([
      ['malformed', 4], // a user line whose message is a string
      ['malformed', 5], // "massive error"
      ['malformed', 6], // {"silly": "this"}
      ['malformed', 7], // 42
      ['malformed', 8], // [1]
      ['malformed', 9], // "timesstamp"
    ]);
    expect(skips[0]!.message).toBe(
      `Invalid Claude Code log: "message" of a user line is a string, expected an object, at byte ${lineOffset(odd, 4)}, line 4 in ${odd}`,
    );
    expect(skips[5]!.message).toMatch(
      /^Invalid Claude Code log: "timestamp" of an assistant line is missing, expected a string, at byte \d+, line 9 in /,
    );
    expect(s).toMatchObject({ sessionId: 'sess-beta', agent: 'claude-code', repo: 'beta', seedRepo: 'beta-x1', branch: 'feat/x', line: 3 });
  });

  it('throws the first odd line when no one collects skips (the strict behaviour)', async () => {
    await expect(collect(claudeCode.sessions(odd))).rejects.toMatchObject({ code: 'FP_INPUT', context: { line: 4 } });
  });

  it('fills outcome, error text, command family, waits, evidence lines, usage and active time', async () => {
    const [s] = await collect(claudeCode.sessions(odd, { onSkip: () => {} }));
    expect(s!.calls).toEqual([
      {
        tool: 'Bash',
        family: 'npm test',
        command: 'cd /w && npm test -- --watch=false',
        inputDigest: expect.stringMatching(/^[0-9a-f]{16}$/),
        startUs: Date.parse('2026-03-01T09:00:05Z') * 1000,
        endUs: Date.parse('2026-03-01T09:00:09Z') * 1000,
        outcome: 'error',
        errorText: 'Exit code 1\n1 failing',
        errorSeq: 0,
        waitedOn: 'hook', // a 2.1.110 attachment line measured its PreToolUse hook: 1.2 s
        waitMs: 1200,
        line: 10,
        resultLine: 14,
      },
      {
        tool: 'Bash',
        family: 'git commit',
        command: "git commit -m 'wip'",
        inputDigest: expect.stringMatching(/^[0-9a-f]{16}$/),
        startUs: Date.parse('2026-03-01T09:00:05.500Z') * 1000,
        endUs: Date.parse('2026-03-01T09:01:05.500Z') * 1000,
        outcome: 'error',
        errorText: 'Pre-commit validation failed: [FORMAT]',
        errorSeq: 1,
        // a PreToolUse hook ran and the call failed without the command's "Exit code": the hook blocked it, all 60 s
        waitedOn: 'hook',
        waitMs: 60_000,
        line: 11,
        resultLine: 15,
      },
      {
        tool: 'Write',
        inputDigest: expect.stringMatching(/^[0-9a-f]{16}$/),
        startUs: Date.parse('2026-03-01T09:20:00Z') * 1000,
        endUs: Date.parse('2026-03-01T09:20:30Z') * 1000,
        outcome: 'rejected',
        errorText: "The user doesn't want to proceed with this tool use. The tool use was rejected.",
        errorSeq: 2,
        waitedOn: 'approval',
        waitMs: 30_000,
        line: 16,
        resultLine: 17,
      },
    ]);
    expect(s!.friction).toEqual([
      { kind: 'permission', line: 17, atUs: Date.parse('2026-03-01T09:20:30Z') * 1000, waitMs: 30_000 },
      { kind: 'interrupt', line: 18, atUs: Date.parse('2026-03-01T09:20:31Z') * 1000 },
    ]);
    // msg_1/req_1 is written twice: its last record (40 output tokens) counts, once
    expect(s!.usage).toEqual([['claude-opus-4-6', { input: 13, output: 47, cacheWrite: 100, cacheRead: 1500 }]]);
    // 09:00:00 -> 09:01:05.5 and 09:20:00 -> 09:20:31 are active; the 18.5 min between is idle
    expect(s!.activeMs).toBe(65_500 + 31_000);
    expect([s!.firstUs, s!.lastUs]).toEqual([Date.parse('2026-03-01T09:00:00Z') * 1000, Date.parse('2026-03-01T09:20:31Z') * 1000]);
  });

  it('detects a 2.1.110 file that starts with permission-mode and last-prompt lines', () => {
    expect(claudeCode.detect(head(odd), odd)).toBe(true);
    const lines = [
      '{"type":"last-prompt","lastPrompt":"x"}',
      '{"type":"permission-mode","permissionMode":"default"}',
      '{"type":"user","sessionId":"s","timestamp":"2026-01-01T00:00:00Z","message":{"role":"user","content":"x"}}',
    ];
    expect(claudeCode.detect(Buffer.from(lines.join('\n') + '\n'), 'x.jsonl')).toBe(true);
    expect(claudeCode.detect(Buffer.from(lines.slice(0, 2).join('\n') + '\n'), 'x.jsonl')).toBe(false);
  });
});

describe(`${claudeCode.name} odd lines (property)`, () => {
  const ODD = [
    '"massive error"',
    '{"silly":"this"}',
    '42',
    '[1]',
    'null',
    '{"type":7}',
    '{"type":"user","sessionId":"x","timestamp":"2026-01-01T00:00:00Z","message":"text"}',
  ];

  it('inserting odd lines anywhere changes nothing but the skip count', async () => {
    const { mkdtempSync, readFileSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const fc = (await import('fast-check')).default;
    const source = `${alpha}split-and-parallel.jsonl`;
    const lines = readFileSync(source, 'utf8').trimEnd().split('\n');
    const want = await collect(claudeCode.read(source));
    const dir = mkdtempSync(`${tmpdir()}/cc-odd-`);
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.nat(lines.length), fc.constantFrom(...ODD)), { maxLength: 6 }), async (inserts) => {
        const out = [...lines];
        for (const [at, odd] of [...inserts].sort((a, b) => b[0] - a[0])) out.splice(at, 0, odd);
        const file = `${dir}/f${run++}.jsonl`;
        writeFileSync(file, out.join('\n') + '\n');
        let skipped = 0;
        const got = await collect(claudeCode.read(file, { onSkip: () => skipped++ }));
        expect(got).toEqual(want);
        expect(skipped).toBe(inserts.length);
      }),
      { numRuns: 25 },
    );
  });
});
