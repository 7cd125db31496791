/**
 * The repeated-errors state as a table (`../key-table.ts`): one row per normalised error
 * text, with its count, its repos and its first five occurrences in columns. A key seen
 * once keeps its repo and its example's session id alone (the example is at the row's
 * first ordinal): with one key per error that is most of the state.
 */
import { CompactNumColumn, KeyTable } from '../key-table.js';
import { compareOrdinal, ordinalAt, type Ordinal } from '../../ordinal.js';
import type { StrSpan } from '../packed.js';
import { ExampleColumn, type ErrorExample, type Examples } from './_example-column.js';
import { RepoColumn, type Repos } from './_repo-column.js';

/** a span's bytes before it is filled */
const EMPTY = Buffer.alloc(0);

/** The reference keeps `occurrences[:5]` of every error key: its first five occurrences. */
export const EXAMPLES = 5;

/** The repos as a list (the compact form is one repo). */
export function repoList(r: Repos): Iterable<string> {
  return typeof r === 'string' ? [r] : r;
}

/** `r` with `repo` added; a Set is added to in place (only states the caller owns get here). */
function withRepo(r: Repos, repo: string): Repos {
  if (typeof r !== 'string') return r.add(repo);
  return r === repo ? r : new Set([r, repo]);
}

export class ErrorKeys extends KeyTable {
  /** occurrences, one per error (the same session may count twice) */
  count = new CompactNumColumn();
  repos = new RepoColumn();
  examples = new ExampleColumn();

  /** A key not seen before; its first occurrence is at `at` (+ `i` when given). */
  addKey(key: string | StrSpan, at: Ordinal, i: number | undefined, count: number, repos: Repos, examples: Examples): void {
    this.newRow(key, at, i);
    this.count.push(count);
    this.repos.push(repos);
    this.examples.push(examples);
  }

  /** One more occurrence of `row`'s key, at `at` + `i`, in a session of `repo` and `id`. */
  addOccurrence(row: number, repo: string, at: Ordinal, i: number, id: string): void {
    this.count.set(row, this.count.get(row) + 1);
    this.repos.set(row, withRepo(this.repos.get(row), repo));
    const ex = this.exampleList(row);
    this.examples.set(row, ex);
    if (ex.length < EXAMPLES) ex.push({ at: ordinalAt(at, i), id });
  }

  /** The examples of `row` in full form. */
  exampleList(row: number): ErrorExample[] {
    const ex = this.examples.get(row);
    return typeof ex === 'string' ? [{ at: this.first(row), id: ex }] : ex;
  }

  /** A copy of the table's columns (the Sets and example lists are shared: see `mergeErrorKeys`). */
  copy(): ErrorKeys {
    const out = this.copyInto(new ErrorKeys());
    out.count = this.count.copy();
    out.repos = this.repos.copy();
    out.examples = this.examples.copy();
    return out;
  }
}

/** One key's fields apart from the table (as read from a packed state). */
export interface ErrorKeyFields {
  /** copied, never kept, by `addKey` and `foldFields` */
  first: Ordinal;
  count: number;
  repos: Repos;
  examples: Examples;
}

/**
 * A key's fields folded into `into`'s row `ri`: the first EXAMPLES of both example lists in
 * ordinal order (a new list), the smaller first ordinal, the counts summed, the repos
 * joined (`into`'s Set added to in place when `own`, else copied first).
 */
export function foldFields(into: ErrorKeys, ri: number, e: ErrorKeyFields, own: boolean): void {
  // e.first is copied where it is kept: a packed state's is read into one reused array (repeated-errors.ts)
  const theirs = typeof e.examples === 'string' ? [{ at: e.first.slice(), id: e.examples }] : e.examples;
  into.examples.set(
    ri,
    into
      .exampleList(ri)
      .concat(theirs)
      .sort((x, y) => compareOrdinal(x.at, y.at))
      .slice(0, EXAMPLES),
  );
  if (into.compareFirst(ri, e.first) > 0) into.setFirst(ri, e.first);
  into.count.set(ri, into.count.get(ri) + e.count);
  const r = into.repos.get(ri);
  let repos: Repos = own || typeof r === 'string' ? r : new Set(r);
  for (const x of repoList(e.repos)) repos = withRepo(repos, x);
  into.repos.set(ri, repos);
}

/** Every row of `from` added to `into` (changed and returned); `own`: `into`'s Sets may be changed in place. */
function foldTable(into: ErrorKeys, from: ErrorKeys, own: boolean): ErrorKeys {
  // sized once for both (an upper bound: a key on both sides counts twice), not grown as keys come
  into.reserve(from.size);
  const sp: StrSpan = { bytes: EMPTY, start: 0, end: 0, wide: false };
  for (let rf = 0; rf < from.size; rf++) {
    const key = from.keyRef(rf, sp);
    const ri = into.rowOf(key);
    if (ri === undefined) {
      into.newRowFrom(key, from, rf);
      into.count.push(from.count.get(rf));
      into.repos.push(from.repos.get(rf));
      into.examples.push(from.examples.get(rf));
    } else
      foldFields(into, ri, { first: from.first(rf), count: from.count.get(rf), repos: from.repos.get(rf), examples: from.examples.get(rf) }, own);
  }
  return into;
}

/**
 * A new table of both; neither input changes. The Sets and example lists of a key on one
 * side only are shared, not copied (a key seen in one shard costs nothing but its row);
 * a key on both sides gets new ones. They are never changed once merged: every caller
 * replaces its state by the result and never adds to the inputs.
 */
export function mergeErrorKeys(a: ErrorKeys, b: ErrorKeys): ErrorKeys {
  return foldTable(a.copy(), b, false);
}

/** The smaller table into the larger, in place (the caller owns both and uses neither afterwards). */
export function mergeErrorKeysInto(into: ErrorKeys, from: ErrorKeys): ErrorKeys {
  return into.size >= from.size ? foldTable(into, from, true) : foldTable(from, into, true);
}
