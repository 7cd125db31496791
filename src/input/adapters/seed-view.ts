/**
 * The seed profile's view of an AgentSession: the reference's `Session`,
 * exactly as the adapters produced it before they filled the richer record
 * (test/input/adapters/seed-view.test.ts pins it on every fixture and real log).
 * - errors: every error text in log order (`errorSeq`), blank ones dropped;
 * - tool_calls: the tool (missing when the log names none) and its latency:
 *   the measured duration, else result time − call time, else 0;
 * - duration_minutes: last − first timestamp;
 * - repo: `seedRepo`, else "global".
 */
import type { AgentSession } from '../../agent-session.js';
import type { Session, ToolCall } from '../../session.js';
import { latencyMs, makeSession } from './_util.js';

export function toSeedSession(a: AgentSession): Session {
  const errors: Array<[number, string]> = [];
  for (const c of a.calls) if (c.errorSeq !== undefined) errors.push([c.errorSeq, c.errorText ?? '']);
  for (const e of a.errors) errors.push([e.errorSeq, e.text]);
  errors.sort((x, y) => x[0] - y[0]);
  const toolCalls: ToolCall[] = a.calls.map((c) => ({
    tool: c.toolMissing === true ? undefined : c.tool,
    latency_ms: c.measuredMs ?? latencyMs(c.startUs, c.endUs),
  }));
  const minutes = a.firstUs !== undefined && a.lastUs !== undefined && a.lastUs >= a.firstUs ? (a.lastUs - a.firstUs) / 60_000_000 : 0;
  return makeSession(
    a.sessionId,
    a.seedRepo,
    errors.map((e) => e[1]),
    toolCalls,
    minutes,
  );
}
