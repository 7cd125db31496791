import type { Session } from '../session.js';
import { cpSlice, pyRound, pyStr } from '../python/index.js';
import { pyKey } from '../python/py-key.js';
import { distinctTools, isManualProcess } from '../input/to-session.js';
import { compareOrdinal, type Accumulator, type Ordinal } from './types.js';

/** The appendix lists the top 20 patterns; manual ones sort after every other type on ties. */
export const MANUAL_TOP = 20;

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

/** Sessions with more than 10 tool calls and at most 3 distinct tools. */
export const manualProcesses: Accumulator<ManualProcessesState, ManualProcessesResult> = {
  name: 'manual_processes',
  init: () => ({ count: 0, hours: new Map(), repos: new Set(), top: [] }),
  add(state, session: Session, at) {
    const calls = session.tool_calls;
    if (!isManualProcess(calls)) return state;
    // to-session guarantees a number here for manual sessions
    const hours = pyRound((session.duration_minutes as number) / 60, 1);
    state.count++;
    state.hours.set(hours, (state.hours.get(hours) ?? 0) + 1);
    const repo = pyKey(session.repo);
    state.repos.add(repo);
    const worst = state.top[state.top.length - 1];
    if (
      state.top.length < MANUAL_TOP ||
      hours > worst!.hours ||
      (hours === worst!.hours && compareOrdinal(at, worst!.at) < 0)
    ) {
      const id = pyStr(session.session_id);
      insertTop(state.top, {
        at: [...at],
        hours,
        sessionId: id,
        repo,
        // seq['session_id'][:12]: a list id is sliced as a list
        description: `Session ${Array.isArray(session.session_id) ? pyStr(session.session_id.slice(0, 12)) : cpSlice(id, 12)}: ${calls.length} tool calls with only ${distinctTools(calls)} unique tools`,
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
};
