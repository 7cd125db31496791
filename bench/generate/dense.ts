/**
 * The `dense` and `error-keys` profiles: many tool calls and little text (issue 13's dense
 * archive), or every error a key of its own (distinct-key memory).
 */
import { DURATION_MARK } from './placeholders.js';
import type { Rng } from './rng.js';
import { type ErrorOut, ERROR_TYPES, type Gen, REPO_PICK, hex, isoTime, path } from './vocabulary.js';

/** Dense sessions: 10 tools, 4 error templates (their variable parts fold into 4 keys), short messages. */
const DENSE_TOOLS = ['Read', 'Bash', 'Edit', 'Grep', 'Glob', 'Write', 'TodoWrite', 'WebFetch', 'Task', 'LS'];
const DENSE_ERRORS: readonly Gen[] = [
  (r) => `ModuleNotFoundError: No module named 'x' in ${path(r, 0)}`,
  (r) => `fatal: The current branch feat-${hex(r, 10)} has no upstream branch`,
  (_r, t) => `Timeout after 30000ms at ${isoTime(t).slice(0, 16)}`, // minutes only: the reference folds "YYYY-MM-DDTHH:MM"
  (r) => `Error: ENOENT: no such file or directory, open '${path(r, 0)}'`,
];
const DENSE_MESSAGES = ['Fix the failing test.', 'Done: tests pass.', 'Run the linter.', 'Updated config.', 'Looks good, merging.', 'Which file?'];

/**
 * The next dense session: 5–60 tool calls over 10 tools with latencies log-uniform in
 * 10–12,000 ms, 0–3 errors from 4 templates, two short messages and a one-decimal
 * duration; ~1.5 KB as JSON. `error-keys` sessions have 5–10 calls and 3 errors, each a
 * key of its own ("unique failure #kN": the k keeps N from reading as a hex hash), ~0.7 KB.
 */
export function denseSessionOf(
  this: void,
  f: { rng: Rng; start: number; uuid: string; nextError: () => number; distinct: boolean },
): Record<string, unknown> {
  const { rng, start } = f;
  const toolCalls: Array<{ tool: string; latency_ms: number }> = [];
  const nCalls = f.distinct ? rng.int(5, 10) : rng.int(5, 60);
  for (let i = 0; i < nCalls; i++) toolCalls.push({ tool: rng.pick(DENSE_TOOLS), latency_ms: Math.round(10 * 1200 ** rng.float()) });
  const errors: ErrorOut[] = [];
  const nErrors = f.distinct ? 3 : rng.int(0, 3);
  for (let i = 0; i < nErrors; i++) {
    const when = start + rng.int(0, 3_600_000);
    const message = f.distinct ? `Error: unique failure #k${f.nextError()}` : rng.pick(DENSE_ERRORS)(rng, when);
    errors.push({ message, type: rng.pick(ERROR_TYPES), timestamp: new Date(when).toISOString() });
  }
  return {
    session_id: f.uuid,
    repo: REPO_PICK.pick(rng),
    started_at: new Date(start).toISOString(),
    messages: [
      { role: 'user', content: rng.pick(DENSE_MESSAGES) },
      { role: 'assistant', content: rng.pick(DENSE_MESSAGES) },
    ],
    errors,
    tool_calls: toolCalls,
    duration_minutes: DURATION_MARK + (1 + rng.int(0, 1200) / 10).toFixed(1),
  };
}
