/**
 * Manual processes: sessions with more than 10 tool calls and at most 3 distinct
 * tools. Each is a pattern worth its duration, but only a summary is kept (count,
 * a histogram of rounded hours, repos) and the top 20 for the appendix; they
 * make one proposal, "Automate N manual processes".
 */
import { makeProposal } from '../../analysis/proposals.js';
import { cpSlice, formatFixed, pyRound, pyStr } from '../../python/index.js';
import { pyKey } from '../../python/py-key.js';
import { distinctTools, isManualProcess } from '../../manual-process.js';
import type { Session, ToolColumns } from '../../session.js';
import { compareOrdinal, type Ordinal } from '../../ordinal.js';
import { fail, integer, list, map, object, ordinal, string, stringSet } from '../schema.js';
import type { SeedDetector } from './types.js';

/** The appendix lists the top 20 patterns; manual ones sort after every other type on ties. */
export const MANUAL_TOP = 20;

/**
 * isManualProcess of calls as columns (their ids are equal exactly when their tools are):
 * the first three ids held in variables (a Set per session was ~1% of a dense archive's run).
 */
function isManualColumns(cols: ToolColumns): boolean {
  if (cols.n <= 10) return false;
  const { ids, start } = cols;
  let a = -1;
  let b = -1;
  let c = -1;
  for (let k = 0; k < cols.n; k++) {
    const id = ids[start + k]!;
    if (id === a || id === b || id === c) continue;
    if (a < 0) a = id;
    else if (b < 0) b = id;
    else if (c < 0) c = id;
    else return false;
  }
  return true;
}

/** distinctTools of calls as columns. */
function distinctIds(cols: ToolColumns): number {
  const seen = new Set<number>();
  for (let k = 0; k < cols.n; k++) seen.add(cols.ids[cols.start + k]!);
  return seen.size;
}

export interface ManualPattern {
  at: Ordinal;
  /** round(duration_minutes / 60, 1) */
  hours: number;
  description: string;
  sessionId: string;
  /** the session's repo as a Python-equality key */
  repo: string;
}

export interface ManualProcessesState {
  count: number;
  /** rounded hours -> number of sessions: the reference sums rounded hours in its sorted
   * order, and that order changes the last bits; a histogram reproduces it exactly */
  hours: Map<number, number>;
  /** distinct repos (Python-equality keys) */
  repos: Set<string>;
  /** the first MANUAL_TOP by (hours desc, ordinal asc) */
  top: ManualPattern[];
}

export interface ManualProcessesResult {
  count: number;
  /** sum of the rounded hours in the reference's order (descending, from int 0) */
  totalHours: number;
  repos: string[];
  top: ManualPattern[];
}

function before(a: ManualPattern, b: ManualPattern): boolean {
  // descending hours; NaN cannot occur (the decoders reject NaN literals)
  if (a.hours !== b.hours) return a.hours > b.hours;
  return compareOrdinal(a.at, b.at) < 0;
}

function insertTop(top: ManualPattern[], p: ManualPattern): void {
  if (top.length >= MANUAL_TOP && !before(p, top[top.length - 1]!)) return;
  let i = top.length;
  while (i > 0 && before(p, top[i - 1]!)) i--;
  top.splice(i, 0, p);
  if (top.length > MANUAL_TOP) top.pop();
}

/** Rounded hours as `add` makes them: not NaN, and round(h, 1) === h. */
function roundedHours(v: unknown, path: string): number {
  if (typeof v !== 'number' || Number.isNaN(v) || pyRound(v, 1) !== v)
    fail(path, `is ${typeof v === 'number' ? v : 'not a number'}, expected hours rounded to 0.1`);
  return v as number;
}

function validateState(value: unknown, path: string): ManualProcessesState {
  const o = object(value, path, ['count', 'hours', 'repos', 'top']);
  const count = integer(o.count, `${path}.count`);
  const hours = new Map<number, number>();
  let histogram = 0;
  for (const [h, n] of map(o.hours, `${path}.hours`)) {
    const p = `${path}.hours[${String(h)}]`;
    hours.set(roundedHours(h, p), integer(n, p, 1));
    histogram += n as number;
  }
  if (histogram !== count) fail(`${path}.count`, `is ${count}, but the hours histogram holds ${histogram} sessions`);
  const repos = stringSet(o.repos, `${path}.repos`);
  if ((repos.size === 0) !== (count === 0) || repos.size > count) fail(`${path}.repos`, `has ${repos.size} repos for ${count} sessions`);
  const raw = list(o.top, `${path}.top`, MANUAL_TOP);
  if (raw.length !== Math.min(count, MANUAL_TOP))
    fail(`${path}.top`, `has ${raw.length} items, expected the top ${Math.min(count, MANUAL_TOP)} sessions`);
  const top = raw.map((x, i): ManualPattern => {
    const p = `${path}.top[${i}]`;
    const t = object(x, p, ['at', 'hours', 'description', 'sessionId', 'repo']);
    const item = {
      at: ordinal(t.at, `${p}.at`),
      hours: roundedHours(t.hours, `${p}.hours`),
      sessionId: string(t.sessionId, `${p}.sessionId`),
      repo: string(t.repo, `${p}.repo`),
      description: string(t.description, `${p}.description`),
    };
    if (!repos.has(item.repo)) fail(`${p}.repo`, 'is not among the repos');
    return item;
  });
  // the top is the first MANUAL_TOP of the histogram, in order
  const inTop = new Map<number, number>();
  top.forEach((t, i) => {
    if (i > 0 && !before(top[i - 1]!, t)) fail(`${path}.top[${i}]`, 'is out of order (hours descending, then input order)');
    inTop.set(t.hours, (inTop.get(t.hours) ?? 0) + 1);
  });
  const last = top[top.length - 1];
  for (const [h, n] of hours) {
    const k = inTop.get(h) ?? 0;
    if (k > n || (last !== undefined && h > last.hours && k !== n)) fail(`${path}.top`, `does not match the hours histogram at ${h} hours`);
  }
  for (const h of inTop.keys()) if (!hours.has(h)) fail(`${path}.top`, `has sessions of ${h} hours, which the histogram lacks`);
  return { count, hours, repos, top };
}

export const manualProcesses: SeedDetector<ManualProcessesState, ManualProcessesResult, 'manual_process'> = {
  name: 'manual_processes',
  patternType: 'manual_process',
  init: () => ({ count: 0, hours: new Map(), repos: new Set(), top: [] }),
  add(state, session: Session, at) {
    const cols = session.calls;
    if (cols !== undefined ? !isManualColumns(cols) : !isManualProcess(session.tool_calls)) return state;
    // to-session guarantees a number here for manual sessions
    const hours = pyRound((session.duration_minutes as number) / 60, 1);
    state.count++;
    state.hours.set(hours, (state.hours.get(hours) ?? 0) + 1);
    const repo = pyKey(session.repo);
    state.repos.add(repo);
    const worst = state.top[state.top.length - 1];
    if (state.top.length < MANUAL_TOP || hours > worst!.hours || (hours === worst!.hours && compareOrdinal(at, worst!.at) < 0)) {
      const id = pyStr(session.session_id);
      insertTop(state.top, {
        at: at.slice(),
        hours,
        sessionId: id,
        repo,
        // seq['session_id'][:12]: a list id is sliced as a list
        description: `Session ${Array.isArray(session.session_id) ? pyStr(session.session_id.slice(0, 12)) : cpSlice(id, 12)}: ${cols !== undefined ? `${cols.n} tool calls with only ${distinctIds(cols)}` : `${session.tool_calls.length} tool calls with only ${distinctTools(session.tool_calls)}`} unique tools`,
      });
    }
    return state;
  },
  merge(a, b) {
    const hours = new Map(a.hours);
    for (const [h, n] of b.hours) hours.set(h, (hours.get(h) ?? 0) + n);
    const top = a.top.slice();
    for (const p of b.top) insertTop(top, p);
    return { count: a.count + b.count, hours, repos: new Set([...a.repos, ...b.repos]), top };
  },
  // In place: a folder of 20k tiny files merged a copy of the repos and the top per file.
  mergeInto(into, from) {
    into.count += from.count;
    for (const [h, n] of from.hours) into.hours.set(h, (into.hours.get(h) ?? 0) + n);
    for (const r of from.repos) into.repos.add(r);
    for (const p of from.top) insertTop(into.top, p);
    return into;
  },
  finalize(state) {
    let total = 0;
    const values = [...state.hours.keys()].sort((x, y) => y - x);
    for (const v of values) {
      const n = state.hours.get(v)!;
      for (let i = 0; i < n; i++) total += v;
    }
    return { count: state.count, totalHours: total, repos: [...state.repos].sort(), top: state.top.slice() };
  },
  mapOrdinals(state, f) {
    return {
      count: state.count,
      hours: new Map(state.hours),
      repos: new Set(state.repos),
      top: state.top.map((p) => ({ ...p, at: f(p.at) })),
    };
  },
  validate: validateState,
  patterns(result) {
    return result.top.map((p) => ({
      pattern_type: 'manual_process' as const,
      description: p.description,
      occurrences: 1,
      total_time_hours: p.hours,
      affected_repos: [p.repo],
      example_sessions: [p.sessionId],
    }));
  },
  // every manual session counts, not only the top 20 shown as patterns
  tally: (result) => ({ events: result.count, repos: result.repos }),
  proposals(result, _patterns, overhead) {
    const n = result.count;
    if (n === 0) return [];
    const total = result.totalHours;
    return [
      makeProposal(
        {
          title: `Automate ${n} manual processes`,
          problem: `${n} sessions had long manual tool sequences, wasting ~${formatFixed(total, 1)} hours.`,
          proposed_solution: 'Create composite skills or scripts that combine the repeated tool sequences into single operations.',
          affected_area: 'automation',
          supporting_evidence: [`${n} manual sessions detected`],
        },
        total,
        n * 2.0 * overhead,
      ),
    ];
  },
};
