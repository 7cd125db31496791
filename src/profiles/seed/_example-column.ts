/**
 * The examples column of the repeated-errors table (`_error-keys.ts`): per row a lone
 * session id (a key seen once: nearly every key when keys are many) or a list of examples.
 * The ids are kept as bytes outside the heap (`../key-bytes.ts`), one entry per run of
 * rows with the same id (the keys of one session come one after another), and a row holds
 * a 32-bit number: its id's entry, or LIST + the place of its list.
 *
 * Why: as strings, the ids and a pointer per row were ~27 bytes of live heap a key on 1M
 * error keys (a 36-character id for every three keys, 56 bytes, and 8), and V8 lets the
 * old generation grow to ~3x its live size before it collects again.
 */
import { CompactNumColumn } from '../key-table.js';
import { KeyBytes } from '../key-bytes.js';
import type { Ordinal } from '../../ordinal.js';
import type { PackWriter } from '../packed.js';

/** One occurrence kept as an example: where it was and its session id, printed Python's way. */
export interface ErrorExample {
  at: Ordinal;
  id: string;
}

/** The first five occurrences; a lone occurrence (the one at the row's first ordinal) may be held as its session id alone. */
export type Examples = string | ErrorExample[];

/** A row's number from LIST on is a list's place + LIST; below, its id's entry. */
const LIST = 2 ** 31;

export class ExampleColumn {
  private of = new CompactNumColumn();
  private ids = new KeyBytes();
  /** the id last added, whose entry is the last one */
  private lastId: string | undefined;
  private lists: (ErrorExample[] | undefined)[] = [];

  get(row: number): Examples {
    const v = this.of.get(row);
    return v >= LIST ? this.lists[v - LIST]! : this.ids.get(v);
  }

  set(row: number, ex: Examples): void {
    const v = this.of.get(row);
    if (typeof ex !== 'string') {
      if (v >= LIST) this.lists[v - LIST] = ex;
      else this.of.set(row, this.listAt(ex));
      return;
    }
    if (v >= LIST) this.lists[v - LIST] = undefined;
    this.of.set(row, this.idAt(ex));
  }

  push(ex: Examples): void {
    this.of.push(typeof ex === 'string' ? this.idAt(ex) : this.listAt(ex));
  }

  /** The entry of `row`'s lone id; -1 when the row has a list. Equal entries, equal ids. */
  idEntry(row: number): number {
    const v = this.of.get(row);
    return v >= LIST ? -1 : v;
  }

  /** `w.str` of `row`'s lone id (`idEntry` >= 0), from its bytes. */
  writeId(row: number, w: PackWriter): void {
    this.ids.copyTo(this.of.get(row), w);
  }

  /** A copy (the lists are shared, as a column of them shared them: see `mergeErrorKeys`). */
  copy(): ExampleColumn {
    const out = new ExampleColumn();
    out.of = this.of.copy();
    out.ids = this.ids.copy();
    out.lastId = this.lastId;
    out.lists = this.lists.slice();
    return out;
  }

  private idAt(id: string): number {
    if (id !== this.lastId) {
      this.ids.push(id);
      this.lastId = id;
    }
    return this.ids.length - 1;
  }

  private listAt(ex: ErrorExample[]): number {
    this.lists.push(ex);
    return LIST + this.lists.length - 1;
  }
}
