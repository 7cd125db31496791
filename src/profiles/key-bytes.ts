/**
 * The keys of a large key index (`key-index.ts`), as bytes outside the JS heap: one byte a
 * code unit when every code unit is below 0x100 (Latin-1), else two (UTF-16LE, so that a lone
 * surrogate survives), one key after another in pages of bytes; per key its place and its
 * length in two typed columns. A key is made a string again only when asked for (`get`).
 *
 * Why: a key kept as a string costs its header (16 bytes), its characters rounded up to 8
 * and a pointer (8) on the heap, and V8 lets the old generation grow to ~3x what a full
 * collection left live before it collects again (`--trace-gc`, 1M tool names: 42 MB live ->
 * next full GC at 143 MB), so every live heap byte of the keys was up to ~3 bytes of peak
 * RSS. Here a key is its bytes and 12 bytes of columns, counted once.
 *
 * The same form as a packed state's strings (`packed.ts`): a key goes into a pack, and a
 * packed key into a table, as a copy of bytes (`copyTo`, `pushSpan`), never as a string.
 */
import { CompactNumColumn, U32Column } from './columns.js';
import { copyBytes, decodeBytes, type PackWriter, type StrSpan } from './packed.js';

/** bytes of the first page; each next one is twice the last, up to `KeyBytes.pageBytes` (a longer key gets a page of its own, at offset 0) */
const FIRST_PAGE = 1 << 10;

/** FNV-1a over UTF-16 code units (key-index.ts's `hashKey`), of a string as bytes. */
export function hashSpan(sp: StrSpan): number {
  let h = 0x811c9dc5 | 0;
  const b = sp.bytes;
  if (sp.wide) for (let i = sp.start; i < sp.end; i += 2) h = Math.imul(h ^ (b[i]! | (b[i + 1]! << 8)), 0x01000193);
  else for (let i = sp.start; i < sp.end; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
  return h;
}

export class KeyBytes {
  /** the largest page (static: tests lower it to cover keys longer than a page) */
  static pageBytes = 1 << 20;

  /** the largest page, and the unit of a key's place: page * maxPage + its offset in the page (below maxPage), 32 bits up to 4096 pages of 1 MB */
  private maxPage = KeyBytes.pageBytes;
  private pages: Buffer[] = [];
  private page: Buffer = Buffer.alloc(0);
  private at = 0;
  /** per key: page * maxPage + its first byte's offset in the page */
  private place = new CompactNumColumn();
  /** per key: its length in code units times 2, plus 1 when it is written wide */
  private lens = new U32Column();

  get length(): number {
    return this.lens.length;
  }

  /** Add `key` as the next one. */
  push(key: string): void {
    const len = key.length;
    let b = this.room(len);
    let at = this.at;
    let i = 0;
    for (; i < len; i++) {
      const c = key.charCodeAt(i);
      if (c > 0xff) break;
      b[at + i] = c;
    }
    if (i === len) return this.added(len, len * 2);
    b = this.room(2 * len);
    at = this.at;
    for (let k = 0; k < len; k++) {
      const c = key.charCodeAt(k);
      b[at + 2 * k] = c & 0xff;
      b[at + 2 * k + 1] = c >>> 8;
    }
    this.added(2 * len, len * 2 + 1);
  }

  /** Add the key `sp` spells, as the next one (copied). */
  pushSpan(sp: StrSpan): void {
    const n = sp.end - sp.start;
    copyBytes(sp.bytes, sp.start, sp.end, this.room(n), this.at);
    this.added(n, sp.wide ? n + 1 : n * 2);
  }

  /** Key `k` as a string of its own. */
  get(k: number): string {
    const p = this.place.get(k);
    const page = Math.floor(p / this.maxPage);
    const start = p - page * this.maxPage;
    const l = this.lens.get(k);
    const wide = (l & 1) === 1;
    return decodeBytes(this.pages[page]!, start, start + (wide ? l - 1 : l >>> 1), wide);
  }

  /** `sp` set to key `k`'s bytes (a view of its page: valid while this store lives). */
  spanOf(k: number, sp: StrSpan): void {
    const p = this.place.get(k);
    const page = Math.floor(p / this.maxPage);
    const start = p - page * this.maxPage;
    const l = this.lens.get(k);
    sp.wide = (l & 1) === 1;
    sp.bytes = this.pages[page]!;
    sp.start = start;
    sp.end = start + (sp.wide ? l - 1 : l >>> 1);
  }

  /** The first code unit of key `k` (it is not empty), without making its string. */
  firstCode(k: number): number {
    const p = this.place.get(k);
    const page = Math.floor(p / this.maxPage);
    const b = this.pages[page]!;
    const start = p - page * this.maxPage;
    return (this.lens.get(k) & 1) === 1 ? b[start]! | (b[start + 1]! << 8) : b[start]!;
  }

  /** Key `k` is `key`. */
  equals(k: number, key: string): boolean {
    const l = this.lens.get(k);
    const len = key.length;
    if (l >>> 1 !== len) return false;
    const p = this.place.get(k);
    const page = Math.floor(p / this.maxPage);
    const b = this.pages[page]!;
    const start = p - page * this.maxPage;
    if ((l & 1) === 0) {
      for (let i = 0; i < len; i++) if (b[start + i] !== key.charCodeAt(i)) return false;
      return true;
    }
    for (let i = 0; i < len; i++) if ((b[start + 2 * i]! | (b[start + 2 * i + 1]! << 8)) !== key.charCodeAt(i)) return false;
    return true;
  }

  /** Key `k` is the string `sp` spells (both in the one form a string has: see `StrSpan`). */
  equalsSpan(k: number, sp: StrSpan): boolean {
    const n = sp.end - sp.start;
    if (this.lens.get(k) !== (sp.wide ? n + 1 : n * 2)) return false;
    const p = this.place.get(k);
    const page = Math.floor(p / this.maxPage);
    const b = this.pages[page]!;
    const start = p - page * this.maxPage;
    const src = sp.bytes;
    for (let i = 0, j = sp.start; i < n; i++, j++) if (b[start + i] !== src[j]) return false;
    return true;
  }

  /** Key `k` written to a pack as `w.str` would write it, from its bytes. */
  copyTo(k: number, w: PackWriter): void {
    const p = this.place.get(k);
    const page = Math.floor(p / this.maxPage);
    const start = p - page * this.maxPage;
    const l = this.lens.get(k);
    const wide = (l & 1) === 1;
    w.strBytes(this.pages[page]!, start, start + (wide ? l - 1 : l >>> 1), wide);
  }

  /** A copy: the full pages are shared (never written again), the page being filled is copied. */
  copy(): KeyBytes {
    const out = new KeyBytes();
    out.maxPage = this.maxPage;
    out.pages = this.pages.slice();
    if (this.pages.length > 0) {
      out.page = Buffer.alloc(this.page.length);
      this.page.copy(out.page, 0, 0, this.at);
      out.pages[out.pages.length - 1] = out.page;
    }
    out.at = this.at;
    out.place = this.place.copy();
    out.lens = this.lens.copy();
    return out;
  }

  /** The page to write `n` bytes into at `this.at` (a new one when they do not fit; a long key gets one of its own size). */
  private room(n: number): Buffer {
    // a key starts below maxPage in its page, so that its place tells its page
    if (this.page.length - this.at >= n && this.at < this.maxPage && this.pages.length > 0) return this.page;
    const size = this.pages.length === 0 ? Math.min(FIRST_PAGE, this.maxPage) : Math.min(this.maxPage, 2 * this.page.length);
    // zero-filled, not allocUnsafe: a page's unused tail is part of the state, and two states
    // of the same keys must be equal whatever the process's memory held (a test compares them)
    this.page = Buffer.alloc(Math.max(size, n));
    this.pages.push(this.page);
    this.at = 0;
    return this.page;
  }

  /** The key just written (`n` bytes at `this.at`) counted, with its length entry. */
  private added(n: number, len: number): void {
    this.place.push((this.pages.length - 1) * this.maxPage + this.at);
    this.lens.push(len);
    this.at += n;
  }
}
