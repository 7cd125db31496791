/**
 * A key table's index, key -> row (rows numbered 0, 1, 2... in insertion order): a JS
 * `Map` while it is small, and past `KeyIndex.mapUpTo` keys an open-addressing hash table
 * of its own (each slot a row and the high bits of its key's hash, in one Int32Array; the
 * keys as bytes by row, `key-bytes.ts`).
 *
 * Why: a `Map` of a million keys costs ~2.5-3 µs per insert on this 2-vCPU VM (each
 * lookup walks a bucket chain of entries and loads every key it passes: cache and TLB
 * misses), against ~0.5 µs with the slot array, where a probe reads one hash beside the
 * row and a key is loaded only when its hash matches (1M distinct keys inserted and then
 * looked up again, one process: 5.1 s with a Map, 2.5 s here; 2026-12-01, load 8). The
 * main thread of a two-worker run builds one index of every key its workers saw, so
 * that was most of its work on many keys. A small index stays a `Map`: V8 keeps a
 * string's hash in the string, so looking up the same few interned tool names millions
 * of times (the dense archive: 6.5M calls, 10 tools) costs no hashing there, where this
 * table hashes the key at every lookup (6.5M lookups of 10 keys: 0.17-0.56 s as a Map,
 * 0.95-1.5 s here).
 *
 * The keys: in a column of strings while the index is a `Map`, then as bytes outside the
 * heap (`key-bytes.ts`): a key is made a string again only when asked for (`keyAt`), and
 * goes to a pack and comes from one as bytes (`writeKey`, `getSpan`, `set` of a span).
 *
 * The interface is the part of `Map` the detectors use (`get`, `set` of a new key, `size`,
 * iteration in row order, `keys`), and the row-wise reads above.
 */
import { Column, U32Column } from './columns.js';
import { hashSpan, KeyBytes } from './key-bytes.js';
import { decodeBytes, type PackWriter, type StrSpan } from './packed.js';

/** FNV-1a over the UTF-16 code units: the same hash for the same key, whatever string object holds it. */
export function hashKey(key: string): number {
  let h = 0x811c9dc5 | 0;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return h;
}

/** the fewest slots of a slot array */
const MIN_SLOTS = 1024;

/** Slots for `keys` keys: a power of two, at least twice as many (a slot array is at most half full). */
function slotsFor(keys: number): number {
  let count = MIN_SLOTS;
  while (count < 2 * keys) count *= 2;
  return count;
}

const spanText = (sp: StrSpan): string => decodeBytes(sp.bytes, sp.start, sp.end, sp.wide);

export class KeyIndex {
  /** keys kept in a `Map` before the index becomes a slot array (tests lower it to cover both) */
  static mapUpTo = 1 << 16;

  private map: Map<string, number> | undefined = new Map();
  /** the keys by row while the index is a Map */
  private keyOf: Column<string> | undefined = new Column<string>();
  /**
   * the slot array: 0 for an empty slot, else `row + 1` in the bits of `mask` and the key's
   * hash in the others (its low bits are the slot it starts from: the high ones tell most
   * keys apart without loading them). One Int32 a slot, not a hash and a row: 1M keys in
   * 2^21 slots, 8 MB instead of 16.
   */
  private slots = new Int32Array(0);
  private mask = 0;
  /** the keys by row once the index is a slot array */
  private bytes = new KeyBytes();
  /**
   * each key's hash by row once the index is a slot array, so that a resize places the keys
   * again without hashing their bytes: 1M keys placed into 2^21 slots, 0.35x the time of
   * hashing them again from their bytes (one process, load 7, 2026-12-02), for 4 bytes a key
   */
  private hashes = new U32Column();
  private n = 0;
  /** the last key looked up and its hash: `get` then `set` of a new key hashes it once */
  private lastKey: string | undefined;
  private lastHash = 0;
  /** the same for a span (`getSpan` then `set`): its bytes, start and end */
  private lastSpanBytes: Uint8Array | undefined;
  private lastSpanStart = -1;
  private lastSpanEnd = -1;
  private lastSpanHash = 0;

  get size(): number {
    return this.n;
  }

  /** The row of `key`, or undefined. Small, so that it inlines into the detectors' `add` (the Map case is their hot path). */
  get(key: string): number | undefined {
    const map = this.map;
    return map !== undefined ? map.get(key) : this.find(key);
  }

  /** `get` of the string `sp` spells, without making it (in the slot array). */
  getSpan(sp: StrSpan): number | undefined {
    if (this.map !== undefined) return this.map.get(spanText(sp));
    const h = this.spanHash(sp);
    const slots = this.slots;
    const mask = this.mask;
    const tag = h & ~mask;
    for (let s = h & mask; ; s = (s + 1) & mask) {
      const v = slots[s]!;
      if (v === 0) return undefined;
      if ((v & ~mask) === tag && this.bytes.equalsSpan((v & mask) - 1, sp)) return (v & mask) - 1;
    }
  }

  /** `get` in the slot array. */
  private find(key: string): number | undefined {
    const h = this.hash(key);
    const slots = this.slots;
    const mask = this.mask;
    const tag = h & ~mask;
    for (let s = h & mask; ; s = (s + 1) & mask) {
      const v = slots[s]!;
      if (v === 0) return undefined;
      if ((v & ~mask) === tag && this.bytes.equals((v & mask) - 1, key)) return (v & mask) - 1;
    }
  }

  /** Add `key` (a string, or the string a span spells), which is not in the index, as row `row` (= `size`: rows come in order). */
  set(key: string | StrSpan, row: number): this {
    if (row !== this.n) throw new Error(`KeyIndex: row ${row} added as row ${this.n}`);
    if (this.map !== undefined) {
      const k = typeof key === 'string' ? key : spanText(key);
      this.map.set(k, row);
      this.keyOf!.push(k);
      this.n++;
      if (this.n > KeyIndex.mapUpTo) this.leaveMap();
      return this;
    }
    if (this.n + 1 > this.slots.length >>> 1) this.grow();
    let h: number;
    if (typeof key === 'string') {
      this.bytes.push(key);
      h = this.hash(key);
    } else {
      this.bytes.pushSpan(key);
      h = this.spanHash(key);
    }
    this.hashes.push(h >>> 0);
    this.place(h, row + 1);
    this.n++;
    return this;
  }

  /**
   * Room for `total` keys in all, so that adding up to `total - size` more never grows the
   * index on the way: a merge of a pack that says how many keys it holds (`PackReader.keyCount`)
   * sizes the slot array once for the sum, instead of doubling it (and placing every key
   * again) as the keys come (1M error keys, two workers: `grow` was 323 ms of the main thread).
   * `total` is an upper bound (keys on both sides count twice): at most one doubling's worth
   * of slots too many, 4 bytes a slot. Leaves a `Map` early only when `total` is past `mapUpTo`.
   */
  reserve(total: number): void {
    if (this.map !== undefined) {
      if (total > KeyIndex.mapUpTo) this.leaveMap(total);
      return;
    }
    if (total > this.slots.length >>> 1) this.resize(slotsFor(total));
  }

  /** The key of `row`, as a string (made anew from its bytes in a slot array). */
  keyAt(row: number): string {
    return this.keyOf !== undefined ? this.keyOf.get(row) : this.bytes.get(row);
  }

  /** `sp` set to `row`'s key bytes and true, in a slot array; false (and `sp` as it was) while the index is a Map. */
  spanOf(row: number, sp: StrSpan): boolean {
    if (this.keyOf !== undefined) return false;
    this.bytes.spanOf(row, sp);
    return true;
  }

  /** The first code unit of `row`'s key (not empty). */
  firstCode(row: number): number {
    return this.keyOf !== undefined ? this.keyOf.get(row).charCodeAt(0) : this.bytes.firstCode(row);
  }

  /** `w.str(keyAt(row))`, from the key's bytes in a slot array. */
  writeKey(row: number, w: PackWriter): void {
    if (this.keyOf !== undefined) w.str(this.keyOf.get(row));
    else this.bytes.copyTo(row, w);
  }

  /** [key, row] in row order. */
  *[Symbol.iterator](): IterableIterator<[string, number]> {
    for (let r = 0; r < this.n; r++) yield [this.keyAt(r), r];
  }

  /** The keys in row order. */
  *keys(): IterableIterator<string> {
    for (let r = 0; r < this.n; r++) yield this.keyAt(r);
  }

  /** A copy (key strings are shared, key bytes copied where they may still be written). */
  copy(): KeyIndex {
    const out = new KeyIndex();
    if (this.map !== undefined) {
      out.map = new Map(this.map);
      out.keyOf = this.keyOf!.copy();
    } else {
      out.map = undefined;
      out.keyOf = undefined;
      out.slots = this.slots.slice();
      out.mask = this.mask;
      out.bytes = this.bytes.copy();
      out.hashes = this.hashes.copy();
    }
    out.n = this.n;
    return out;
  }

  private hash(key: string): number {
    if (key === this.lastKey) return this.lastHash;
    this.lastKey = key;
    return (this.lastHash = hashKey(key));
  }

  private spanHash(sp: StrSpan): number {
    if (sp.bytes === this.lastSpanBytes && sp.start === this.lastSpanStart && sp.end === this.lastSpanEnd) return this.lastSpanHash;
    this.lastSpanBytes = sp.bytes;
    this.lastSpanStart = sp.start;
    this.lastSpanEnd = sp.end;
    return (this.lastSpanHash = hashSpan(sp));
  }

  /** Put `row + 1` (at most `mask`) with `hash` in the first free slot from its own. */
  private place(hash: number, rowPlus1: number): void {
    const slots = this.slots;
    const mask = this.mask;
    let s = hash & mask;
    while (slots[s] !== 0) s = (s + 1) & mask;
    slots[s] = (hash & ~mask) | rowPlus1;
  }

  /** Twice the slots (at most half of them used), every key placed again by its hash. */
  private grow(): void {
    this.resize(Math.max(MIN_SLOTS, 2 * this.slots.length));
  }

  /** `count` slots (a power of two), every key placed again by its kept hash. */
  private resize(count: number): void {
    this.alloc(count);
    const hashes = this.hashes;
    for (let r = 0; r < this.n; r++) this.place(hashes.get(r), r + 1);
  }

  private alloc(count: number): void {
    this.slots = new Int32Array(count);
    this.mask = count - 1;
  }

  /** From a `Map` to the slot array, keeping the rows, with room for `total` keys (at least those it has). */
  private leaveMap(total = this.n): void {
    const keyOf = this.keyOf!;
    this.map = undefined;
    this.keyOf = undefined;
    this.alloc(slotsFor(Math.max(total, this.n)));
    for (let r = 0; r < this.n; r++) {
      const k = keyOf.get(r);
      this.bytes.push(k);
      const h = hashKey(k);
      this.hashes.push(h >>> 0);
      this.place(h, r + 1);
    }
  }
}
