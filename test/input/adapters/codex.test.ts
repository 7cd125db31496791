import { describe, expect, it } from 'vitest';
import { codex, parseExecOutput } from '../../../src/input/adapters/codex.js';
import { collect, FIXTURES, head, lineOffset } from './_collect.js';

const dir = `${FIXTURES}codex/`;
const main = `${dir}rollout-2026-02-01T12-00-00-0199aaaa-0000-7000-8000-000000000001.jsonl`;

describe(codex.name, () => {
  describe('read', () => {
    it('pairs calls and outputs by call_id and reads exit codes from JSON-string and text outputs', async () => {
      expect(await collect(codex.read(main))).toEqual([
        {
          session_id: '0199aaaa-0000-7000-8000-000000000001',
          repo: 'widgets', // git@github.com:acme/widgets.git
          errors: [
            "ls: cannot access 'lib': No such file or directory\n", // JSON metadata.exit_code 2
            'Exit code 1', // JSON exit_code 1 with an empty output
            'error: patch does not apply\n', // "Exit code: 1" header, text after "Output:"
            'bash: pytset: command not found\n', // "Process exited with code 127"
          ],
          tool_calls: [
            { tool: 'shell', latency_ms: 1100 }, // duration_seconds 1.1
            { tool: 'shell', latency_ms: 0 }, // duration_seconds 0.0
            { tool: 'shell', latency_ms: 250 },
            { tool: 'update_plan', latency_ms: 500 }, // "Plan updated": no duration, output ts − call ts
            { tool: 'apply_patch', latency_ms: 300 }, // custom_tool_call, "Wall time: 0.3 seconds"
            { tool: 'exec_command', latency_ms: 12.3 }, // "Wall time: 0.0123 seconds"
            { tool: 'shell', latency_ms: 2500 }, // local_shell_call paired by its id, output as content items
            { tool: 'shell', latency_ms: 0 }, // no output: interrupted
          ],
          duration_minutes: 0.25, // 12:00:00 → 12:00:15 (the unknown ghost_commit line does not count)
        },
      ]);
    });

    it('takes the repo from cwd without git and keeps a session without tool calls', async () => {
      expect(await collect(codex.read(`${dir}rollout-no-git-no-tools.jsonl`))).toEqual([
        { session_id: '0199bbbb-0000-7000-8000-000000000002', repo: 'gadgets', errors: [], tool_calls: [], duration_minutes: 31 / 60 },
      ]);
    });

    it('rejects an invalid JSON line with its location', async () => {
      const file = `${dir}invalid/bad-json-line.jsonl`;
      await expect(collect(codex.read(file))).rejects.toMatchObject({
        code: 'FP_INPUT',
        message: expect.stringMatching(/^Invalid Codex log: invalid JSON/),
        context: { file, line: 2, offset: lineOffset(file, 2) },
      });
    });

    it('rejects a payload of the wrong type', async () => {
      const file = `${dir}invalid/payload-not-object.jsonl`;
      await expect(collect(codex.read(file))).rejects.toMatchObject({
        code: 'FP_INPUT',
        message: `Invalid Codex log: "payload" of a response_item line is a string, expected an object, at byte ${lineOffset(file, 2)}, line 2 in ${file}`,
      });
    });
  });

  describe(parseExecOutput.name, () => {
    it.each([
      ['{"output":"ok\\n","metadata":{"exit_code":0,"duration_seconds":0.5}}', { exitCode: 0, durationS: 0.5, text: 'ok\n' }],
      ['{"exit_code":2,"output":"boom"}', { exitCode: 2, text: 'boom' }],
      ['Exit code: 1\nWall time: 5.8 seconds\nOutput:\nFAIL src/a.test.ts', { exitCode: 1, durationS: 5.8, text: 'FAIL src/a.test.ts' }],
      ['Chunk ID: b\nWall time: 0.0 seconds\nProcess exited with code 0\nOutput:\nfine', { exitCode: 0, durationS: 0, text: 'fine' }],
      ['Plan updated', { text: 'Plan updated' }],
      ['{not json', { text: '{not json' }],
      // a body line that looks like a header is not read as one
      ['Exit code: 0\nOutput:\nExit code: 3', { exitCode: 0, text: 'Exit code: 3' }],
    ] as const)('%j', (raw, expected) => {
      expect(parseExecOutput(raw)).toEqual(expected);
    });
  });

  describe('detect', () => {
    it.each([main, `${dir}rollout-no-git-no-tools.jsonl`])('%s', (f) => {
      expect(codex.detect(head(f), f)).toBe(true);
    });

    it('matches a session_meta line longer than the head', () => {
      const line = JSON.stringify({
        timestamp: '2026-01-01T00:00:00Z',
        type: 'session_meta',
        payload: { id: 'x', instructions: 'y'.repeat(70_000) },
      });
      expect(codex.detect(Buffer.from(line).subarray(0, 64 * 1024), 'r.jsonl')).toBe(true);
    });

    it('does not take a Claude Code transcript or a canonical archive', () => {
      expect(codex.detect(head(`${FIXTURES}claude-code/-home-dev-alpha/split-and-parallel.jsonl`), 'x.jsonl')).toBe(false);
      expect(codex.detect(Buffer.from('{"session_id":"s","tool_calls":[]}\n'), 'x.jsonl')).toBe(false);
    });
  });
});

describe(`${codex.name} sessions (AgentSession)`, () => {
  const unified = `${FIXTURES}codex/rollout-0.120-unified-exec.jsonl`;

  it('settles a running command by its later write_stdin poll or exec_command_end, and counts rejected and unparsable calls as failed', async () => {
    const [s] = await collect(codex.sessions(unified));
    const brief = s!.calls.map((c) => [c.tool, c.family, c.outcome, c.measuredMs, c.line, c.resultLine, c.errorText]);
    expect(brief).toEqual([
      // exit 1 only in the poll (line 6) of session 501; measured by exec_command_end (7.5 s), not by the 1 s yield
      ['exec_command', 'go test', 'error', 7500, 3, 6, '--- FAIL: TestX (0.00s)\n'],
      ['write_stdin', undefined, 'ok', 5900, 5, 6, undefined], // the poll itself succeeded
      // exit 2 only in exec_command_end (line 10)
      ['exec_command', 'make lint', 'error', 4000, 8, 10, 'lint: 3 issues\n'],
      ['exec_command', 'rm', 'rejected', undefined, 11, 12, 'exec command rejected by the approval reviewer: destructive command'],
      [
        'exec_command',
        'git status',
        'error',
        undefined,
        13,
        14,
        'failed to parse function arguments: duplicate field `yield_time_ms` at line 1 column 60',
      ],
      ['exec_command', 'git status', 'ok', 10, 15, 16, undefined],
    ]);
    expect(s!.calls[3]).toMatchObject({ waitedOn: 'approval', waitMs: 24_000 });
    expect(s!.friction).toEqual([{ kind: 'permission', line: 12 }]);
    expect(s).toMatchObject({ repo: 'acme/app', seedRepo: 'app', branch: 'main' });
    // the last cumulative token_count, cached input apart
    expect(s!.usage).toEqual([['gpt-5.4', { input: 2000, output: 500, cacheWrite: 0, cacheRead: 7000 }]]);
  });

  it('gives the seed view the failed calls as errors, in log order', async () => {
    const [seed] = await collect(codex.read(unified));
    expect(seed!.errors).toEqual([
      '--- FAIL: TestX (0.00s)\n',
      'lint: 3 issues\n',
      'exec command rejected by the approval reviewer: destructive command',
      'failed to parse function arguments: duplicate field `yield_time_ms` at line 1 column 60',
    ]);
  });
});

describe(`${codex.name} detect (any line of the head)`, () => {
  it('passes over a first line of a type it does not know, and a cut one', () => {
    const meta = '{"timestamp":"2026-04-13T08:00:00Z","type":"session_meta","payload":{"id":"x"}}';
    expect(codex.detect(Buffer.from(`{"timestamp":"2026-04-13T08:00:00Z","type":"world_state","payload":{}}\n${meta}\n`), 'r.jsonl')).toBe(true);
    expect(codex.detect(Buffer.from(`{"timestamp":"2026-04-13T08:00:00Z","ty\n${meta}\n`), 'r.jsonl')).toBe(true);
    expect(codex.detect(Buffer.from(`{"session_id":"s1"}\n${meta}\n`), 'r.jsonl')).toBe(false);
  });
});

describe(`${codex.name} rejections`, () => {
  it('reads "rejected by user" outputs and declined exec_command_end events as rejected, not a file named rejected.go', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const file = `${mkdtempSync(`${tmpdir()}/codex-`)}/rollout.jsonl`;
    const ts = '2026-04-13T08:00:00.000Z';
    const row = (type: string, payload: object) => JSON.stringify({ timestamp: ts, type, payload });
    const call = (id: string, name: string, args: object) =>
      row('response_item', { type: 'function_call', name, arguments: JSON.stringify(args), call_id: id });
    const out = (id: string, output: string) => row('response_item', { type: 'function_call_output', call_id: id, output });
    writeFileSync(
      file,
      [
        row('session_meta', { id: 'r1', cwd: '/w/app' }),
        call('a', 'shell', { command: ['bash', '-lc', 'make deploy'] }),
        out('a', 'exec command rejected by user'),
        call('b', 'apply_patch', { input: '*** Begin Patch' }),
        out('b', 'patch rejected by user'),
        call('c', 'exec_command', { cmd: 'rm -rf build' }),
        row('event_msg', {
          type: 'exec_command_end',
          call_id: 'c',
          exit_code: -1,
          status: 'declined',
          aggregated_output: 'exec command rejected by user',
        }),
        call('d', 'exec_command', { cmd: 'ls' }),
        out('d', 'rejected.go\nmain.go'),
      ].join('\n') + '\n',
    );
    const [s] = await collect(codex.sessions(file));
    expect(s!.calls.map((c) => [c.family ?? c.tool, c.outcome])).toEqual([
      ['make deploy', 'rejected'],
      ['apply_patch', 'rejected'],
      ['rm', 'rejected'],
      ['ls', 'ok'],
    ]);
  });
});
