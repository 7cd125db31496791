import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openHands } from '../../../src/input/adapters/openhands.js';
import { collect, FIXTURES, head } from './_collect.js';
import { pathAtLine, valueLines } from './_value-lines.js';

/** The 1-based line of the character at `index`. */
const lineOf = (text: string, index: number): number => text.slice(0, index).split('\n').length;

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

    it('locates invalid JSON: the byte and line where it stops being JSON', async () => {
      const text = readFileSync(`${dir}login-bug.json`, 'utf8');
      // a ':' dropped in the third event; and the file cut short
      const at = text.indexOf('"id": 2,');
      const dir2 = mkdtempSync(path.join(os.tmpdir(), 'fp-openhands-'));
      const broken = path.join(dir2, 'broken.json');
      writeFileSync(broken, `${text.slice(0, at)}"id" 2,${text.slice(at + '"id": 2,'.length)}`);
      const byte = Buffer.byteLength(text.slice(0, at + '"id" '.length));
      await expect(collect(openHands.read(broken))).rejects.toMatchObject({
        code: 'FP_INPUT',
        message: `Invalid OpenHands log: invalid JSON (expected ':' after a property name), at byte ${byte}, line ${lineOf(text, at)} in ${broken}`,
        context: { file: broken, offset: byte, line: lineOf(text, at) },
      });
      const truncated = `${dir}invalid/truncated.json`;
      const cut = readFileSync(truncated);
      await expect(collect(openHands.read(truncated))).rejects.toMatchObject({
        message: expect.stringContaining('invalid JSON (unexpected end of input (truncated?))'),
        context: { file: truncated, offset: cut.length, line: lineOf(cut.toString('utf8'), cut.length) },
      });
    });

    it("gives each call the file line where its event opens, and its result's", async () => {
      const file = `${dir}login-bug.json`;
      const [s] = await collect(openHands.sessions(file));
      const text = readFileSync(file, 'utf8');
      const events = JSON.parse(text) as Array<{ id: number; cause?: number }>;
      const at = valueLines(text, 1);
      for (const c of s!.calls) {
        const action = events[Number(pathAtLine(file, c.line, 1))]!;
        expect(text.split('\n')[c.line - 1]!.trim()).toBe('{');
        expect(at.get(String(events.indexOf(action)))).toBe(c.line);
        expect((action as { action?: string }).action).toBe(c.tool);
        // the observation that answers it (cause = the action's id)
        const observation = events[Number(pathAtLine(file, c.resultLine!, 1))]!;
        expect(observation.cause).toBe(action.id);
      }
      expect(s!.calls.length).toBe(5);
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
