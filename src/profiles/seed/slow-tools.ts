/**
 * Slow tools: positive latencies per tool (a missing tool name is "unknown"); a
 * tool with 5+ such calls averaging over 5 s is a pattern worth its total
 * latency, and a proposal to optimise it.
 */
import { makeProposal } from '../../analysis/proposals.js';
import { cpSlice, formatFixed, pyRound, pyStr } from '../../python/index.js';
import { pyKey } from '../../python/py-key.js';
import type { Session, ToolColumns } from '../../session.js';
import { addToCompactSum, addToSum, compactSumValue, emptySum, fullSum, mergeSums, sumValue, type CompactSum, type ExactSum } from '../exact-sum.js';
import type { Ordinal } from '../../ordinal.js';
import type { PackReader, StrSpan } from '../packed.js';
import { describeValue, fail, finite, integer, keyPath, list, map, object, ordinal, string } from '../schema.js';
import { foldTool, isStringKey, mergeToolKeys, mergeToolKeysInto, ToolKeys, type HeldTools, type ToolFields } from './_tool-keys.js';
import { tallyPatterns, type SeedDetector } from './types.js';

/** One tool as a state file holds it (`document`). */
export interface ToolLatencyEntry {
  /** ordinal of the first call with a positive latency (dict insertion order) */
  first: Ordinal;
  /** the tool name as the reference prints it, from the first such call */
  display: string;
  count: number;
  sum: ExactSum;
}

/** Tools by key, as columns (see `_tool-keys.ts`). */
export type SlowToolsState = ToolKeys;

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

/** `readFields`' first ordinal, valid until the next tool is read */
const FIRST: number[] = [];

/** One tool's fields as `pack` wrote them (after its key). */
function readFields(r: PackReader, key: StrSpan): ToolFields {
  const display = isStringKey(key) ? undefined : r.str();
  // read into one array: the table copies it (addTool, foldTool), never keeps it
  const first = r.ordinalInto(FIRST);
  const count = r.uint();
  let sum: CompactSum;
  if (r.uint() === 0) sum = r.num();
  else {
    const partials: number[] = [];
    for (let k = r.uint(); k > 0; k--) partials.push(r.num());
    sum = { partials, special: r.num() };
  }
  return { first, display, count, sum };
}

/** A packed state merged straight into `into` (owned), without unpacking it first (see `repeatedErrors`). */
function mergePackedTools(into: ToolKeys, r: PackReader): ToolKeys {
  // into an empty table every key is new (a packed state's keys are distinct): no lookup
  const fresh = into.size === 0;
  if (r.keyCount !== undefined) into.reserve(r.keyCount);
  while (r.more) {
    // the key as bytes (copied as they are into the table): no string per key
    // (valid until the next `span`: the fields are read with `str` and `num`)
    const key = r.span();
    const e = readFields(r, key);
    const ri = fresh ? undefined : into.rows.getSpan(key);
    if (ri === undefined) into.addTool(key, e.first, undefined, e.display, e.count, e.sum);
    else foldTool(into, ri, e);
  }
  return into;
}

/**
 * `add` for calls as columns: the key by id, made once by the decoder, instead of
 * `'s' + tool` per call, and the tool's row by id, its count and sum held in typed arrays
 * while calls are added (`HeldTools`, `_tool-keys.ts`): a call of a held row is an add and
 * `addToCompactSum`'s exactness test, written back before anything reads the columns.
 */
function addColumns(state: SlowToolsState, cols: ToolColumns, at: Ordinal): SlowToolsState {
  const { ids, latencies, start } = cols;
  const hold = state.heldTools(cols.keys);
  let { held, count, sum } = hold;
  for (let k = 0; k < cols.n; k++) {
    const latency = latencies[start + k]!;
    if (!(latency > 0)) continue;
    const id = ids[start + k]!;
    if (held[id] === 1) {
      // addToCompactSum of two positive numbers: exact when the two-sum's error is 0 (on an
      // overflow to Infinity the error is -Infinity or NaN)
      const s = sum[id]!;
      const hi = s + latency;
      if ((s >= latency ? latency - (hi - s) : s - (hi - latency)) === 0) {
        sum[id] = hi;
        count[id]!++;
        continue;
      }
    }
    addCall(state, hold, cols, id, latency, at, k);
    ({ held, count, sum } = hold); // grown for a new id
  }
  return state;
}

/**
 * A call that the held rows do not take: its tool's first (a new row, or a row the table has
 * but `hold` has not looked up), one the held sum cannot take exactly, or one of a row not held
 * (its sum full).
 */
function addCall(state: SlowToolsState, hold: HeldTools, cols: ToolColumns, id: number, latency: number, at: Ordinal, k: number): void {
  if (id >= hold.rows.length) hold.grow(id);
  if (hold.rows[id]! >= 0) return state.addHeldLatency(hold, id, latency);
  const key = cols.keys[id]!;
  const known = state.rows.get(key);
  if (known === undefined) {
    hold.rows[id] = state.addTool(key, at, k, cols.texts[id]!, 1, addToCompactSum(0, latency));
    state.holdRow(hold, id);
  } else {
    hold.rows[id] = known;
    state.addHeldLatency(hold, id, latency);
  }
}

export const slowTools: SeedDetector<SlowToolsState, ToolLatencyResult[], 'slow_tool'> = {
  name: 'slow_tools',
  patternType: 'slow_tool',
  init: () => new ToolKeys(),
  add(state, session: Session, at) {
    if (session.calls !== undefined) return addColumns(state, session.calls, at);
    const calls = session.tool_calls;
    for (let i = 0; i < calls.length; i++) {
      const c = calls[i]!;
      if (!(c.latency_ms > 0)) continue;
      const tool = c.tool === undefined ? 'unknown' : c.tool;
      const key = typeof tool === 'string' ? 's' + tool : pyKey(tool);
      const row = state.rows.get(key);
      if (row === undefined) state.addTool(key, at, i, pyStr(tool), 1, addToCompactSum(0, c.latency_ms));
      else state.addLatency(row, c.latency_ms);
    }
    return state;
  },
  merge: mergeToolKeys,
  mergeInto: mergeToolKeysInto,
  // per tool: key, display (not for a string tool: its key says it), first, count, sum (0
  // and the number for the compact form,
  // else 1, the partials' count, the partials and the special part); counts and marks by `uint`
  pack(state, w) {
    const { display, count, sum } = state;
    w.keyCount(state.size);
    for (let row = 0; row < state.size; row++) {
      state.rows.writeKey(row, w);
      if (!state.isStringRow(row)) w.str(display.get(row)!);
      state.packFirst(row, w);
      w.uint(count.get(row));
      const x = sum.get(row);
      if (typeof x === 'number') {
        w.uint(0);
        w.num(x);
      } else {
        w.uint(1);
        w.uint(x.partials.length);
        for (const p of x.partials) w.num(p);
        w.num(x.special);
      }
    }
  },
  unpack: (r) => mergePackedTools(new ToolKeys(), r),
  mergePacked: mergePackedTools,
  // Only the tools that can become a pattern (MIN_CALLS calls) become result objects:
  // 1M distinct tool names made 1M results that the report then dropped.
  finalize(state) {
    const kept: number[] = [];
    for (let row = 0; row < state.size; row++) if (state.count.get(row) >= MIN_CALLS) kept.push(row);
    return kept
      .sort((x, y) => state.compareRows(x, y))
      .map((row) => ({ tool: state.displayOf(row, state.rows.keyAt(row)), count: state.count.get(row), sum: compactSumValue(state.sum.get(row)) }));
  },
  mapOrdinals(state, f) {
    const out = new ToolKeys();
    for (const [key, row] of state.rows) {
      out.addTool(
        key,
        f(state.first(row)),
        undefined,
        state.displayOf(row, key),
        state.count.get(row),
        mergeSums(fullSum(state.sum.get(row)), emptySum()),
      );
    }
    return out;
  },
  document(state) {
    const out = new Map<string, ToolLatencyEntry>();
    for (const [key, row] of state.rows) {
      out.set(key, {
        first: state.first(row),
        display: state.displayOf(row, key),
        count: state.count.get(row),
        sum: mergeSums(fullSum(state.sum.get(row)), emptySum()),
      });
    }
    return out;
  },
  validate(value, path) {
    const m = map(value, path);
    const out = new ToolKeys();
    for (const [key, entry] of m) {
      const p = keyPath(path, key);
      if (typeof key !== 'string' || key === '') fail(p, 'key is not a tool key');
      const e = validateEntry(entry, p, key);
      out.addTool(key, e.first, undefined, e.display, e.count, e.sum);
    }
    return out;
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
