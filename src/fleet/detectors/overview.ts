/**
 * Not a waste detector: what the report needs around the findings. The archive's
 * real span (first to last event over all sessions, for per-week figures), the
 * session count by agent, per input file its sessions, calls and failed calls
 * (the `files` table, so a user can check how each log was read), and sessions per
 * week (the weekly series, _weeks.ts). Bounded by distinct input files and weeks.
 */
import type { AgentSession } from '../../agent-session.js';
import type { FleetDetector, Ordinal } from '../detector.js';
import { minOrdinal } from '../../ordinal.js';
import { mergeMaps, mergeMapsInto } from '../_evidence.js';
import { packMap, packWeeks, unpackMap, unpackWeeks } from '../_packed.js';
import { count, int, map, obj, ordinal, weeks } from '../_validate.js';
import { addToWeek, addWeeksInto, sessionWeek, sumWeeks, type WeekMap } from '../_weeks.js';

export interface FileRow {
  first: Ordinal;
  sessions: number;
  calls: number;
  failed: number;
  /** calls whose outcome the log does not give */
  unknown: number;
}

export interface OverviewState {
  sessions: number;
  /** µs since the epoch; null while no session had a time */
  first_us: number | null;
  last_us: number | null;
  /** sessions without any timestamp */
  untimed: number;
  active_us: number;
  agents: Map<string, number>;
  files: Map<string, FileRow>;
  /** sessions by the week they started (_weeks.ts) */
  weeks: WeekMap;
}

export type OverviewResult = OverviewState;

const minN = (a: number | null, b: number | null): number | null => (a === null ? b : b === null ? a : Math.min(a, b));
const maxN = (a: number | null, b: number | null): number | null => (a === null ? b : b === null ? a : Math.max(a, b));

export const overview: FleetDetector<OverviewState, OverviewResult> = {
  name: 'overview',
  init: () => ({ sessions: 0, first_us: null, last_us: null, untimed: 0, active_us: 0, agents: new Map(), files: new Map(), weeks: new Map() }),
  add(state, s: AgentSession, at) {
    state.sessions++;
    if (s.firstUs === undefined && s.lastUs === undefined) state.untimed++;
    state.first_us = minN(state.first_us, s.firstUs ?? s.lastUs ?? null);
    state.last_us = maxN(state.last_us, s.lastUs ?? s.firstUs ?? null);
    state.active_us += Math.round(s.activeMs * 1000);
    state.agents.set(s.agent, (state.agents.get(s.agent) ?? 0) + 1);
    addToWeek(state.weeks, sessionWeek(s), 1);
    let f = state.files.get(s.file);
    if (f === undefined) state.files.set(s.file, (f = { first: at, sessions: 0, calls: 0, failed: 0, unknown: 0 }));
    f.sessions++;
    f.calls += s.calls.length;
    for (const c of s.calls) {
      if (c.outcome === 'error') f.failed++;
      else if (c.outcome === 'unknown') f.unknown++;
    }
    return state;
  },
  merge: (a, b) => ({
    sessions: a.sessions + b.sessions,
    first_us: minN(a.first_us, b.first_us),
    last_us: maxN(a.last_us, b.last_us),
    untimed: a.untimed + b.untimed,
    active_us: a.active_us + b.active_us,
    agents: mergeMaps(
      a.agents,
      b.agents,
      (x, y) => x + y,
      (x) => x,
    ),
    files: mergeMaps(
      a.files,
      b.files,
      (x, y) => ({
        first: minOrdinal(x.first, y.first),
        sessions: x.sessions + y.sessions,
        calls: x.calls + y.calls,
        failed: x.failed + y.failed,
        unknown: x.unknown + y.unknown,
      }),
      (x) => ({ ...x }),
    ),
    weeks: sumWeeks(a.weeks, b.weeks),
  }),
  mergeInto(into, from) {
    into.sessions += from.sessions;
    into.first_us = minN(into.first_us, from.first_us);
    into.last_us = maxN(into.last_us, from.last_us);
    into.untimed += from.untimed;
    into.active_us += from.active_us;
    for (const [a, n] of from.agents) into.agents.set(a, (into.agents.get(a) ?? 0) + n);
    into.files = mergeMapsInto(into.files, from.files, (x, y) => {
      x.first = minOrdinal(x.first, y.first);
      x.sessions += y.sessions;
      x.calls += y.calls;
      x.failed += y.failed;
      x.unknown += y.unknown;
      return x;
    });
    addWeeksInto(into.weeks, from.weeks);
    return into;
  },
  // the counts (a missing time as NaN), agents, files (first, sessions, calls, failed, unknown), weeks
  pack(s, w) {
    for (const n of [s.sessions, s.first_us ?? Number.NaN, s.last_us ?? Number.NaN, s.untimed, s.active_us]) w.num(n);
    packMap(w, s.agents, (w, n) => w.num(n));
    packMap(w, s.files, (w, f) => {
      w.ordinal(f.first);
      for (const n of [f.sessions, f.calls, f.failed, f.unknown]) w.num(n);
    });
    packWeeks(w, s.weeks);
  },
  unpack(r) {
    const time = (): number | null => {
      const t = r.num();
      return Number.isNaN(t) ? null : t;
    };
    return {
      sessions: r.num(),
      first_us: time(),
      last_us: time(),
      untimed: r.num(),
      active_us: r.num(),
      agents: unpackMap(r, (r) => r.num()),
      files: unpackMap(r, (r) => ({ first: r.ordinal(), sessions: r.num(), calls: r.num(), failed: r.num(), unknown: r.num() })),
      weeks: unpackWeeks(r),
    };
  },
  finalize: (s) => s,
  mapOrdinals(s, f) {
    const files = new Map<string, FileRow>();
    for (const [k, r] of s.files) files.set(k, { ...r, first: f(r.first) });
    return { ...s, agents: new Map(s.agents), files, weeks: new Map(s.weeks) };
  },
  validate(value, path) {
    const o = obj(value, path);
    const optTime = (k: string): number | null => (o[k] === null ? null : int(o[k], `${path}.${k}`));
    return {
      sessions: count(o['sessions'], `${path}.sessions`),
      first_us: optTime('first_us'),
      last_us: optTime('last_us'),
      untimed: count(o['untimed'], `${path}.untimed`),
      active_us: count(o['active_us'], `${path}.active_us`),
      agents: map(o['agents'], `${path}.agents`, count),
      files: map(o['files'], `${path}.files`, (v, p) => {
        const r = obj(v, p);
        const n = (k: string): number => count(r[k], `${p}.${k}`);
        return { first: ordinal(r['first'], `${p}.first`), sessions: n('sessions'), calls: n('calls'), failed: n('failed'), unknown: n('unknown') };
      }),
      weeks: weeks(o['weeks'], `${path}.weeks`),
    };
  },
  findings: () => [],
};
