import { describe, expect, it } from 'vitest';
import { openHands } from '../../../src/input/adapters/openhands.js';
import { collect, FIXTURES, head } from './_collect.js';

const dir = `${FIXTURES}openhands/`;

describe(openHands.name, () => {
  describe('read', () => {
    it('pairs actions with observations by cause and reads error observations and exit codes', async () => {
      expect(await collect(openHands.read(`${dir}login-bug.json`))).toEqual([
        {
          session_id: 'login-bug',
          repo: 'login-service', // recall observation: repo_name "acme/login-service"
          errors: [
            'E   AssertionError: expected 200, got 500\n1 failed', // run, extras.metadata.exit_code 1
            'ERROR:\nInvalid `path` parameter: /workspace/app/login.py. The path does not exist.', // observation "error"
            'Exit code -1', // extras.exit_code -1, no content, no message
            'Agent got stuck in a loop', // observation "error" without content: its message
          ],
          tool_calls: [
            { tool: 'run', latency_ms: 2500.25 }, // naive timestamps, microseconds kept
            { tool: 'read', latency_ms: 2000 }, // its observation (an error) comes after the edit's
            { tool: 'edit', latency_ms: 250 },
            { tool: 'think', latency_ms: 10 },
            { tool: 'run', latency_ms: 30000 },
          ], // the user's own `run` and the agent's `message`/`finish` are not tool calls
          duration_minutes: 60.5 / 60,
        },
      ]);
    });

    it('yields no session for an empty trajectory', async () => {
      expect(await collect(openHands.read(`${dir}empty.json`))).toEqual([]);
    });

    it.each([
      ['root-object.json', 'Invalid OpenHands log: the document is an object, expected a list of events'],
      ['timestamp-number.json', 'Invalid OpenHands log: event #1: "timestamp" is a number, expected a string'],
      ['truncated.json', 'Invalid OpenHands log: invalid JSON'],
    ])('rejects %s', async (name, message) => {
      const file = `${dir}invalid/${name}`;
      await expect(collect(openHands.read(file))).rejects.toMatchObject({
        code: 'FP_INPUT',
        message: expect.stringContaining(message),
        context: { file },
      });
    });
  });

  describe('detect', () => {
    it('takes an event array', () => {
      expect(openHands.detect(head(`${dir}login-bug.json`), 'login-bug.json')).toBe(true);
    });

    it('takes an array whose first event is longer than the head', () => {
      const text = JSON.stringify([{ id: 0, source: 'agent', action: 'system', args: { content: 'x'.repeat(70_000) } }]);
      expect(openHands.detect(Buffer.from(text).subarray(0, 64 * 1024), 't.json')).toBe(true);
    });

    it.each([
      ['an empty array', '[]'],
      ['a canonical archive', '[{"session_id":"s1","repo":"r","tool_calls":[{"tool":"run","latency_ms":1}]}]'],
      ['a wrapper', '{"sessions":[{"session_id":"s1","action":"run","source":"agent"}]}'],
    ])('not %s', (_what, text) => {
      expect(openHands.detect(Buffer.from(text), 'x.json')).toBe(false);
    });
  });
});
