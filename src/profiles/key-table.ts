/**
 * A keyed detector state as columns: an index from key to row number (`key-index.ts`), and each field of
 * the rows in an array of its own (the detector's, in a subclass), the first ordinal of
 * every row in one column of bytes. With one key per error or per tool, a Map of entry
 * objects cost an object (56 bytes) and an ordinal array (80) per key beside the key and
 * its Map slot; here a row costs its column slots and the ordinal's numbers (as varints,
 * `ordinal-column.ts`: 6-8 bytes for most). Fewer objects also means less for the
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
import { OrdinalColumn } from './ordinal-column.js';
import type { Ordinal } from '../ordinal.js';
import type { PackWriter, StrSpan } from './packed.js';

export { Column, CompactNumColumn, NumColumn } from './columns.js';

export abstract class KeyTable {
  /** key -> row; rows are numbered in insertion order, so iterating it goes row by row (replaced only by `copyInto`) */
  rows = new KeyIndex();
  /** each row's first ordinal, as varints (`ordinal-column.ts`), at its place `start[row]` */
  private ords = new OrdinalColumn();
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
    this.start.push(this.ords.push(at, i));
    return row;
  }

  /** The first ordinal of `row`, as an array. */
  first(row: number): Ordinal {
    return this.ords.get(this.start.get(row));
  }

  /** `w.ordinal(first(row))` without building the array. */
  packFirst(row: number, w: PackWriter): void {
    this.ords.write(this.start.get(row), w);
  }

  /** `compareOrdinal(first(row), o)` without building the array. */
  compareFirst(row: number, o: Ordinal): number {
    return this.ords.compare(this.start.get(row), o);
  }

  /** `compareOrdinal(first(a), first(b))` of two rows of this table. */
  compareRows(a: number, b: number): number {
    return this.ords.compareWith(this.start.get(a), this.ords, this.start.get(b));
  }

  /** Replace the first ordinal of `row`. */
  setFirst(row: number, o: Ordinal): void {
    const s = this.start.get(row);
    const t = this.ords.replace(s, o);
    if (t !== s) this.start.set(row, t);
  }

  /** `compareOrdinal` of this table's `row` and `other`'s `orow`. */
  compareWith(row: number, other: KeyTable, orow: number): number {
    return this.ords.compareWith(this.start.get(row), other.ords, other.start.get(orow));
  }

  /** Replace the first ordinal of `row` by `other`'s `orow`'s. */
  setFirstFrom(row: number, other: KeyTable, orow: number): void {
    this.setFirst(row, other.first(orow));
  }

  /** A new row for `key` whose first ordinal is `other`'s `orow`'s; its number. */
  newRowFrom(key: string | StrSpan, other: KeyTable, orow: number): number {
    const row = this.rows.size;
    this.rows.set(key, row);
    this.start.push(this.ords.pushFrom(other.ords, other.start.get(orow)));
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
