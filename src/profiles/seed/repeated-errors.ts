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
import { compareOrdinal, type Ordinal } from '../../ordinal.js';
import { fail, integer, keyPath, list, map, object, ordinal, string, stringSet } from '../schema.js';
import type { PackReader } from '../packed.js';
import { EXAMPLES, ErrorKeys, foldFields, mergeErrorKeys, mergeErrorKeysInto, repoList, type ErrorKeyFields } from './_error-keys.js';
import type { ErrorExample, Examples } from './_example-column.js';
import type { Repos } from './_repo-column.js';
import { tallyPatterns, type SeedDetector } from './types.js';

export type { ErrorExample } from './_example-column.js';

/** A key is a pattern from this many occurrences on (the reference's `len(occurrences) >= 3`). */
const MIN_OCCURRENCES = 3;

/**
 * One error key as a state file holds it (`document`): its first ordinal, its count, its
 * repos (Python-equality keys) and its first five occurrences.
 */
export interface ErrorKeyEntry {
  first: Ordinal;
  count: number;
  repos: Set<string>;
  examples: ErrorExample[];
}

/** Error keys by normalised text, as columns (see `_error-keys.ts`). */
export type RepeatedErrorsState = ErrorKeys;

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

/**
 * A repo's interned key by the repo itself, for string repos (the decoder interns them,
 * so the lookup hashes nothing new): `pyKey` built 's' + repo for every session with
 * errors, and `internRepo` then flattened and hashed it (~0.12 s of a 5.2 s run on the
 * dense archive). Bounded: cleared when full.
 */
const KEY_OF_REPO = new Map<string, string>();
function repoKeyOf(repo: Session['repo']): string {
  if (typeof repo !== 'string') return internRepo(pyKey(repo));
  let key = KEY_OF_REPO.get(repo);
  if (key === undefined) {
    key = internRepo(pyKey(repo));
    if (KEY_OF_REPO.size >= 4096) KEY_OF_REPO.clear();
    KEY_OF_REPO.set(repo, key);
  }
  return key;
}

/** `readFields`' first ordinal, valid until the next key is read */
const FIRST: number[] = [];

/**
 * One key's fields as `pack` wrote them (after its key); `lastId` is the session id of the
 * previous key in the compact form (the errors of one session come one after another).
 */
function readFields(r: PackReader, lastId: string): ErrorKeyFields {
  // read into one array: the table copies it (addKey, foldFields), never keeps it
  const first = r.ordinalInto(FIRST);
  const count = r.uint();
  const nRepos = r.uint();
  let repos: Repos = r.ref(internRepo);
  if (nRepos > 1) {
    repos = new Set([repos]);
    for (let k = 1; k < nRepos; k++) repos.add(r.ref(internRepo));
  }
  const mark = r.uint();
  let examples: Examples;
  if (mark === SAME_ID) examples = lastId;
  else if (mark === LONE_ID) examples = r.str();
  else {
    examples = [];
    for (let k = mark - LIST; k > 0; k--) examples.push({ at: r.ordinal(), id: r.str() });
  }
  return { first, count, repos, examples };
}

/** The examples' mark in the packed form: the compact form with the previous compact key's session id, with an id of its own, or LIST + the count of a list. */
const SAME_ID = 0;
const LONE_ID = 1;
const LIST = 2;

/**
 * A packed state merged straight into `into` (owned), without unpacking it into a table
 * first: the main thread merges every worker's state, and on 1M keys building each one
 * as a table and then merging it was most of its work.
 */
function mergePackedErrorKeys(into: ErrorKeys, r: PackReader): ErrorKeys {
  // into an empty table every key is new (a packed state's keys are distinct): no lookup
  const fresh = into.size === 0;
  if (r.keyCount !== undefined) into.reserve(r.keyCount);
  let lastId = '';
  while (r.more) {
    // the key as bytes (copied as they are into the table): no string per key (valid until
    // the next `span`: the fields are read with `str`, `ref` and `num`)
    const key = r.span();
    const e = readFields(r, lastId);
    if (typeof e.examples === 'string') lastId = e.examples;
    const ri = fresh ? undefined : into.rows.getSpan(key);
    if (ri === undefined) into.addKey(key, e.first, undefined, e.count, e.repos, e.examples);
    else foldFields(into, ri, e, true);
  }
  return into;
}

export const repeatedErrors: SeedDetector<RepeatedErrorsState, ErrorKeyResult[], 'repeated_error'> = {
  name: 'repeated_errors',
  patternType: 'repeated_error',
  init: () => new ErrorKeys(),
  add(state, session: Session, at) {
    const errors = session.errors;
    if (errors.length === 0) return state;
    // keys the decoder made from the bytes (input/wasm/tool-calls.ts errorKey), where it did
    const keys = session.errorKeys;
    let repoKey: string | undefined;
    let id: string | undefined;
    for (let i = 0; i < errors.length; i++) {
      const key = keys?.[i] ?? normalizeError(errors[i]!);
      if (key === '') continue;
      repoKey ??= repoKeyOf(session.repo);
      const row = state.rows.get(key);
      if (row === undefined) {
        // a key seen once holds its repo and its example's session id alone (see _error-keys.ts)
        state.addKey(key, at, i, 1, repoKey, (id ??= pyStr(session.session_id)));
        continue;
      }
      state.addOccurrence(row, repoKey, at, i, (id ??= pyStr(session.session_id)));
    }
    return state;
  },
  merge: mergeErrorKeys,
  mergeInto: mergeErrorKeysInto,
  // per key: key, first, count, repos (n, then each by `ref`: the few repos are written once),
  // examples (SAME_ID for the compact form with the previous compact key's session id, LONE_ID and
  // the id for the compact form, else LIST + n, then ordinal and id of each); counts and marks by `uint`. On 1M error keys, three per
  // session, that is one string a key to write and read back instead of three.
  pack(state, w) {
    const { count, repos, examples } = state;
    w.keyCount(state.size);
    let lastId = -1;
    for (let row = 0; row < state.size; row++) {
      state.rows.writeKey(row, w);
      state.packFirst(row, w);
      w.uint(count.get(row));
      const r = repos.get(row);
      if (typeof r === 'string') {
        w.uint(1);
        w.ref(r);
      } else {
        w.uint(r.size);
        for (const x of r) w.ref(x);
      }
      const id = examples.idEntry(row);
      if (id >= 0) {
        if (id === lastId) w.uint(SAME_ID);
        else {
          w.uint(LONE_ID);
          examples.writeId(row, w);
          lastId = id;
        }
      } else {
        const ex = examples.get(row) as ErrorExample[];
        w.uint(LIST + ex.length);
        for (const x of ex) {
          w.ordinal(x.at);
          w.str(x.id);
        }
      }
    }
  },
  unpack: (r) => mergePackedErrorKeys(new ErrorKeys(), r),
  mergePacked: mergePackedErrorKeys,
  // Only the keys that can become a pattern (seen MIN_OCCURRENCES times) become result
  // objects: with one key per error, a result for every key (an object and two lists)
  // was ~250 of the ~580 bytes of peak RSS per key (1M keys, bench/many-keys.ts).
  finalize(state) {
    const kept: number[] = [];
    for (let row = 0; row < state.size; row++) if (state.count.get(row) >= MIN_OCCURRENCES) kept.push(row);
    return kept
      .sort((x, y) => state.compareRows(x, y))
      .map((row) => {
        const r = state.repos.get(row);
        const ex = state.examples.get(row);
        return {
          key: state.rows.keyAt(row),
          count: state.count.get(row),
          repos: typeof r === 'string' ? [r] : [...r].sort(),
          examples: typeof ex === 'string' ? [ex] : ex.map((x) => x.id),
        };
      });
  },
  mapOrdinals(state, f) {
    const out = new ErrorKeys();
    for (const [key, row] of state.rows) {
      const r = state.repos.get(row);
      const ex = state.examples.get(row);
      out.addKey(
        key,
        f(state.first(row)),
        undefined,
        state.count.get(row),
        typeof r === 'string' ? r : new Set(r),
        typeof ex === 'string' ? ex : ex.map((x) => ({ at: f(x.at), id: x.id })),
      );
    }
    return out;
  },
  document(state) {
    const out = new Map<string, ErrorKeyEntry>();
    for (const [key, row] of state.rows) {
      out.set(key, {
        first: state.first(row),
        count: state.count.get(row),
        repos: new Set(repoList(state.repos.get(row))),
        examples: state.exampleList(row).map((x) => ({ at: x.at, id: x.id })),
      });
    }
    return out;
  },
  validate(value, path) {
    const m = map(value, path);
    const out = new ErrorKeys();
    for (const [key, entry] of m) {
      const p = keyPath(path, key);
      if (typeof key !== 'string' || key === '') fail(p, 'key is not a normalised error text');
      const e = validateEntry(entry, p);
      out.addKey(key, e.first, undefined, e.count, e.repos, e.examples);
    }
    return out;
  },
  patterns(result) {
    const out: WastePattern<'repeated_error'>[] = [];
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
