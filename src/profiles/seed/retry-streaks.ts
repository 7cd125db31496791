/**
 * Retry streaks: runs of the same tool called 3+ times in a row, counted per
 * tool; a tool with 2+ streaks is a pattern worth 10 minutes per streak, and a
 * proposal to reduce retries.
 */
import { makeProposal } from '../../analysis/proposals.js';
import { cpSlice, formatFixed, pyRound, pyStr } from '../../python/index.js';
import { pyKey } from '../../python/py-key.js';
import type { Session, ToolColumns } from '../../session.js';
import { compareOrdinal, ordinalAt, type Ordinal } from '../../ordinal.js';
import { fail, integer, keyPath, map, object, ordinal, string } from '../schema.js';
import { mergeKeyed, mergeKeyedInto } from '../keyed-merge.js';
import { tallyPatterns, type SeedDetector } from './types.js';

export interface RetryEntry {
  /** ordinal where the first streak of this tool was counted (dict insertion order) */
  first: Ordinal;
  display: string;
  /** streaks of 3+ consecutive calls of this tool */
  count: number;
}

export type RetryStreaksState = Map<string, RetryEntry>;

export interface RetryResult {
  tool: string;
  count: number;
}

const GLOBAL = pyKey('global');

/** `e` folded into `o` (changed and returned): the first streak's place and name, the counts summed. */
function mergeEntryInto(o: RetryEntry, e: RetryEntry): RetryEntry {
  if (compareOrdinal(e.first, o.first) < 0) {
    o.first = e.first;
    o.display = e.display;
  }
  o.count += e.count;
  return o;
}

/** `add` for calls as columns: equal ids are equal tools, and each id has its key made once. */
function addColumns(state: RetryStreaksState, cols: ToolColumns, at: Ordinal): RetryStreaksState {
  const { ids, start, n } = cols;
  if (n < 3) return state;
  let prev = -1;
  let streak = 0;
  // k === n is the check after the loop in the reference
  for (let k = 0; k <= n; k++) {
    let id = -1;
    if (k < n) {
      id = ids[start + k]!;
      if (id === prev) {
        streak++;
        continue;
      }
    }
    if (streak >= 3) {
      const key = cols.keys[prev]!;
      let entry = state.get(key);
      if (entry === undefined) {
        entry = { first: ordinalAt(at, k), display: cols.texts[prev]!, count: 0 };
        state.set(key, entry);
      }
      entry.count++;
    }
    streak = 1;
    prev = id;
  }
  return state;
}

export const retryStreaks: SeedDetector<RetryStreaksState, RetryResult[], 'failed_retry'> = {
  name: 'retry_streaks',
  patternType: 'failed_retry',
  init: () => new Map(),
  add(state, session: Session, at) {
    if (session.calls !== undefined) return addColumns(state, session.calls, at);
    const calls = session.tool_calls;
    const n = calls.length;
    if (n < 3) return state;
    let prevKey: string | undefined;
    let streak = 0;
    // i === n is the check after the loop in the reference
    for (let i = 0; i <= n; i++) {
      let key: string | undefined;
      if (i < n) {
        const tool = calls[i]!.tool;
        key = tool === undefined ? 'sunknown' : typeof tool === 'string' ? 's' + tool : pyKey(tool);
        if (key === prevKey) {
          streak++;
          continue;
        }
      }
      if (streak >= 3) {
        let entry = state.get(prevKey!);
        if (entry === undefined) {
          const tool = calls[i - 1]!.tool;
          entry = { first: ordinalAt(at, i), display: pyStr(tool === undefined ? 'unknown' : tool), count: 0 };
          state.set(prevKey!, entry);
        }
        entry.count++;
      }
      streak = 1;
      prevKey = key;
    }
    return state;
  },
  // Keys on one side only keep their entry, shared, not copied (see repeatedErrors.merge).
  merge: (a, b) => mergeKeyed(a, b, (o, e) => mergeEntryInto({ ...o }, e)),
  mergeInto: (into, from) => mergeKeyedInto(into, from, mergeEntryInto),
  pack(state, w) {
    for (const [key, e] of state) {
      w.str(key);
      w.str(e.display);
      w.ordinal(e.first);
      w.num(e.count);
    }
  },
  unpack(r) {
    const out: RetryStreaksState = new Map();
    while (r.more) {
      const key = r.str();
      const display = r.str();
      const first = r.ordinal();
      // fields in the order `add` makes them: state files write them in that order
      out.set(key, { first, display, count: r.num() });
    }
    return out;
  },
  finalize(state) {
    return [...state.values()].sort((x, y) => compareOrdinal(x.first, y.first)).map((e) => ({ tool: e.display, count: e.count }));
  },
  mapOrdinals(state, f) {
    const out: RetryStreaksState = new Map();
    for (const [key, e] of state) out.set(key, { ...e, first: f(e.first) });
    return out;
  },
  validate(value, path) {
    const m = map(value, path);
    for (const [key, entry] of m) {
      const p = keyPath(path, key);
      if (typeof key !== 'string' || key === '') fail(p, 'key is not a tool key');
      const o = object(entry, p, ['first', 'display', 'count']);
      const display = string(o.display, `${p}.display`);
      // a string tool's key is "s" + its name (see add)
      if (key.startsWith('s') && display !== key.slice(1)) fail(`${p}.display`, 'does not match the key');
      m.set(key, { first: ordinal(o.first, `${p}.first`), display, count: integer(o.count, `${p}.count`, 1) });
    }
    return m as RetryStreaksState;
  },
  patterns(result) {
    return result.flatMap((r) =>
      r.count < 2
        ? []
        : [
            {
              pattern_type: 'failed_retry' as const,
              description: `Tool '${r.tool}' had ${r.count} retry sequences (3+ consecutive calls)`,
              occurrences: r.count,
              total_time_hours: pyRound((r.count * 10) / 60, 1),
              affected_repos: [GLOBAL],
              example_sessions: [],
            },
          ],
    );
  },
  tally: (_result, patterns) => tallyPatterns(patterns),
  proposals(_result, patterns, overhead) {
    return patterns.map((p) =>
      makeProposal(
        {
          title: `Reduce retries for tool '${cpSlice(p.description, 50)}'`,
          problem: `Tool had ${p.occurrences} retry sequences, wasting ~${formatFixed(p.total_time_hours, 1)} hours.`,
          proposed_solution: 'Add input validation, pre-flight checks, or automatic retry with backoff.',
          affected_area: 'reliability',
          supporting_evidence: [`${p.occurrences} retry sequences detected`],
        },
        p.total_time_hours,
        2.0 * overhead,
      ),
    );
  },
};
