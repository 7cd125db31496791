import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { miniSweAgent } from '../../../src/input/adapters/mini-swe-agent.js';
import { sweAgent } from '../../../src/input/adapters/swe-agent.js';
import type { Skip } from '../../../src/input/adapters/index.js';
import { collect, FIXTURES, head } from './_collect.js';
import { valueLines } from './_value-lines.js';

const file = `${FIXTURES}mini-swe-agent/acme__widgets-7.traj.json`;

describe(miniSweAgent.name, () => {
  it('reads one call per bash block with the outcome of the next message', async () => {
    const [s] = await collect(miniSweAgent.sessions(file));
    // lines: the file lines where the call's message and its result's open
    const at = valueLines(readFileSync(file, 'utf8'));
    const message = (i: number) => at.get(`messages/${i}`);
    expect(s!.calls.map((c) => [c.family, c.outcome, c.line, c.resultLine])).toEqual([
      ['ls', 'ok', message(2), message(3)],
      ['pytest', 'error', message(4), message(5)], // <returncode>1
      ['pytest', 'error', message(6), message(7)], // two blocks (sed, then pytest): the agent is told it made a format error
      ['rg', 'error', message(10), message(11)], // <returncode>127
      ['git diff', 'ok', message(12), message(13)], // the submission: echo ... && git add -A && git diff --cached
    ]);
    expect(s!.calls[1]!.errorText).toBe('<returncode>1</returncode>\n<output>\nE   AssertionError: 1 != 2\n</output>');
    expect(s).toMatchObject({ sessionId: 'acme__widgets-7', agent: 'mini-swe-agent', repo: 'acme/widgets', seedRepo: 'widgets' });
    // with the run's cost as the agent logged it (info.model_stats.instance_cost) and the line it is on
    const costLine = valueLines(readFileSync(file, 'utf8'), 3).get('info/model_stats/instance_cost');
    expect(readFileSync(file, 'utf8').split('\n')[costLine! - 1]).toContain('"instance_cost": 0.01');
    expect(s!.usage).toEqual([
      ['acme/model-1', { input: 1560 - 1200, output: 92, cacheWrite: 0, cacheRead: 1200, loggedUsd: 0.01, loggedLine: costLine }],
    ]);
    expect((s!.lastUs! - s!.firstUs!) / 1e6).toBe(180); // response `created` times, 08:00:00 -> 08:03:00
  });

  it('gives the seed a session with its failed calls as errors', async () => {
    const [seed] = await collect(miniSweAgent.read(file));
    expect(seed).toMatchObject({ session_id: 'acme__widgets-7', repo: 'widgets', duration_minutes: 3 });
    expect(seed!.tool_calls.map((c) => c.tool)).toEqual(['bash', 'bash', 'bash', 'bash', 'bash']);
    expect(seed!.errors).toHaveLength(3);
  });

  it('skips a message that is not an object', async () => {
    const { writeFileSync, mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(`${tmpdir()}/mini-`);
    const bad = `${dir}/x.traj.json`;
    writeFileSync(
      bad,
      JSON.stringify({
        messages: [{ role: 'system', content: 's' }, 42, { role: 'assistant', content: '```bash\nls\n```' }],
        info: {},
        trajectory_format: 'mini-swe-agent-1',
      }),
    );
    const skips: Skip[] = [];
    const [s] = await collect(miniSweAgent.sessions(bad, { onSkip: (k) => skips.push(k) }));
    // located: the file is one line
    expect(skips.map((k) => k.message)).toEqual([`Invalid mini-swe-agent log: message #1: a number, expected an object, at line 1 in ${bad}`]);
    expect(s!.calls).toHaveLength(1);
  });

  describe('logged cost', () => {
    const tmp = mkdtempSync(`${tmpdir()}/mini-cost-`);
    const answer = (model: string, id: string) => ({
      role: 'assistant',
      content: '```bash\nls\n```',
      extra: { response: { id, model, usage: { prompt_tokens: 100, completion_tokens: 10 } } },
    });
    async function usageOf(info: unknown, messages: unknown[]) {
      const f = `${tmp}/o__r-${Math.random().toString(36).slice(2)}.traj.json`;
      writeFileSync(f, JSON.stringify({ info, messages, trajectory_format: 'mini-swe-agent-1' }, null, 2));
      const [s] = await collect(miniSweAgent.sessions(f));
      return { usage: s!.usage, line: valueLines(readFileSync(f, 'utf8'), 3).get('info/model_stats/instance_cost') };
    }

    it("without token counts, the cost is the configured model's", async () => {
      const { usage, line } = await usageOf(
        { model_stats: { instance_cost: 2.5, api_calls: 3 }, config: { model: { model_name: 'google/gemini-3-pro-preview' } } },
        [{ role: 'user', content: 'go' }],
      );
      expect(usage).toEqual([
        ['google/gemini-3-pro-preview', { input: 0, output: 0, cacheWrite: 0, cacheRead: 0, loggedUsd: 2.5, loggedLine: line }],
      ]);
    });

    it('a run of one model logs its cost for it; a run of two keeps the table prices (its one cost cannot be split); a cost of 0 is not recorded, not free', async () => {
      const logged = async (cost: number, answers: unknown[]) =>
        (await usageOf({ model_stats: { instance_cost: cost } }, answers)).usage.map(([m, u]) => [m, u.loggedUsd]);
      expect(await logged(2.5, [answer('m-a', '1'), answer('m-a', '2')])).toEqual([['m-a', 2.5]]);
      expect(await logged(2.5, [answer('m-a', '1'), answer('m-b', '2')])).toEqual([
        ['m-a', undefined],
        ['m-b', undefined],
      ]);
      expect(await logged(0, [answer('m-a', '1')])).toEqual([['m-a', undefined]]);
    });
  });

  it('is detected as mini-swe-agent, not SWE-agent', () => {
    expect(miniSweAgent.detect(head(file), file)).toBe(true);
    expect(sweAgent.detect(head(file), file)).toBe(false);
  });
});
