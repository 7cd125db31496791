/** Hand-built AgentSessions for the fleet tests. */
import type { AgentSession, AgentToolCall } from '../../src/agent-session.js';
import { commandFamily } from '../../src/input/command-family.js';

/** ISO time to µs since the epoch. */
export const us = (iso: string): number => Date.parse(iso) * 1000;

export interface CallSpec extends Partial<AgentToolCall> {
  tool: string;
  line: number;
}

export function call(spec: CallSpec): AgentToolCall {
  const c: AgentToolCall = { inputDigest: spec.command ?? `${spec.tool}:${spec.line}`, outcome: 'ok', ...spec };
  if (spec.command !== undefined && spec.family === undefined) {
    const f = commandFamily(spec.command);
    if (f !== '') c.family = f;
  }
  return c;
}

/** A Bash call at `line` with its result at `resultLine`, times as ISO strings. */
export function bash(
  line: number,
  resultLine: number,
  command: string,
  start: string,
  end: string,
  more: Partial<AgentToolCall> = {},
): AgentToolCall {
  return call({ tool: 'Bash', line, resultLine, command, startUs: us(start), endUs: us(end), ...more });
}

export function session(id: string, file: string, calls: AgentToolCall[], more: Partial<AgentSession> = {}): AgentSession {
  const times = calls.flatMap((c) => [c.startUs, c.endUs]).filter((t): t is number => t !== undefined);
  const s: AgentSession = {
    sessionId: id,
    agent: 'claude-code',
    file,
    line: 1,
    repo: 'spotter',
    usage: [],
    activeMs: 0,
    calls,
    errors: [],
    friction: [],
    ...more,
  };
  if (times.length > 0) {
    s.firstUs ??= Math.min(...times);
    s.lastUs ??= Math.max(...times);
  }
  return s;
}
