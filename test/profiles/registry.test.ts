/**
 * The registry is the only list: a detector registered in a profile (here a
 * fake one, in test profiles) is added, merged, written to and read from state
 * files, validated and finalized without being named anywhere else.
 */
import { describe, expect, it } from 'vitest';
import { AnalyzerError } from '../../src/errors.js';
import {
  addRecord,
  defineProfile,
  finalizeState,
  initState,
  mergeStates,
  rebaseState,
  seedProfile,
  type Detector,
  type Ordinal,
  type ProfileState,
} from '../../src/profiles/index.js';
import { compareOrdinal, minOrdinal } from '../../src/ordinal.js';
import { fail, integer, keyPath, map, object, ordinal } from '../../src/profiles/schema.js';
import { SEED_DETECTORS } from '../../src/profiles/seed/index.js';
import type { Session } from '../../src/session.js';
import { parseState, serializeState } from '../../src/state-file.js';

interface RepoEntry {
  first: Ordinal;
  n: number;
}

/** A seventh detector: sessions with errors, per repo, in first-seen order. */
const errorSessions: Detector<Session, Map<string, RepoEntry>, [string, number][]> = {
  name: 'error_sessions',
  init: () => new Map(),
  add(state, s, at) {
    if (s.errors.length === 0) return state;
    const repo = String(s.repo);
    const e = state.get(repo);
    if (e === undefined) state.set(repo, { first: [...at], n: 1 });
    else e.n++;
    return state;
  },
  merge(a, b) {
    const out = new Map([...a].map(([k, e]) => [k, { ...e }]));
    for (const [k, e] of b) {
      const o = out.get(k);
      if (o === undefined) out.set(k, { ...e });
      else out.set(k, { first: minOrdinal(o.first, e.first), n: o.n + e.n });
    }
    return out;
  },
  finalize: (state) => [...state].sort((x, y) => compareOrdinal(x[1].first, y[1].first)).map(([k, e]) => [k, e.n]),
  mapOrdinals: (state, f) => new Map([...state].map(([k, e]) => [k, { first: f(e.first), n: e.n }])),
  validate(value, path) {
    const m = map(value, path);
    for (const [k, e] of m) {
      const p = keyPath(path, k);
      if (typeof k !== 'string') fail(p, 'key is not a repo');
      const o = object(e, p, ['first', 'n']);
      m.set(k, { first: ordinal(o.first, `${p}.first`), n: integer(o.n, `${p}.n`, 1) });
    }
    return m as Map<string, RepoEntry>;
  },
};

/** how the test profiles read records: as the seed profile does */
const seedViews = { fromRecord: seedProfile.fromRecord, fromAgentSession: seedProfile.fromAgentSession };
const testProfile = defineProfile({ ...seedViews, name: 'test', detectors: [errorSessions], report: (r) => r.results });
/** The seed plus one registry line. */
const seedPlus = defineProfile({ ...seedViews, name: 'seed-plus', detectors: [...SEED_DETECTORS, errorSessions], report: (r) => r.results });

function session(i: number): Session {
  return {
    session_id: `s${i}`,
    repo: `r${i % 3}`,
    errors: i % 2 === 0 ? [`E${i % 4} at /x/${i}`] : [],
    tool_calls: Array.from({ length: i % 13 }, (_, k) => ({ tool: k % 5 === 0 ? 'Read' : 'Bash', latency_ms: 1000 * (k + i) })),
    duration_minutes: 10 * i,
  };
}

const SESSIONS = Array.from({ length: 40 }, (_, i) => session(i));

function fold(profile: typeof testProfile | typeof seedPlus, from: number, to: number): ProfileState {
  const s = initState(profile);
  for (let i = from; i < to; i++) addRecord(profile, s, SESSIONS[i]!, [0, 0, i - from]);
  return s;
}

const NO_MALFORMED = { count: 0, first: [] };

const withoutOrdinals = (x: unknown): unknown => JSON.parse(JSON.stringify(x, (k, v) => (k === 'at' ? undefined : v)));

describe('profile registry', () => {
  it.each([testProfile, seedPlus])('$name: a registered detector round-trips through state files and merges', (profile) => {
    const profiles = [profile];
    const whole = finalizeState(profile, fold(profile, 0, SESSIONS.length));
    const text = (from: number, to: number) => serializeState({ state: fold(profile, from, to), malformed: NO_MALFORMED }, profiles);
    const a = parseState(text(0, 17), 'a.state', profiles);
    const b = parseState(text(17, SESSIONS.length), 'b.state', profiles);
    expect(text(0, 17)).toContain(`"profile":"${profile.name}"`);
    expect(text(0, 17)).toContain('"error_sessions":{"$map":[');
    const merged = mergeStates(profile, rebaseState(profile, b.state, [1]), rebaseState(profile, a.state, [0]));
    // ordinals differ (file prefixes); everything they order is the same
    expect(withoutOrdinals(finalizeState(profile, merged))).toEqual(withoutOrdinals(whole));
    expect(whole.results['error_sessions']).toEqual([
      ['r0', 7],
      ['r2', 7],
      ['r1', 6],
    ]);
  });

  it('adding a detector leaves the other detectors of the profile as they were', () => {
    const plus = finalizeState(seedPlus, fold(seedPlus, 0, SESSIONS.length)).results;
    const seed = initState(seedProfile);
    SESSIONS.forEach((s, i) => addRecord(seedProfile, seed, s, [0, 0, i]));
    const { error_sessions: _, ...rest } = plus;
    expect(rest).toEqual(finalizeState(seedProfile, seed).results);
  });

  it("the registered detector's validate checks its part of the file, named by its path", () => {
    const profiles = [testProfile];
    const doc = JSON.parse(serializeState({ state: fold(testProfile, 0, 10), malformed: NO_MALFORMED }, profiles));
    doc.detectors.error_sessions.$map[0][1].n = -2;
    expect(() => parseState(JSON.stringify(doc), 't.state', profiles)).toThrow(
      'Invalid state file: detectors.error_sessions["r0"].n: is -2, expected an integer >= 1, in t.state',
    );
  });

  it('a state of a profile this build lacks is exit 3', () => {
    const text = serializeState({ state: fold(testProfile, 0, 10), malformed: NO_MALFORMED }, [testProfile]);
    expect(() => parseState(text, 't.state')).toThrow(
      "Invalid state file: profile: is 'test', not a profile of this build (seed, fleet), in t.state",
    );
  });

  it('states of different profiles do not merge (exit 3)', () => {
    const err = (() => {
      try {
        mergeStates(testProfile, initState(testProfile), initState(seedProfile));
      } catch (e) {
        return e as AnalyzerError;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(AnalyzerError);
    expect(err!.exitCode).toBe(3);
    expect(err!.message).toBe("Cannot merge states of different profiles: 'seed' into 'test'");
  });

  it('two detectors of one profile cannot share a name (it keys the state)', () => {
    expect(() => defineProfile({ ...seedViews, name: 'twice', detectors: [errorSessions, errorSessions], report: () => 0 })).toThrow(
      'profile twice: two detectors are named error_sessions',
    );
  });
});
