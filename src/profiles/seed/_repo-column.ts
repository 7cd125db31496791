/**
 * The repos column of the repeated-errors table (`_error-keys.ts`): per row one repo (a
 * key seen once) or a Set of them. A row holds a 32-bit number: the place of its repo in
 * the table's list of distinct repos, or SETS + the place of its Set; a repo is kept once
 * per table, however many rows name it.
 *
 * Why: a pointer per row was 8 bytes of live heap a key (1M error keys), and V8 lets the
 * old generation grow to ~3x its live size before it collects again.
 */
import { CompactNumColumn } from '../key-table.js';

/** Distinct repos, as Python-equality keys; one repo may be held as its key alone. */
export type Repos = string | Set<string>;

/** A row's number from SETS on is a Set's place + SETS; below, its repo's. */
const SETS = 2 ** 31;

export class RepoColumn {
  private of = new CompactNumColumn();
  /** the distinct repos, and each one's place */
  private names: string[] = [];
  private placeOf = new Map<string, number>();
  private sets: (Set<string> | undefined)[] = [];

  get(row: number): Repos {
    const v = this.of.get(row);
    return v >= SETS ? this.sets[v - SETS]! : this.names[v]!;
  }

  set(row: number, r: Repos): void {
    const v = this.of.get(row);
    if (typeof r !== 'string') {
      if (v >= SETS) this.sets[v - SETS] = r;
      else this.of.set(row, this.setAt(r));
      return;
    }
    if (v >= SETS) this.sets[v - SETS] = undefined;
    else if (this.names[v] === r) return; // the same repo again: most occurrences
    this.of.set(row, this.nameAt(r));
  }

  push(r: Repos): void {
    this.of.push(typeof r === 'string' ? this.nameAt(r) : this.setAt(r));
  }

  /** A copy (the Sets are shared, as a column of them shared them: see `mergeErrorKeys`). */
  copy(): RepoColumn {
    const out = new RepoColumn();
    out.of = this.of.copy();
    out.names = this.names.slice();
    out.placeOf = new Map(this.placeOf);
    out.sets = this.sets.slice();
    return out;
  }

  private nameAt(repo: string): number {
    let at = this.placeOf.get(repo);
    if (at === undefined) {
      at = this.names.length;
      this.names.push(repo);
      this.placeOf.set(repo, at);
    }
    return at;
  }

  private setAt(r: Set<string>): number {
    this.sets.push(r);
    return SETS + this.sets.length - 1;
  }
}
