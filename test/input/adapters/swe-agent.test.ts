import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isErrorObservation, repoFromInstanceId, sweAgent } from '../../../src/input/adapters/swe-agent.js';
import { collect, FIXTURES, head } from './_collect.js';
import { valueLines } from './_value-lines.js';

const dir = `${FIXTURES}swe-agent/`;

describe(sweAgent.name, () => {
  describe('read', () => {
    it('maps trajectory steps: first word of the action, execution_time, traceback and failure observations', async () => {
      expect(await collect(sweAgent.read(`${dir}acme__widgets-42.traj`))).toEqual([
        {
          session_id: 'acme__widgets-42',
          repo: 'widgets',
          errors: [
            "Traceback (most recent call last):\n  File \"/acme__widgets/reproduce.py\", line 3, in <module>\n    widgets.spin()\nAttributeError: module 'widgets' has no attribute 'spin'\n",
            "Your proposed edit has introduced new syntax error(s). Please read this error message carefully and then retry editing the file.\n\nERRORS:\n- E999 SyntaxError: '(' was never closed\n",
            '/bin/bash: line 1: pytset: command not found\n',
            'ValueError: speed must be positive\n',
          ],
          tool_calls: [
            { tool: 'create', latency_ms: 250 },
            { tool: 'python', latency_ms: 1500 },
            { tool: 'open', latency_ms: 100 }, // shows "raise ValueError(" inside code: not an error
            { tool: 'edit', latency_ms: 200 },
            // the step with a blank action (format error) ran no tool
            { tool: 'pytset', latency_ms: 50 },
            { tool: 'python', latency_ms: 300 },
            { tool: 'submit', latency_ms: 100 }, // a diff adding "raise ValueError": not an error
          ],
          duration_minutes: 0,
        },
      ]);
    });

    it('falls back to history when there are no steps; instance_id and replay_config name the session and repo', async () => {
      expect(await collect(sweAgent.read(`${dir}history-only.traj`))).toEqual([
        {
          session_id: 'octo__spoon-7',
          repo: 'spoon',
          errors: ['Traceback (most recent call last):\n  File "/repo/app.py", line 1\nImportError: cannot import name \'x\''],
          tool_calls: [
            { tool: 'find_file', latency_ms: 0 },
            { tool: 'bash', latency_ms: 0 },
            { tool: 'submit', latency_ms: 0 },
          ],
          duration_minutes: 0,
        },
      ]);
    });

    it.each([
      ['trajectory-object.traj', 'Invalid SWE-agent log: "trajectory" is an object, expected a list', 'trajectory'],
      ['action-list.traj', 'Invalid SWE-agent log: trajectory #0: "action" is a list, expected a string', 'trajectory/0'],
    ])('rejects %s at the line where the value opens', async (name, message, at) => {
      const file = `${dir}invalid/${name}`;
      const line = valueLines(readFileSync(file, 'utf8')).get(at)!;
      expect(line).toBeGreaterThan(1);
      await expect(collect(sweAgent.read(file))).rejects.toMatchObject({
        code: 'FP_INPUT',
        message: `${message}, at line ${line} in ${file}`,
        context: { file, line },
      });
    });
  });

  describe(isErrorObservation.name, () => {
    it.each([
      ['Traceback (most recent call last):\n  File "x.py"', true],
      ['ModuleNotFoundError: No module named numpy', true],
      ['ok\nException: boom', true],
      ['Error: file not found', true],
      ['bash: foo: command not found', true],
      ['Your proposed edit has introduced new syntax error(s).', true],
      ['41:        raise ValueError("negative speed")', false],
      ['+    raise ValueError("x")', false],
      ['no errors here: ValueError is a class', false],
      ['', false],
    ] as const)('%j -> %s', (obs, expected) => {
      expect(isErrorObservation(obs)).toBe(expected);
    });
  });

  describe(repoFromInstanceId.name, () => {
    it.each([
      ['pydicom__pydicom-1458', 'pydicom'],
      ['marshmallow-code__marshmallow-1867', 'marshmallow'],
      ['swe-agent__test-repo-i1', 'test-repo'],
      ['django__django-11099', 'django'],
      ['no-owner-1', undefined],
    ] as const)('%s -> %s', (id, repo) => {
      expect(repoFromInstanceId(id)).toBe(repo);
    });
  });

  describe('detect', () => {
    it.each(['acme__widgets-42.traj', 'history-only.traj'])('%s', (f) => {
      expect(sweAgent.detect(head(`${dir}${f}`), f)).toBe(true);
    });

    it('needs a top-level "trajectory" (or a .traj file), not one nested in a session archive', () => {
      expect(sweAgent.detect(Buffer.from('{"sessions":[{"session_id":"s","trajectory":[]}]}'), 'a.json')).toBe(false);
      expect(sweAgent.detect(Buffer.from('{"history":[],"info":{}}'), 'a.json')).toBe(false);
      expect(sweAgent.detect(Buffer.from('{"environment":"x","trajectory":['), 'a.json')).toBe(true);
    });
  });
});
