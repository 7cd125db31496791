import type { Session } from '../session.js';
import { pyStr } from '../python/index.js';
import { pyKey } from '../python/py-key.js';
import { addToSum, emptySum, mergeSums, sumValue, type ExactSum } from './_exact-sum.js';
import { compareOrdinal, minOrdinal, type Accumulator, type Ordinal } from './types.js';

export interface ToolLatencyEntry {
  /** ordinal of the first call with a positive latency (dict insertion order) */
  first: Ordinal;
  /** the tool name as the reference prints it, from the first such call */
  display: string;
  count: number;
  sum: ExactSum;
}

export type SlowToolsState = Map<string, ToolLatencyEntry>;

export interface ToolLatencyResult {
  tool: string;
  count: number;
  /** total latency in ms */
  sum: number;
}

/** Positive latencies per tool (a missing tool name is "unknown"). */
export const slowTools: Accumulator<SlowToolsState, ToolLatencyResult[]> = {
  name: 'slow_tools',
  init: () => new Map(),
  add(state, session: Session, at) {
    const calls = session.tool_calls;
    for (let i = 0; i < calls.length; i++) {
      const c = calls[i]!;
      if (!(c.latency_ms > 0)) continue;
      const tool = c.tool === undefined ? 'unknown' : c.tool;
      const key = typeof tool === 'string' ? 's' + tool : pyKey(tool);
      let entry = state.get(key);
      if (entry === undefined) {
        entry = { first: [...at, i], display: pyStr(tool), count: 0, sum: emptySum() };
        state.set(key, entry);
      }
      entry.count++;
      addToSum(entry.sum, c.latency_ms);
    }
    return state;
  },
  merge(a, b) {
    const out: SlowToolsState = new Map();
    for (const [key, e] of a) out.set(key, { ...e, sum: mergeSums(e.sum, emptySum()) });
    for (const [key, e] of b) {
      const o = out.get(key);
      if (o === undefined) {
        out.set(key, { ...e, sum: mergeSums(e.sum, emptySum()) });
        continue;
      }
      if (compareOrdinal(e.first, o.first) < 0) o.display = e.display;
      o.first = minOrdinal(o.first, e.first);
      o.count += e.count;
      o.sum = mergeSums(o.sum, e.sum);
    }
    return out;
  },
  finalize(state) {
    return [...state.values()]
      .sort((x, y) => compareOrdinal(x.first, y.first))
      .map((e) => ({ tool: e.display, count: e.count, sum: sumValue(e.sum) }));
  },
  mapOrdinals(state, f) {
    const out: SlowToolsState = new Map();
    for (const [key, e] of state) out.set(key, { ...e, first: f(e.first), sum: mergeSums(e.sum, emptySum()) });
    return out;
  },
};
