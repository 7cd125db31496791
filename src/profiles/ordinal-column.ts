/**
 * The first ordinals of a key table's rows (`key-table.ts`), as varints in pages of bytes
 * outside the JS heap: per ordinal its length, then each number, as `PackWriter.uint` writes
 * them (x + 1 in 7-bit groups for an integer in [0, 2^31 - 1), else 0 and the 8 bytes of the
 * double). A row holds the place of its ordinal (`KeyTable`'s `start`).
 *
 * Why: as 32-bit numbers an ordinal [file, shard, record, index] and its length were 20
 * bytes a key, ~24 with its place; here most of them are 6-8 bytes (a record number above
 * 16,383 takes 3): on 1M error keys ~13 MB less, in every thread's tables (peak RSS per key
 * is a goal of issue 13: <= 300 bytes with two workers).
 */
import type { Ordinal } from '../ordinal.js';
import type { PackWriter } from './packed.js';

/** bytes of the first page; each next one twice the last, up to MAX_PAGE */
const FIRST_PAGE = 256;
/** the largest page, and the unit of a place: page * MAX_PAGE + offset (an ordinal never crosses pages) */
const MAX_PAGE = 1 << 20;
/** the longest a number can be written: a 0 and a double */
const MAX_NUMBER = 9;

/** where `num` stopped: the byte after the number it read (module scratch, not a field: two equal columns must deep-equal whatever was read from them) */
let end = 0;

const f64 = new Float64Array(1);
const f64Bytes = new Uint8Array(f64.buffer);

/** `x` is written as a varint (not 0 and a double); -0 is not: it would come back as 0. */
const small = (x: number): boolean => x >= 0 && x < 0x7fffffff && x === Math.floor(x) && (x !== 0 || 1 / x > 0);

export class OrdinalColumn {
  private pages: Buffer[] = [];
  private page: Buffer = Buffer.alloc(0);
  private at = 0;

  /** Add `at` followed by `i` (when given); its place. */
  push(at: Ordinal, i?: number): number {
    const n = i === undefined ? at.length : at.length + 1;
    const b = this.room(MAX_NUMBER * (n + 1));
    const start = this.at;
    let p = this.writeNum(b, start, n);
    for (let k = 0; k < at.length; k++) p = this.writeNum(b, p, at[k]!);
    if (i !== undefined) p = this.writeNum(b, p, i);
    this.at = p;
    return this.placeOf(start);
  }

  /** Add the ordinal at `place` of `other` (a copy of its bytes); its place here. */
  pushFrom(other: OrdinalColumn, place: number): number {
    const src = other.pageOf(place);
    const from = place % MAX_PAGE;
    const n = other.num(src, from);
    let to = end;
    for (let k = 0; k < n; k++) to = other.skip(src, to);
    const len = to - from;
    const b = this.room(len);
    src.copy(b, this.at, from, to);
    const start = this.at;
    this.at += len;
    return this.placeOf(start);
  }

  /** The ordinal at `place`, as an array. */
  get(place: number): Ordinal {
    const b = this.pageOf(place);
    let p = place % MAX_PAGE;
    const n = this.num(b, p);
    p = end;
    const o = new Array<number>(n);
    for (let k = 0; k < n; k++) {
      o[k] = this.num(b, p);
      p = end;
    }
    return o;
  }

  /** `w.ordinal(get(place))` without building the array. */
  write(place: number, w: PackWriter): void {
    const b = this.pageOf(place);
    let p = place % MAX_PAGE;
    const n = this.num(b, p);
    w.uint(n);
    p = end;
    for (let k = 0; k < n; k++) {
      w.uint(this.num(b, p));
      p = end;
    }
  }

  /** `compareOrdinal(get(place), o)` without building the array. */
  compare(place: number, o: Ordinal): number {
    const b = this.pageOf(place);
    let p = place % MAX_PAGE;
    const n = this.num(b, p);
    p = end;
    const m = Math.min(n, o.length);
    for (let k = 0; k < m; k++) {
      const d = this.num(b, p) - o[k]!;
      if (d !== 0) return d;
      p = end;
    }
    return n - o.length;
  }

  /** `compareOrdinal(get(place), other.get(otherPlace))` without building either array. */
  compareWith(place: number, other: OrdinalColumn, otherPlace: number): number {
    const a = this.pageOf(place);
    const b = other.pageOf(otherPlace);
    let pa = place % MAX_PAGE;
    let pb = otherPlace % MAX_PAGE;
    const na = this.num(a, pa);
    pa = end;
    const nb = other.num(b, pb);
    pb = end;
    const m = Math.min(na, nb);
    for (let k = 0; k < m; k++) {
      const x = this.num(a, pa);
      pa = end;
      const y = other.num(b, pb);
      pb = end;
      if (x !== y) return x - y;
    }
    return na - nb;
  }

  /**
   * `o` as the ordinal of `place` (the row's first ordinal replaced): written over the old one
   * when it is no longer (the rest of the old one zeroed), else added at the end; its place.
   */
  replace(place: number, o: Ordinal): number {
    const b = this.pageOf(place);
    const from = place % MAX_PAGE;
    const n = this.num(b, from);
    let to = end;
    for (let k = 0; k < n; k++) to = this.skip(b, to);
    let need = this.size(o.length);
    for (const x of o) need += this.size(x);
    if (need > to - from) return this.push(o);
    let p = this.writeNum(b, from, o.length);
    for (const x of o) p = this.writeNum(b, p, x);
    b.fill(0, p, to);
    return place;
  }

  /** A copy, every page copied (`replace` writes into full pages too). */
  copy(): OrdinalColumn {
    const out = new OrdinalColumn();
    out.pages = this.pages.map((p) => Buffer.from(p));
    out.page = out.pages[out.pages.length - 1] ?? Buffer.alloc(0);
    out.at = this.at;
    return out;
  }

  private placeOf(offset: number): number {
    return (this.pages.length - 1) * MAX_PAGE + offset;
  }

  private pageOf(place: number): Buffer {
    return this.pages[Math.floor(place / MAX_PAGE)]!;
  }

  /** The page to write up to `n` bytes into at `this.at`. */
  private room(n: number): Buffer {
    if (this.page.length - this.at >= n && this.pages.length > 0) return this.page;
    const size = this.pages.length === 0 ? FIRST_PAGE : Math.min(MAX_PAGE, 2 * this.page.length);
    // zero-filled: a page's unused tail is part of the state (two states of the same rows must be equal)
    this.page = Buffer.alloc(Math.max(size, n));
    this.pages.push(this.page);
    this.at = 0;
    return this.page;
  }

  /** bytes `writeNum` takes for `x` */
  private size(x: number): number {
    if (!small(x)) return MAX_NUMBER;
    let v = x + 1;
    let n = 1;
    while (v >= 0x80) {
      v >>>= 7;
      n++;
    }
    return n;
  }

  /** `x` written at `p` of `b`; the place after it. */
  private writeNum(b: Buffer, p: number, x: number): number {
    if (!small(x)) {
      b[p] = 0;
      f64[0] = x;
      b.set(f64Bytes, p + 1);
      return p + MAX_NUMBER;
    }
    let v = x + 1;
    while (v >= 0x80) {
      b[p++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    b[p++] = v;
    return p;
  }

  /** The number at `p` of `b` (and `end` set to the place after it). */
  private num(b: Buffer, p: number): number {
    let x = b[p++]!;
    if (x === 0) {
      f64Bytes.set(b.subarray(p, p + 8));
      end = p + 8;
      return f64[0]!;
    }
    if (x < 0x80) {
      end = p;
      return x - 1;
    }
    let v = x & 0x7f;
    let shift = 7;
    for (;;) {
      x = b[p++]!;
      v |= (x & 0x7f) << shift;
      if (x < 0x80) break;
      shift += 7;
    }
    end = p;
    return (v >>> 0) - 1;
  }

  /** The place after the number at `p`. */
  private skip(b: Buffer, p: number): number {
    this.num(b, p);
    return end;
  }
}
