/**
 * Repeated errors: errors grouped by their normalised text (`_normalize_error`),
 * in first-seen order; a key seen 3+ times is a pattern worth 5 minutes each,
 * and a proposal to root-cause it.
 */
import type { WastePattern } from '../../analysis/patterns.js';
import { makeProposal } from '../../analysis/proposals.js';
import { cpSlice, formatFixed, normalizeError, pyRound, pyStr } from '../../python/index.js';
import { pyKey } from '../../python/py-key.js';
import type { Session } from '../../session.js';
import { compareOrdinal, minOrdinal, ordinalAt, type Ordinal } from '../ordinal.js';
import { fail, integer, keyPath, list, map, object, ordinal, string, stringSet } from '../schema.js';
import { mergeKeyed, mergeKeyedInto } from '../keyed-merge.js';
import { tallyPatterns, type SeedDetector } from './types.js';

/** The reference keeps `occurrences[:5]` of every error key: its first five occurrences. */
const EXAMPLES = 5;
/** A key is a pattern from this many occurrences on (the reference's `len(occurrences) >= 3`). */
const MIN_OCCURRENCES = 3;

/** One occurrence kept as an example: where it was and its session id, printed Python's way. */
export interface ErrorExample {
  at: Ordinal;
  id: string;
}

/**
 * One error key. `repos` and `examples` have a compact form for the common case of a
 * key seen once (1M distinct keys: a Set of one repo is ~150 bytes and a list of one
 * example ~50, out of the ~650 a key took; bench/many-keys.ts): `mapOrdinals` and
 * `validate` always give the full form, so state files never see the compact one.
 */
export interface ErrorKeyEntry {
  /** ordinal of the first occurrence (the reference's dict insertion order) */
  first: Ordinal;
  /** occurrences, one per error (the same session may count twice) */
  count: number;
  /** distinct repos, as Python-equality keys; one repo may be held as its key alone */
  repos: string | Set<string>;
  /** the first five occurrences; a lone occurrence (the one at `first`) may be held as its session id alone */
  examples: string | ErrorExample[];
}

export type RepeatedErrorsState = Map<string, ErrorKeyEntry>;

/** A key of `finalize`'s result: only keys seen MIN_OCCURRENCES times or more, in first-seen order. */
export interface ErrorKeyResult {
  key: string;
  count: number;
  repos: string[];
  examples: string[];
}

function validateEntry(value: unknown, path: string): ErrorKeyEntry {
  const o = object(value, path, ['first', 'count', 'repos', 'examples']);
  const first = ordinal(o.first, `${path}.first`);
  const count = integer(o.count, `${path}.count`, 1);
  const repos = stringSet(o.repos, `${path}.repos`);
  if (repos.size === 0) fail(`${path}.repos`, 'is empty, expected the repo of every occurrence');
  if (repos.size > count) fail(`${path}.repos`, `has ${repos.size} repos for ${count} occurrences`);
  const raw = list(o.examples, `${path}.examples`, EXAMPLES);
  if (raw.length !== Math.min(count, EXAMPLES))
    fail(`${path}.examples`, `has ${raw.length} items, expected the first ${Math.min(count, EXAMPLES)} occurrences`);
  const examples = raw.map((x, i) => {
    const e = object(x, `${path}.examples[${i}]`, ['at', 'id']);
    return { at: ordinal(e.at, `${path}.examples[${i}].at`), id: string(e.id, `${path}.examples[${i}].id`) };
  });
  for (let i = 1; i < examples.length; i++) {
    if (compareOrdinal(examples[i - 1]!.at, examples[i]!.at) >= 0) fail(`${path}.examples[${i}].at`, 'is not after the previous example');
  }
  if (compareOrdinal(examples[0]!.at, first) !== 0) fail(`${path}.first`, 'differs from the first example, which is the first occurrence');
  return { first, count, repos, examples };
}

/** The repos of an entry as a list (the compact form is one repo). */
function repoList(r: string | Set<string>): Iterable<string> {
  return typeof r === 'string' ? [r] : r;
}

/** The examples of an entry in full form (the compact form is the occurrence at `first`). */
function exampleList(e: ErrorKeyEntry): ErrorExample[] {
  return typeof e.examples === 'string' ? [{ at: e.first, id: e.examples }] : e.examples;
}

/** `r` with `repo` added; a Set is added to in place (only states the caller owns get here). */
function withRepo(r: string | Set<string>, repo: string): string | Set<string> {
  if (typeof r !== 'string') return r.add(repo);
  return r === repo ? r : new Set([r, repo]);
}

/** The first EXAMPLES of both lists, in ordinal order. */
function firstExamples(a: ErrorKeyEntry, b: ErrorKeyEntry): ErrorExample[] {
  return exampleList(a)
    .concat(exampleList(b))
    .sort((x, y) => compareOrdinal(x.at, y.at))
    .slice(0, EXAMPLES);
}

/** A fresh entry for a key seen on both sides (neither input is changed). */
function mergeEntries(o: ErrorKeyEntry, e: ErrorKeyEntry): ErrorKeyEntry {
  let repos: string | Set<string> = typeof o.repos === 'string' ? o.repos : new Set(o.repos);
  for (const r of repoList(e.repos)) repos = withRepo(repos, r);
  return { first: minOrdinal(o.first, e.first), count: o.count + e.count, repos, examples: firstExamples(o, e) };
}

/** `o` and `e` merged into `o` (the caller owns both). */
function mergeEntryInto(o: ErrorKeyEntry, e: ErrorKeyEntry): ErrorKeyEntry {
  o.examples = firstExamples(o, e);
  o.first = minOrdinal(o.first, e.first);
  o.count += e.count;
  for (const r of repoList(e.repos)) o.repos = withRepo(o.repos, r);
  return o;
}

/**
 * Repo keys, interned: every session makes its own copy of its repo's key, and a key
 * seen once keeps that copy (~24-40 bytes a key). Bounded: cleared when full.
 */
const REPO_KEYS = new Map<string, string>();
function internRepo(key: string): string {
  const known = REPO_KEYS.get(key);
  if (known !== undefined) return known;
  if (REPO_KEYS.size >= 4096) REPO_KEYS.clear();
  REPO_KEYS.set(key, key);
  return key;
}

export const repeatedErrors: SeedDetector<RepeatedErrorsState, ErrorKeyResult[], 'repeated_error'> = {
  name: 'repeated_errors',
  patternType: 'repeated_error',
  init: () => new Map(),
  add(state, session: Session, at) {
    const errors = session.errors;
    if (errors.length === 0) return state;
    let repoKey: string | undefined;
    let id: string | undefined;
    for (let i = 0; i < errors.length; i++) {
      const key = normalizeError(errors[i]!);
      if (key === '') continue;
      repoKey ??= internRepo(pyKey(session.repo));
      const entry = state.get(key);
      if (entry === undefined) {
        // a key seen once holds its repo and its example's session id alone (the
        // example is at `first`): with one key per error this is most of the state
        state.set(key, { first: ordinalAt(at, i), count: 1, repos: repoKey, examples: (id ??= pyStr(session.session_id)) });
        continue;
      }
      entry.count++;
      entry.repos = withRepo(entry.repos, repoKey);
      if (typeof entry.examples === 'string') entry.examples = exampleList(entry);
      if (entry.examples.length < EXAMPLES) entry.examples.push({ at: ordinalAt(at, i), id: (id ??= pyStr(session.session_id)) });
    }
    return state;
  },
  // Keys on one side only keep their entry, shared, not copied: merging the
  // shards of a file with 1M distinct keys copied every entry (a Set and two
  // arrays each) once per shard and made two workers 2.6x slower than one
  // (bench/many-keys.ts). Entries are never mutated once merged: every
  // caller replaces its state by the result and never adds to the inputs.
  merge: (a, b) => mergeKeyed(a, b, mergeEntries),
  mergeInto: (into, from) => mergeKeyedInto(into, from, mergeEntryInto),
  // per key: key, first, count, repos (n, then each; one repo stays compact), examples
  // (0 and the id for the compact form, else n, then ordinal and id of each)
  pack(state, w) {
    for (const [key, e] of state) {
      w.str(key);
      w.ordinal(e.first);
      w.num(e.count);
      if (typeof e.repos === 'string') {
        w.num(1);
        w.str(e.repos);
      } else {
        w.num(e.repos.size);
        for (const r of e.repos) w.str(r);
      }
      if (typeof e.examples === 'string') {
        w.num(0);
        w.str(e.examples);
      } else {
        w.num(e.examples.length);
        for (const x of e.examples) {
          w.ordinal(x.at);
          w.str(x.id);
        }
      }
    }
  },
  unpack(r) {
    const out: RepeatedErrorsState = new Map();
    while (r.more) {
      const key = r.str();
      const first = r.ordinal();
      const count = r.num();
      const nRepos = r.num();
      let repos: string | Set<string> = internRepo(r.str());
      for (let k = 1; k < nRepos; k++) repos = withRepo(repos, r.str());
      const nExamples = r.num();
      let examples: string | ErrorExample[];
      if (nExamples === 0) examples = r.str();
      else {
        examples = [];
        for (let k = 0; k < nExamples; k++) examples.push({ at: r.ordinal(), id: r.str() });
      }
      out.set(key, { first, count, repos, examples });
    }
    return out;
  },
  // Only the keys that can become a pattern (seen MIN_OCCURRENCES times) become result
  // objects: with one key per error, a result for every key (an object and two lists)
  // was ~250 of the ~580 bytes of peak RSS per key (1M keys, bench/many-keys.ts).
  finalize(state) {
    const kept: [string, ErrorKeyEntry][] = [];
    for (const [key, e] of state) if (e.count >= MIN_OCCURRENCES) kept.push([key, e]);
    return kept
      .sort((x, y) => compareOrdinal(x[1].first, y[1].first))
      .map(([key, e]) => ({
        key,
        count: e.count,
        repos: typeof e.repos === 'string' ? [e.repos] : [...e.repos].sort(),
        examples: typeof e.examples === 'string' ? [e.examples] : e.examples.map((x) => x.id),
      }));
  },
  mapOrdinals(state, f) {
    const out: RepeatedErrorsState = new Map();
    for (const [key, e] of state) {
      out.set(key, {
        first: f(e.first),
        count: e.count,
        repos: new Set(repoList(e.repos)),
        examples: exampleList(e).map((x) => ({ at: f(x.at), id: x.id })),
      });
    }
    return out;
  },
  validate(value, path) {
    const m = map(value, path);
    for (const [key, entry] of m) {
      const p = keyPath(path, key);
      if (typeof key !== 'string' || key === '') fail(p, 'key is not a normalised error text');
      m.set(key, validateEntry(entry, p));
    }
    return m as RepeatedErrorsState;
  },
  patterns(result) {
    const out: WastePattern[] = [];
    for (const e of result) {
      if (e.count < MIN_OCCURRENCES) continue;
      out.push({
        pattern_type: 'repeated_error',
        description: `Error: ${cpSlice(e.key, 100)}`,
        occurrences: e.count,
        total_time_hours: pyRound((e.count * 5) / 60, 1),
        affected_repos: e.repos,
        example_sessions: e.examples,
      });
    }
    return out;
  },
  tally: (_result, patterns) => tallyPatterns(patterns),
  proposals(_result, patterns, overhead) {
    return patterns.map((p) =>
      makeProposal(
        {
          title: `Fix repeated error: ${cpSlice(p.description, 60)}`,
          problem: `This error occurred ${p.occurrences} times across ${p.affected_repos.length} repos, wasting ~${formatFixed(p.total_time_hours, 1)} hours.`,
          proposed_solution: 'Root-cause the error and create a permanent fix or mitigation skill.',
          affected_area: 'reliability',
          supporting_evidence: [`${p.occurrences} occurrences in sessions: ${p.example_sessions.slice(0, 3).join(', ')}`],
        },
        p.total_time_hours,
        Math.max(1.0, p.occurrences * 0.25) * overhead,
      ),
    );
  },
};
