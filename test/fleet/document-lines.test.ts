/**
 * The evidence of the logs that are one JSON document (OpenHands' event array, SWE-agent's `.traj`,
 * mini-swe-agent's `.traj.json`), read as a skeptical reader reads it: open the file at the
 * evidence line and find there the `{` of the event, step or message the finding is about.
 * Each pretty-printed fixture is read twice, under two names, through the fleet profile (the
 * adapters, then the detectors): an error is a finding once seen twice.
 */
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AgentSession } from '../../src/agent-session.js';
import { buildFleetReport, finalizeFleetState, foldFleet } from '../../src/fleet/index.js';
import { agentSessionsOf } from '../../src/input/adapters/index.js';
import { FIXTURES } from '../input/adapters/_collect.js';
import { pathAtLine, valueAt } from '../input/adapters/_value-lines.js';

/** The error a finding names, as the log has it: an OpenHands error without text is "Exit code N". */
function holdsError(element: unknown, example: string): boolean {
  const first = example.split('\n')[0]!;
  if (JSON.stringify(element).includes(JSON.stringify(first).slice(1, -1))) return true;
  const code = /^Exit code (-?\d+)$/.exec(example);
  const extras = (element as { extras?: { exit_code?: number } }).extras;
  return code !== null && extras?.exit_code === Number(code[1]);
}

describe.each([
  ['OpenHands', 'openhands/login-bug.json', /^\d+$/, false],
  ['SWE-agent', 'swe-agent/acme__widgets-42.traj', /^trajectory\/\d+$/, true],
  ['SWE-agent (history only)', 'swe-agent/history-only.traj', /^history\/\d+$/, false],
  ['mini-swe-agent', 'mini-swe-agent/acme__widgets-7.traj.json', /^messages\/\d+$/, true],
])('%s evidence lines', (_format, fixture, element, logsCost) => {
  it('are the file lines where the events, steps or messages the findings name open', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'fp-doc-lines-'));
    const base = path.basename(fixture);
    const files = [base, `copy-${base}`].map((name) => path.join(dir, name));
    for (const f of files) copyFileSync(path.join(FIXTURES, fixture), f);
    const sessions: AgentSession[] = [];
    for (const f of files) for await (const s of (await agentSessionsOf(f))!) sessions.push(s);
    const report = buildFleetReport(finalizeFleetState(foldFleet(sessions)));

    let checked = 0;
    let costs = 0;
    for (const f of report.findings) {
      for (const e of f.evidence) {
        const where = `${f.kind} ${f.key}: ${path.basename(e.file)}:${e.line}`;
        const text = readFileSync(e.file, 'utf8');
        if (f.kind === 'cost') {
          // a cost the agent logged: the line that states it, where the reader checks the dollars
          expect(pathAtLine(e.file, e.line, 3), where).toBe('info/model_stats/instance_cost');
          expect(Number(/"instance_cost": ([-+.\de]+)/.exec(text.split('\n')[e.line - 1]!)?.[1]), where).toBeGreaterThan(0);
          costs++;
          continue;
        }
        expect(text.split('\n')[e.line - 1]!.trimStart().startsWith('{'), where).toBe(true);
        const at = pathAtLine(e.file, e.line);
        expect(at, where).toMatch(element);
        if (f.kind === 'error_cluster') {
          const example = (f.details as { example: string }).example;
          expect(holdsError(valueAt(JSON.parse(text), at!), example), `${where} holds ${JSON.stringify(example)}`).toBe(true);
        }
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(0);
    // the fixtures that log their cost (SWE-agent's steps, mini-swe-agent) name it twice, once per copy
    expect(costs).toBe(logsCost ? 2 : 0);
  });
});
