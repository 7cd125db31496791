/**
 * Slow tools: positive latencies per tool (a missing tool name is "unknown"); a
 * tool with 5+ such calls averaging over 5 s is a pattern worth its total
 * latency, and a proposal to optimise it.
 */
import { makeProposal } from '../../analysis/proposals.js';
import { cpSlice, formatFixed, pyRound, pyStr } from '../../python/index.js';
import { pyKey } from '../../python/py-key.js';
import type { Session } from '../../session.js';
import {
  addToCompactSum,
  addToSum,
  compactSumValue,
  emptySum,
  fullSum,
  mergeCompactSums,
  mergeSums,
  sumValue,
  type CompactSum,
  type ExactSum,
} from '../exact-sum.js';
import { compareOrdinal, ordinalAt, type Ordinal } from '../ordinal.js';
import { describeValue, fail, finite, integer, keyPath, list, map, object, ordinal, string } from '../schema.js';
import { mergeKeyed, mergeKeyedInto } from '../keyed-merge.js';
import { tallyPatterns, type SeedDetector } from './types.js';

export interface ToolLatencyEntry {
  /** ordinal of the first call with a positive latency (dict insertion order) */
  first: Ordinal;
  /** the tool name as the reference prints it, from the first such call */
  display: string;
  count: number;
  /** total latency; a plain number while exact (see CompactSum) */
  sum: CompactSum;
}

export type SlowToolsState = Map<string, ToolLatencyEntry>;

/** A tool of `finalize`'s result: only tools with MIN_CALLS positive latencies or more, in first-seen order. */
export interface ToolLatencyResult {
  tool: string;
  count: number;
  /** total latency in ms */
  sum: number;
}

const GLOBAL = pyKey('global');
/** A tool is a pattern from this many calls on (the reference's `len(latencies) >= 5`). */
const MIN_CALLS = 5;

/** A sum of positive latencies: finite partials (re-added, so they are a valid
 * expansion whatever the file holds) and a special part that is 0 or +Infinity
 * (a latency of 1e999, as Python reads it). */
function validateSum(value: unknown, path: string): ExactSum {
  const o = object(value, path, ['partials', 'special']);
  const sum = emptySum();
  list(o.partials, `${path}.partials`).forEach((x, i) => addToSum(sum, finite(x, `${path}.partials[${i}]`)));
  if (o.special !== 0 && o.special !== Infinity) fail(`${path}.special`, `is ${describeValue(o.special)}, expected 0 or Infinity`);
  sum.special += o.special;
  if (!(sumValue(sum) > 0)) fail(path, 'is not positive, expected a sum of positive latencies');
  return sum;
}

function validateEntry(value: unknown, path: string, key: string): ToolLatencyEntry {
  const o = object(value, path, ['first', 'display', 'count', 'sum']);
  const display = string(o.display, `${path}.display`);
  // a string tool's key is "s" + its name (see add)
  if (key.startsWith('s') && display !== key.slice(1)) fail(`${path}.display`, 'does not match the key');
  return { first: ordinal(o.first, `${path}.first`), display, count: integer(o.count, `${path}.count`, 1), sum: validateSum(o.sum, `${path}.sum`) };
}

/** `e` folded into `o` (changed and returned): the first call's place and name, counts and exact sums added. */
function mergeEntryInto(o: ToolLatencyEntry, e: ToolLatencyEntry): ToolLatencyEntry {
  if (compareOrdinal(e.first, o.first) < 0) {
    o.first = e.first;
    o.display = e.display;
  }
  o.count += e.count;
  o.sum = mergeCompactSums(o.sum, e.sum);
  return o;
}

export const slowTools: SeedDetector<SlowToolsState, ToolLatencyResult[], 'slow_tool'> = {
  name: 'slow_tools',
  patternType: 'slow_tool',
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
        entry = { first: ordinalAt(at, i), display: pyStr(tool), count: 0, sum: 0 };
        state.set(key, entry);
      }
      entry.count++;
      entry.sum = addToCompactSum(entry.sum, c.latency_ms);
    }
    return state;
  },
  // Keys on one side only keep their entry, shared, not copied (see repeatedErrors.merge).
  merge: (a, b) => mergeKeyed(a, b, (o, e) => mergeEntryInto({ ...o }, e)),
  mergeInto: (into, from) => mergeKeyedInto(into, from, mergeEntryInto),
  // per tool: key, display, first, count, sum (0 and the number for the compact form,
  // else 1, the partials' count, the partials and the special part)
  pack(state, w) {
    for (const [key, e] of state) {
      w.str(key);
      w.str(e.display);
      w.ordinal(e.first);
      w.num(e.count);
      if (typeof e.sum === 'number') {
        w.num(0);
        w.num(e.sum);
      } else {
        w.num(1);
        w.num(e.sum.partials.length);
        for (const x of e.sum.partials) w.num(x);
        w.num(e.sum.special);
      }
    }
  },
  unpack(r) {
    const out: SlowToolsState = new Map();
    while (r.more) {
      const key = r.str();
      const display = r.str();
      const first = r.ordinal();
      const count = r.num();
      let sum: CompactSum;
      if (r.num() === 0) sum = r.num();
      else {
        const partials: number[] = [];
        for (let k = r.num(); k > 0; k--) partials.push(r.num());
        sum = { partials, special: r.num() };
      }
      out.set(key, { first, display, count, sum });
    }
    return out;
  },
  // Only the tools that can become a pattern (MIN_CALLS calls) become result objects:
  // 1M distinct tool names made 1M results that the report then dropped.
  finalize(state) {
    const kept: ToolLatencyEntry[] = [];
    for (const e of state.values()) if (e.count >= MIN_CALLS) kept.push(e);
    return kept.sort((x, y) => compareOrdinal(x.first, y.first)).map((e) => ({ tool: e.display, count: e.count, sum: compactSumValue(e.sum) }));
  },
  mapOrdinals(state, f) {
    const out: SlowToolsState = new Map();
    for (const [key, e] of state) out.set(key, { ...e, first: f(e.first), sum: mergeSums(fullSum(e.sum), emptySum()) });
    return out;
  },
  validate(value, path) {
    const m = map(value, path);
    for (const [key, entry] of m) {
      const p = keyPath(path, key);
      if (typeof key !== 'string' || key === '') fail(p, 'key is not a tool key');
      m.set(key, validateEntry(entry, p, key));
    }
    return m as SlowToolsState;
  },
  patterns(result) {
    return result.flatMap((t) => {
      if (t.count < MIN_CALLS) return [];
      const avg = t.sum / t.count;
      if (!(avg > 5000)) return [];
      return [
        {
          pattern_type: 'slow_tool' as const,
          description: `Tool '${t.tool}' averages ${formatFixed(avg, 0)}ms latency`,
          occurrences: t.count,
          total_time_hours: pyRound(t.sum / 1000 / 3600, 1),
          affected_repos: [GLOBAL],
          example_sessions: [],
        },
      ];
    });
  },
  tally: (_result, patterns) => tallyPatterns(patterns),
  proposals(_result, patterns, overhead) {
    return patterns.map((p) =>
      makeProposal(
        {
          title: `Optimize slow tool: ${cpSlice(p.description, 60)}`,
          problem: `Tool has ${p.occurrences} calls with high latency, wasting ~${formatFixed(p.total_time_hours, 1)} hours total.`,
          proposed_solution: 'Profile the tool, add caching, or replace with a faster alternative.',
          affected_area: 'performance',
          supporting_evidence: [`${p.occurrences} slow calls detected`],
        },
        p.total_time_hours,
        3.0 * overhead,
      ),
    );
  },
};
