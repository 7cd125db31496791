/**
 * The slow-tools state as a table (`../key-table.ts`): one row per tool key, with its
 * display name, its count and its exact latency sum in columns (1M distinct tool names:
 * an entry object and an ordinal array were ~136 bytes a tool).
 */
import { addToCompactSum, mergeCompactSums, type CompactSum } from '../exact-sum.js';
import { CompactNumColumn, KeyTable } from '../key-table.js';
import { SumColumn } from './_sum-column.js';
import type { Ordinal } from '../ordinal.js';
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

export class ToolKeys extends KeyTable {
  /** the display name of a tool that is not a string (1, null...), by row; a string tool's is
   * its key without the "s" (`displayOf`), not kept twice (1M tool names, ~32 bytes a tool),
   * nor a pointer a row (8 bytes) */
  display = new Map<number, string>();
  count = new CompactNumColumn();
  /** total latency; a plain number while exact (see CompactSum) */
  sum = new SumColumn();

  /** A tool not seen before; its first call is at `at` (+ `i` when given). Its row. */
  addTool(key: string | StrSpan, at: Ordinal, i: number | undefined, display: string | undefined, count: number, sum: CompactSum): number {
    const row = this.newRow(key, at, i);
    if (display !== undefined && !isStringKey(key)) this.display.set(row, display);
    this.count.push(count);
    this.sum.push(sum);
    return row;
  }

  /** One more positive latency of `row`'s tool. */
  addLatency(row: number, latency: number): void {
    this.count.set(row, this.count.get(row) + 1);
    this.sum.set(row, addToCompactSum(this.sum.get(row), latency));
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
    out.count = this.count.copy();
    out.sum = this.sum.copy();
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
