/**
 * A keyed detector state as columns: an index from key to row number (`key-index.ts`), and each field of
 * the rows in an array of its own (the detector's, in a subclass), the first ordinal of
 * every row in one pool of numbers. With one key per error or per tool, a Map of entry
 * objects cost an object (56 bytes) and an ordinal array (80) per key beside the key and
 * its Map slot; here a row costs its column slots and the ordinal's numbers (4 bytes each
 * while they fit 32 bits, `CompactNumColumn`). Fewer objects also means less for the
 * collector to trace, in workers and on the main thread (1M error keys: ~240 -> ~170 bytes
 * of heap per key, bench/many-keys.ts), and what is not on the JS heap at all (typed
 * columns, key bytes) costs its size once: V8 lets the old generation grow to ~3x what a
 * full collection left live before it collects again (`--trace-gc`, 1M tool names).
 *
 * A table is plain data as far as the analysis goes (the rows are what state files write,
 * through the detector's `document`), but a class instance: it crosses threads packed
 * (`packed.ts`), never structured-cloned.
 */
import { CompactNumColumn } from './columns.js';
import { KeyIndex } from './key-index.js';
import type { Ordinal } from './ordinal.js';
import type { PackWriter, StrSpan } from './packed.js';

export { Column, CompactNumColumn, NumColumn } from './columns.js';

export abstract class KeyTable {
  /** key -> row; rows are numbered in insertion order, so iterating it goes row by row (replaced only by `copyInto`) */
  rows = new KeyIndex();
  /** each row's first ordinal: at `ords[start[row]]` its length n, then its n numbers (4 bytes each while they fit) */
  private ords = new CompactNumColumn();
  private start = new CompactNumColumn();

  get size(): number {
    return this.rows.size;
  }

  /** Room for `more` keys besides those the table has, so that adding them never grows its index (see `KeyIndex.reserve`). */
  reserve(more: number): void {
    this.rows.reserve(this.rows.size + more);
  }

  /** A new row for `key` (a string, or the string a span of a packed state spells) whose first ordinal is `at` followed by `i` (when given); its number. */
  newRow(key: string | StrSpan, at: Ordinal, i?: number): number {
    const row = this.rows.size;
    this.rows.set(key, row);
    const ords = this.ords;
    this.start.push(ords.length);
    ords.push(i === undefined ? at.length : at.length + 1);
    for (let k = 0; k < at.length; k++) ords.push(at[k]!);
    if (i !== undefined) ords.push(i);
    return row;
  }

  /** The first ordinal of `row`, as an array. */
  first(row: number): Ordinal {
    const ords = this.ords;
    const s = this.start.get(row);
    const n = ords.get(s);
    const o = new Array<number>(n);
    for (let k = 0; k < n; k++) o[k] = ords.get(s + 1 + k);
    return o;
  }

  /** `w.ordinal(first(row))` without building the array. */
  packFirst(row: number, w: PackWriter): void {
    const ords = this.ords;
    const s = this.start.get(row);
    const n = ords.get(s);
    for (let k = 0; k <= n; k++) w.uint(ords.get(s + k));
  }

  /** `compareOrdinal(first(row), o)` without building the array. */
  compareFirst(row: number, o: Ordinal): number {
    const ords = this.ords;
    const s = this.start.get(row);
    const n = ords.get(s);
    const m = Math.min(n, o.length);
    for (let k = 0; k < m; k++) {
      const d = ords.get(s + 1 + k) - o[k]!;
      if (d !== 0) return d;
    }
    return n - o.length;
  }

  /** `compareOrdinal(first(a), first(b))` of two rows of this table. */
  compareRows(a: number, b: number): number {
    const ords = this.ords;
    const sa = this.start.get(a);
    const sb = this.start.get(b);
    const na = ords.get(sa);
    const nb = ords.get(sb);
    const m = Math.min(na, nb);
    for (let k = 1; k <= m; k++) {
      const d = ords.get(sa + k) - ords.get(sb + k);
      if (d !== 0) return d;
    }
    return na - nb;
  }

  /** Replace the first ordinal of `row` (in its slot when it fits, else at the pool's end). */
  setFirst(row: number, o: Ordinal): void {
    const ords = this.ords;
    let s = this.start.get(row);
    if (o.length > ords.get(s)) {
      s = ords.length;
      this.start.set(row, s);
    }
    if (s === ords.length) {
      ords.push(o.length);
      for (let k = 0; k < o.length; k++) ords.push(o[k]!);
      return;
    }
    ords.set(s, o.length);
    for (let k = 0; k < o.length; k++) ords.set(s + 1 + k, o[k]!);
  }

  /** `compareOrdinal` of this table's `row` and `other`'s `orow`. */
  compareWith(row: number, other: KeyTable, orow: number): number {
    const [a, b] = [this.ords, other.ords];
    const sa = this.start.get(row);
    const sb = other.start.get(orow);
    const na = a.get(sa);
    const nb = b.get(sb);
    const m = Math.min(na, nb);
    for (let k = 1; k <= m; k++) {
      const d = a.get(sa + k) - b.get(sb + k);
      if (d !== 0) return d;
    }
    return na - nb;
  }

  /** Replace the first ordinal of `row` by `other`'s `orow`'s. */
  setFirstFrom(row: number, other: KeyTable, orow: number): void {
    this.setFirst(row, other.first(orow));
  }

  /** A new row for `key` whose first ordinal is `other`'s `orow`'s; its number. */
  newRowFrom(key: string | StrSpan, other: KeyTable, orow: number): number {
    const row = this.rows.size;
    this.rows.set(key, row);
    const ords = this.ords;
    this.start.push(ords.length);
    const b = other.ords;
    const sb = other.start.get(orow);
    const n = b.get(sb);
    for (let k = 0; k <= n; k++) ords.push(b.get(sb + k));
    return row;
  }

  /**
   * `row`'s key as `rows.get`/`getSpan` and `newRow` take it: a span of its bytes in a slot
   * array (filled into `sp`, valid while the table lives), else its string. Folding one table
   * into another by spans makes no string per key.
   */
  keyRef(row: number, sp: StrSpan): string | StrSpan {
    return this.rows.spanOf(row, sp) ? sp : this.rows.keyAt(row);
  }

  /** The row of `key` (a string or a span), or undefined. */
  rowOf(key: string | StrSpan): number | undefined {
    return typeof key === 'string' ? this.rows.get(key) : this.rows.getSpan(key);
  }

  /** `out` (a fresh table) given a copy of this key index and these ordinals; the subclass copies its columns. */
  protected copyInto<T extends KeyTable>(out: T): T {
    const o: KeyTable = out;
    o.rows = this.rows.copy();
    o.ords = this.ords.copy();
    o.start = this.start.copy();
    return out;
  }
}
