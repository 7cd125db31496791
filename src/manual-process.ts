/**
 * The reference's manual-process test, which two layers ask: the seed detector of manual
 * processes (profiles/seed/manual-processes.ts), and the session reader (input/to-session.ts),
 * because the reference reads `duration_minutes` only for these sessions (a non-number there
 * is an invalid session only when the session is a manual process).
 */
import { pyKey } from './python/py-key.js';
import type { ToolCall } from './session.js';

/** More than 10 calls with at most 3 distinct tools (a missing tool counts as None here, unlike elsewhere). */
export function isManualProcess(calls: readonly ToolCall[]): boolean {
  if (calls.length <= 10) return false;
  return distinctTools(calls, 4) <= 3;
}

/** Number of distinct tools by Python equality, counting at most `cap`. */
export function distinctTools(calls: readonly ToolCall[], cap = Infinity): number {
  const seen = new Set<string>();
  for (const c of calls) {
    seen.add(c.tool === undefined ? pyKey(null) : pyKey(c.tool));
    if (seen.size >= cap) break;
  }
  return seen.size;
}
