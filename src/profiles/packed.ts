/**
 * A state as columns, for the trip from a worker thread to the main thread: every number
 * in one Float64Array (transferred, not copied) and every string in one string (cloned as
 * one block). The structured clone of a state object by object cost more than the whole
 * analysis when keys are many: a state of 125k distinct error keys took 2-3 s to
 * serialize and ~6 s to deserialize, against 0.6-1.5 s to pack and 1.2-1.7 s to unpack
 * this way (in one process, the machine loaded; 2026-12-01), and the main thread, which
 * deserializes every worker's states, was what made two workers slower than one.
 *
 * A detector that packs writes its entries field by field with a `PackWriter` and reads
 * them back in the same order with a `PackReader`; the result must equal the state it
 * packed (the laws tests check it through the state-file form).
 */
import type { Ordinal } from './ordinal.js';

/** A packed state: plain data that crosses threads cheaply. */
export interface PackedState {
  $packed: 1;
  nums: Float64Array;
  /** every string, one after another */
  text: string;
  /** the length of each string in `text` */
  lens: Uint32Array;
}

export function isPacked(v: unknown): v is PackedState {
  return typeof v === 'object' && v !== null && (v as { $packed?: unknown }).$packed === 1;
}

export class PackWriter {
  private nums = new Float64Array(1024);
  private n = 0;
  private readonly strs: string[] = [];

  num(x: number): void {
    if (this.n === this.nums.length) {
      const grown = new Float64Array(this.nums.length * 2);
      grown.set(this.nums);
      this.nums = grown;
    }
    this.nums[this.n++] = x;
  }

  str(s: string): void {
    this.strs.push(s);
  }

  ordinal(o: Ordinal): void {
    this.num(o.length);
    for (const x of o) this.num(x);
  }

  finish(): PackedState {
    const lens = new Uint32Array(this.strs.length);
    for (let i = 0; i < this.strs.length; i++) lens[i] = this.strs[i]!.length;
    return { $packed: 1, nums: this.nums.slice(0, this.n), text: this.strs.join(''), lens };
  }
}

export class PackReader {
  private i = 0;
  private s = 0;
  private at = 0;

  constructor(private readonly p: PackedState) {}

  /** true while numbers are left */
  get more(): boolean {
    return this.i < this.p.nums.length;
  }

  num(): number {
    return this.p.nums[this.i++]!;
  }

  str(): string {
    const len = this.p.lens[this.s++]!;
    const s = this.p.text.slice(this.at, this.at + len);
    this.at += len;
    return s;
  }

  ordinal(): Ordinal {
    const n = this.num();
    const o = new Array<number>(n);
    for (let k = 0; k < n; k++) o[k] = this.num();
    return o;
  }
}
