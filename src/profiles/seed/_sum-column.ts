/**
 * The latency sums of the slow-tools table (`_tool-keys.ts`), by row: a sum still exact as
 * one double is that double, in a column of doubles outside the heap; a full sum (see
 * `CompactSum`) is kept in a list, and its row holds -1 - its place there (a sum of positive
 * latencies is never negative, so a negative number can only be such a place).
 *
 * Why: a column of `CompactSum` values was a pointer a row (8 bytes of live heap a tool,
 * 1M tool names), and V8 lets the old generation grow to ~3x its live size before it
 * collects again.
 */
import type { CompactSum, ExactSum } from '../exact-sum.js';
import { NumColumn } from '../key-table.js';

export class SumColumn {
  private nums = new NumColumn();
  private fulls: ExactSum[] = [];

  get(row: number): CompactSum {
    const v = this.nums.get(row);
    return v < 0 ? this.fulls[-1 - v]! : v;
  }

  /** `s` as `row`'s sum; a number must not be negative (a sum of positive latencies). */
  set(row: number, s: CompactSum): void {
    if (typeof s === 'number') return this.nums.set(row, s);
    const v = this.nums.get(row);
    if (v < 0) this.fulls[-1 - v] = s;
    else this.nums.set(row, this.fullAt(s));
  }

  push(s: CompactSum): void {
    this.nums.push(typeof s === 'number' ? s : this.fullAt(s));
  }

  /** A copy (the full sums are shared, as a column of them shared them: see `mergeToolKeys`). */
  copy(): SumColumn {
    const out = new SumColumn();
    out.nums = this.nums.copy();
    out.fulls = this.fulls.slice();
    return out;
  }

  private fullAt(s: ExactSum): number {
    this.fulls.push(s);
    return -this.fulls.length;
  }
}
