/**
 * The slow-tools state as a table (`../key-table.ts`): one row per tool key, with its
 * display name, its count and its exact latency sum in columns (1M distinct tool names:
 * an entry object and an ordinal array were ~136 bytes a tool).
 */
import { addToCompactSum, mergeCompactSums, type CompactSum } from '../exact-sum.js';
import { CompactNumColumn, KeyTable } from '../key-table.js';
import { SumColumn } from './_sum-column.js';
import type { Ordinal } from '../../ordinal.js';
import type { StrSpan } from '../packed.js';

/** a span's bytes before it is filled */
const EMPTY = Buffer.alloc(0);

/** One tool's fields apart from the table (as read from a packed state or a state file). */
export interface ToolFields {
  first: Ordinal;
  /** the tool name as the reference prints it, from the first call; undefined for a string tool (see `ToolKeys.display`) */
  display: string | undefined;
  count: number;
  sum: CompactSum;
}

/** A string tool's key is "s" + its name, and its name is what the reference prints. */
export function isStringKey(key: string | StrSpan): boolean {
  if (typeof key === 'string') return key.charCodeAt(0) === S;
  const b = key.bytes;
  return key.end > key.start && (key.wide ? b[key.start]! | (b[key.start + 1]! << 8) : b[key.start]) === S;
}
const S = 115; // 's'

/**
 * The rows that calls as columns (`slow-tools.ts` addColumns) add to, by the decoder's tool id:
 * each held row's count and sum in typed arrays here instead of in the table's columns, written
 * back (`ToolKeys.release`) before anything else reads or changes those columns. A write-back
 * cache, not another sum: a held sum is the very number the columns would hold, each latency
 * added to it with `addToCompactSum`'s exactness test, and a call that test fails (or a row whose
 * sum is already full) goes through the columns as before. Why: the columns' get and set per
 * call (chunked, 32-bit counts while they fit, sums that may be full) were ~30 ns a call, ~0.2 s
 * of the dense archive's 6.4M calls; a typed-array add is ~7 ns.
 */
export class HeldTools {
  /** row by tool id; -1: not looked up yet */
  rows: Int32Array;
  /** by tool id: 1 while its row's count and sum are held here */
  held: Uint8Array;
  count: Float64Array;
  sum: Float64Array;
  /** the tool ids held, in heldIds[0, nHeld) */
  heldIds: Int32Array;
  nHeld = 0;

  /** `keys`: the decoder's Python keys by tool id (ToolColumns.keys) that the ids index. */
  constructor(
    readonly keys: readonly string[],
    size: number,
  ) {
    this.rows = new Int32Array(size).fill(-1);
    this.held = new Uint8Array(size);
    this.count = new Float64Array(size);
    this.sum = new Float64Array(size);
    this.heldIds = new Int32Array(size);
  }

  /** Room for tool id `id`. */
  grow(id: number): void {
    const size = Math.max(id + 1, this.rows.length * 2);
    const rows = new Int32Array(size).fill(-1);
    rows.set(this.rows);
    this.rows = rows;
    this.held = grown(this.held, new Uint8Array(size));
    this.count = grown(this.count, new Float64Array(size));
    this.sum = grown(this.sum, new Float64Array(size));
    this.heldIds = grown(this.heldIds, new Int32Array(size));
  }
}

function grown<T extends Uint8Array | Int32Array | Float64Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

export class ToolKeys extends KeyTable {
  /** the display name of a tool that is not a string (1, null...), by row; a string tool's is
   * its key without the "s" (`displayOf`), not kept twice (1M tool names, ~32 bytes a tool),
   * nor a pointer a row (8 bytes) */
  display = new Map<number, string>();
  private counts = new CompactNumColumn();
  /** total latency; a plain number while exact (see CompactSum) */
  private sums = new SumColumn();
  /** rows whose count and sum are held outside the columns (see HeldTools) */
  private hold: HeldTools | undefined = undefined;

  /** the count of calls with a positive latency, by row */
  get count(): CompactNumColumn {
    if (this.hold !== undefined && this.hold.nHeld > 0) this.release();
    return this.counts;
  }

  /** total latency, by row */
  get sum(): SumColumn {
    if (this.hold !== undefined && this.hold.nHeld > 0) this.release();
    return this.sums;
  }

  /** A tool not seen before; its first call is at `at` (+ `i` when given). Its row. */
  addTool(key: string | StrSpan, at: Ordinal, i: number | undefined, display: string | undefined, count: number, sum: CompactSum): number {
    const row = this.newRow(key, at, i);
    if (display !== undefined && !isStringKey(key)) this.display.set(row, display);
    this.counts.push(count);
    this.sums.push(sum);
    return row;
  }

  /** One more positive latency of `row`'s tool. */
  addLatency(row: number, latency: number): void {
    const count = this.count;
    const sum = this.sum;
    count.set(row, count.get(row) + 1);
    sum.set(row, addToCompactSum(sum.get(row), latency));
  }

  /**
   * The held rows of tool ids `keys` (see HeldTools), for adding calls; the rows held for
   * another id table are written back first.
   */
  heldTools(keys: readonly string[]): HeldTools {
    let hold = this.hold;
    if (hold === undefined || hold.keys !== keys) {
      if (hold !== undefined) this.release();
      hold = this.hold = new HeldTools(keys, Math.max(64, keys.length));
    }
    return hold;
  }

  /**
   * One more positive latency of tool id `id`'s row (`hold.rows[id]`, looked up) that the held
   * sum does not take (see `addColumns`): added through the columns (its row written back first
   * when held, the others left held), then held again if its sum is still a plain number.
   */
  addHeldLatency(hold: HeldTools, id: number, latency: number): void {
    const row = hold.rows[id]!;
    if (hold.held[id] === 1) this.releaseOne(hold, id);
    this.counts.set(row, this.counts.get(row) + 1);
    this.sums.set(row, addToCompactSum(this.sums.get(row), latency));
    this.holdRow(hold, id);
  }

  /**
   * Tool id `id`'s row (`hold.rows[id]`, looked up, not held) held if its sum is a plain
   * number: its count and sum from the columns into `hold`.
   */
  holdRow(hold: HeldTools, id: number): void {
    const row = hold.rows[id]!;
    const s = this.sums.get(row);
    if (typeof s !== 'number') return;
    hold.held[id] = 1;
    hold.count[id] = this.counts.get(row);
    hold.sum[id] = s;
    hold.heldIds[hold.nHeld++] = id;
  }

  /** Held tool id `id`'s row written back, and no longer held. */
  private releaseOne(hold: HeldTools, id: number): void {
    const row = hold.rows[id]!;
    this.counts.set(row, hold.count[id]!);
    this.sums.set(row, hold.sum[id]!);
    hold.held[id] = 0;
    const ids = hold.heldIds;
    const last = --hold.nHeld;
    for (let h = 0; h < last; h++) {
      if (ids[h] === id) {
        ids[h] = ids[last]!;
        break;
      }
    }
  }

  /** Every held row's count and sum written back into the columns; none is held after. */
  release(): void {
    const hold = this.hold;
    if (hold === undefined) return;
    const { rows, held, count, sum, heldIds } = hold;
    for (let h = 0; h < hold.nHeld; h++) {
      const id = heldIds[h]!;
      const row = rows[id]!;
      this.counts.set(row, count[id]!);
      this.sums.set(row, sum[id]!);
      held[id] = 0;
    }
    hold.nHeld = 0;
  }

  /** the tool name as the reference prints it */
  displayOf(row: number, key: string): string {
    return this.display.get(row) ?? key.slice(1);
  }

  /** `row`'s tool is a string (its key is "s" + its name), read without making the key. */
  isStringRow(row: number): boolean {
    return this.rows.firstCode(row) === S;
  }

  copy(): ToolKeys {
    const out = this.copyInto(new ToolKeys());
    out.display = new Map(this.display);
    out.counts = this.count.copy();
    out.sums = this.sum.copy();
    return out;
  }
}

/** A tool's fields folded into `into`'s row `ri`: the first call's place and name, counts and exact sums added (a new sum). */
export function foldTool(into: ToolKeys, ri: number, e: ToolFields): void {
  if (into.compareFirst(ri, e.first) > 0) {
    into.setFirst(ri, e.first);
    if (!into.isStringRow(ri) && e.display !== undefined) into.display.set(ri, e.display);
  }
  into.count.set(ri, into.count.get(ri) + e.count);
  into.sum.set(ri, mergeCompactSums(into.sum.get(ri), e.sum));
}

/** Every row of `from` added to `into` (changed and returned). */
function foldTable(into: ToolKeys, from: ToolKeys): ToolKeys {
  // sized once for both (an upper bound: a key on both sides counts twice), not grown as keys come
  into.reserve(from.size);
  const sp: StrSpan = { bytes: EMPTY, start: 0, end: 0, wide: false };
  for (let rf = 0; rf < from.size; rf++) {
    const key = from.keyRef(rf, sp);
    const ri = into.rowOf(key);
    if (ri === undefined) {
      const row = into.newRowFrom(key, from, rf);
      const display = from.display.get(rf);
      if (display !== undefined) into.display.set(row, display);
      into.count.push(from.count.get(rf));
      into.sum.push(from.sum.get(rf));
    } else foldTool(into, ri, { first: from.first(rf), display: from.display.get(rf), count: from.count.get(rf), sum: from.sum.get(rf) });
  }
  return into;
}

/**
 * A new table of both; neither input changes (a full sum is never added to in place once
 * merged: `mergeCompactSums` makes a new one, and callers never add to a merge's inputs).
 */
export function mergeToolKeys(a: ToolKeys, b: ToolKeys): ToolKeys {
  return foldTable(a.copy(), b);
}

/** The smaller table into the larger, in place (the caller owns both and uses neither afterwards). */
export function mergeToolKeysInto(into: ToolKeys, from: ToolKeys): ToolKeys {
  return into.size >= from.size ? foldTable(into, from) : foldTable(from, into);
}
