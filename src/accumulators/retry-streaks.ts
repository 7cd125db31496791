import type { Session } from '../session.js';
import { pyStr } from '../python/index.js';
import { pyKey } from '../python/py-key.js';
import { compareOrdinal, minOrdinal, type Accumulator, type Ordinal } from './types.js';

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

/** Runs of the same tool called 3+ times in a row, counted per tool. */
export const retryStreaks: Accumulator<RetryStreaksState, RetryResult[]> = {
  name: 'retry_streaks',
  init: () => new Map(),
  add(state, session: Session, at) {
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
          entry = { first: [...at, i], display: pyStr(tool === undefined ? 'unknown' : tool), count: 0 };
          state.set(prevKey!, entry);
        }
        entry.count++;
      }
      streak = 1;
      prevKey = key;
    }
    return state;
  },
  merge(a, b) {
    const out: RetryStreaksState = new Map();
    for (const [key, e] of a) out.set(key, { ...e });
    for (const [key, e] of b) {
      const o = out.get(key);
      if (o === undefined) {
        out.set(key, { ...e });
        continue;
      }
      if (compareOrdinal(e.first, o.first) < 0) o.display = e.display;
      o.first = minOrdinal(o.first, e.first);
      o.count += e.count;
    }
    return out;
  },
  finalize(state) {
    return [...state.values()]
      .sort((x, y) => compareOrdinal(x.first, y.first))
      .map((e) => ({ tool: e.display, count: e.count }));
  },
  mapOrdinals(state, f) {
    const out: RetryStreaksState = new Map();
    for (const [key, e] of state) out.set(key, { ...e, first: f(e.first) });
    return out;
  },
};
