import type { Session } from '../session.js';
import { normalizeError, pyStr } from '../python/index.js';
import { pyKey } from '../python/py-key.js';
import { compareOrdinal, minOrdinal, type Accumulator, type Ordinal } from './types.js';

/** The reference keeps `occurrences[:5]` of every error key: its first five occurrences. */
const EXAMPLES = 5;

export interface ErrorKeyEntry {
  /** ordinal of the first occurrence (the reference's dict insertion order) */
  first: Ordinal;
  /** occurrences, one per error (the same session may count twice) */
  count: number;
  /** distinct repos, as Python-equality keys */
  repos: Set<string>;
  /** the first five occurrences' session ids, printed Python's way */
  examples: { at: Ordinal; id: string }[];
}

export type RepeatedErrorsState = Map<string, ErrorKeyEntry>;

export interface ErrorKeyResult {
  key: string;
  count: number;
  repos: string[];
  examples: string[];
}

/** Errors grouped by their normalised text (`_normalize_error`), in first-seen order. */
export const repeatedErrors: Accumulator<RepeatedErrorsState, ErrorKeyResult[]> = {
  name: 'repeated_errors',
  init: () => new Map(),
  add(state, session: Session, at) {
    const errors = session.errors;
    if (errors.length === 0) return state;
    let repoKey: string | undefined;
    let id: string | undefined;
    for (let i = 0; i < errors.length; i++) {
      const key = normalizeError(errors[i]!);
      if (key === '') continue;
      repoKey ??= pyKey(session.repo);
      let entry = state.get(key);
      if (entry === undefined) {
        entry = { first: [...at, i], count: 0, repos: new Set(), examples: [] };
        state.set(key, entry);
      }
      entry.count++;
      entry.repos.add(repoKey);
      if (entry.examples.length < EXAMPLES) entry.examples.push({ at: [...at, i], id: (id ??= pyStr(session.session_id)) });
    }
    return state;
  },
  merge(a, b) {
    const out: RepeatedErrorsState = new Map();
    for (const [key, e] of a) out.set(key, { ...e, repos: new Set(e.repos), examples: e.examples.slice() });
    for (const [key, e] of b) {
      const o = out.get(key);
      if (o === undefined) {
        out.set(key, { ...e, repos: new Set(e.repos), examples: e.examples.slice() });
        continue;
      }
      o.first = minOrdinal(o.first, e.first);
      o.count += e.count;
      for (const r of e.repos) o.repos.add(r);
      o.examples = o.examples
        .concat(e.examples)
        .sort((x, y) => compareOrdinal(x.at, y.at))
        .slice(0, EXAMPLES);
    }
    return out;
  },
  finalize(state) {
    return [...state.entries()]
      .sort((x, y) => compareOrdinal(x[1].first, y[1].first))
      .map(([key, e]) => ({ key, count: e.count, repos: [...e.repos].sort(), examples: e.examples.map((x) => x.id) }));
  },
  mapOrdinals(state, f) {
    const out: RepeatedErrorsState = new Map();
    for (const [key, e] of state) {
      out.set(key, {
        first: f(e.first),
        count: e.count,
        repos: new Set(e.repos),
        examples: e.examples.map((x) => ({ at: f(x.at), id: x.id })),
      });
    }
    return out;
  },
};
