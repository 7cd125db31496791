import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AgentSession } from '../../../src/agent-session.js';
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

  describe('logged cost', () => {
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'fp-swe-cost-'));
    /** A one-step trajectory with these `info.model_stats`, pretty-printed as SWE-agent writes it. */
    async function withStats(stats: unknown, model?: string): Promise<{ usage: AgentSession['usage']; lines: Map<string, number> }> {
      const file = path.join(tmp, `o__r-${Math.random().toString(36).slice(2)}.traj`);
      const doc = {
        trajectory: [{ action: 'ls', observation: '' }],
        info: { model_stats: stats },
        ...(model ? { replay_config: { agent: { model: { name: model } } } } : {}),
      };
      writeFileSync(file, JSON.stringify(doc, null, 4));
      const [s] = await collect(sweAgent.sessions(file));
      return { usage: s!.usage, lines: valueLines(readFileSync(file, 'utf8'), 3) };
    }

    it('reads instance_cost as the cost the agent logged, on the line it is written (the fixture: $0.10, no token counts)', async () => {
      const file = `${dir}acme__widgets-42.traj`;
      const [s] = await collect(sweAgent.sessions(file));
      const line = valueLines(readFileSync(file, 'utf8'), 3).get('info/model_stats/instance_cost');
      expect(readFileSync(file, 'utf8').split('\n')[line! - 1]).toContain('"instance_cost": 0.1');
      expect(s!.usage).toEqual([['unknown', { input: 0, output: 0, cacheWrite: 0, cacheRead: 0, loggedUsd: 0.1, loggedLine: line }]]);
    });

    it("with the tokens, for replay_config's model; total_cost (the batch's so far) is not the instance's", async () => {
      const { usage, lines } = await withStats(
        { total_cost: 9.5, instance_cost: 1.26719, tokens_sent: 122612, tokens_received: 1369, api_calls: 12 },
        'gpt-4o',
      );
      expect(usage).toEqual([
        [
          'gpt-4o',
          { input: 122612, output: 1369, cacheWrite: 0, cacheRead: 0, loggedUsd: 1.26719, loggedLine: lines.get('info/model_stats/instance_cost') },
        ],
      ]);
    });

    it('an instance_cost of 0 is "not recorded", as one that is a string or absent: the tokens stay for the table to price', async () => {
      const logged = async (stats: Record<string, unknown>) => (await withStats(stats)).usage.map(([, u]) => u.loggedUsd);
      expect(await logged({ instance_cost: 0.5, tokens_sent: 10 })).toEqual([0.5]);
      // realdata's marshmallow replay: 11 api_calls, 0 tokens sent, cost 0: nothing was measured
      expect(await logged({ instance_cost: 0, tokens_sent: 0, tokens_received: 0, api_calls: 11 })).toEqual([undefined]);
      // a model the agent could not price logs 0 for real tokens
      expect((await withStats({ instance_cost: 0, tokens_sent: 10, tokens_received: 2 })).usage).toEqual([
        ['unknown', { input: 10, output: 2, cacheWrite: 0, cacheRead: 0 }],
      ]);
      expect(await logged({ instance_cost: '1.5', tokens_sent: 10 })).toEqual([undefined]);
      expect(await logged({ tokens_sent: 10 })).toEqual([undefined]);
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
