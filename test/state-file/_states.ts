/** A small state that exercises every field of every seed detector, for state-file tests. */
import { analyzeRecords } from '../../src/index.js';
import type { StateDocument } from '../../src/state-file.js';

export async function richDocument(): Promise<StateDocument> {
  const sessions = Array.from({ length: 14 }, (_, i) => ({
    session_id: `sess-${i}`,
    repo: `repo-${i % 3}`,
    // key "E0" 7 times (examples capped at 5), "E1" and "E2" 3-4 times
    errors: [{ message: `E${i % 3} at /srv/x${i}.py` }, ...(i % 2 === 0 ? [{ message: 'E0 at /srv/y.py' }] : [])],
    tool_calls:
      i % 4 === 0
        ? // a manual process (12 calls, 2 tools) with retry streaks and slow calls
          Array.from({ length: 12 }, (_, k) => ({ tool: k < 6 ? 'Bash' : 'Read', latency_ms: 4000 + 1000 * k + i }))
        : [{ tool: 'Grep', latency_ms: 7000.5 }, { tool: 'Edit', latency_ms: 0 }, { tool: 'Edit' }, { tool: 'Edit', latency_ms: 1e999 }],
    duration_minutes: 30 + 7 * i,
  }));
  const state = await analyzeRecords(sessions);
  return {
    state,
    malformed: {
      count: 2,
      first: [
        { at: [0, 0, 2], reason: 'record is a number, expected an object', context: { file: 'a.json', offset: 10, line: 2, record: 2 } },
        { at: [0, 0, 9], reason: '"errors" is a string, expected a list', context: { file: 'a.json', record: 9 } },
      ],
    },
  };
}
