/**
 * Columns of values in chunks of fixed size: growing one never copies. Key tables
 * (`key-table.ts`) keep each field of their rows in one, and the key index
 * (`key-index.ts`) its keys.
 */
const SHIFT = 12;
/** rows per chunk of a column */
const CHUNK = 1 << SHIFT;
const MASK = CHUNK - 1;

/**
 * A column of values in chunks of CHUNK: growing it never copies. An array that grows by
 * copying leaves its old backing store behind for the collector, and on 1M keys that
 * garbage was ~100 MB of the peak RSS (heap 312 MB before a full GC, 198 MB after).
 */
export class Column<T> {
  private chunks: T[][] = [];
  length = 0;

  get(i: number): T {
    return this.chunks[i >>> SHIFT]![i & MASK]!;
  }

  set(i: number, v: T): void {
    this.chunks[i >>> SHIFT]![i & MASK] = v;
  }

  push(v: T): void {
    const c = this.length >>> SHIFT;
    if (c === this.chunks.length) this.chunks.push(new Array<T>(CHUNK));
    this.chunks[c]![this.length & MASK] = v;
    this.length++;
  }

  /** a copy of the column (the values themselves are shared) */
  copy(): Column<T> {
    const out = new Column<T>();
    out.chunks = this.chunks.map((c) => c.slice());
    out.length = this.length;
    return out;
  }
}

/** A `Column` of numbers, in Float64Array chunks (no boxed doubles, nothing for the collector to trace). */
export class NumColumn {
  private chunks: Float64Array[] = [];
  length = 0;

  get(i: number): number {
    return this.chunks[i >>> SHIFT]![i & MASK]!;
  }

  set(i: number, v: number): void {
    this.chunks[i >>> SHIFT]![i & MASK] = v;
  }

  push(v: number): void {
    const c = this.length >>> SHIFT;
    if (c === this.chunks.length) this.chunks.push(new Float64Array(CHUNK));
    this.chunks[c]![this.length & MASK] = v;
    this.length++;
  }

  copy(): NumColumn {
    const out = new NumColumn();
    out.chunks = this.chunks.map((c) => c.slice());
    out.length = this.length;
    return out;
  }
}

/** A column of unsigned 32-bit integers, in Uint32Array chunks (half a `NumColumn`'s bytes). */
export class U32Column {
  private chunks: Uint32Array[] = [];
  length = 0;

  get(i: number): number {
    return this.chunks[i >>> SHIFT]![i & MASK]!;
  }

  set(i: number, v: number): void {
    this.chunks[i >>> SHIFT]![i & MASK] = v;
  }

  push(v: number): void {
    const c = this.length >>> SHIFT;
    if (c === this.chunks.length) this.chunks.push(new Uint32Array(CHUNK));
    this.chunks[c]![this.length & MASK] = v;
    this.length++;
  }

  copy(): U32Column {
    const out = new U32Column();
    out.chunks = this.chunks.map((c) => c.slice());
    out.length = this.length;
    return out;
  }
}

/** `x` is a number a `U32Column` holds as it is (not -0, which it would give back as 0). */
const isU32 = (x: number): boolean => x >>> 0 === x && (x !== 0 || 1 / x > 0);

/**
 * A column of numbers that are nearly always small counts or indexes (ordinals, their
 * places): in a `U32Column` (4 bytes a number) until a number does not fit one, then,
 * from that push or set on, all of them in a `NumColumn` (8). On 1M error keys a first
 * ordinal ([file, shard, record, index] and its length) was 40 bytes a key as doubles.
 */
export class CompactNumColumn {
  private u32: U32Column | undefined = new U32Column();
  private f64: NumColumn | undefined;

  get length(): number {
    return this.u32 !== undefined ? this.u32.length : this.f64!.length;
  }

  get(i: number): number {
    return this.u32 !== undefined ? this.u32.get(i) : this.f64!.get(i);
  }

  set(i: number, v: number): void {
    if (this.u32 !== undefined && isU32(v)) this.u32.set(i, v);
    else this.widen().set(i, v);
  }

  push(v: number): void {
    if (this.u32 !== undefined && isU32(v)) this.u32.push(v);
    else this.widen().push(v);
  }

  copy(): CompactNumColumn {
    const out = new CompactNumColumn();
    out.u32 = this.u32?.copy();
    out.f64 = this.f64?.copy();
    return out;
  }

  /** the numbers as doubles from now on */
  private widen(): NumColumn {
    if (this.f64 !== undefined) return this.f64;
    const u32 = this.u32!;
    const f64 = new NumColumn();
    for (let i = 0; i < u32.length; i++) f64.push(u32.get(i));
    this.u32 = undefined;
    this.f64 = f64;
    return f64;
  }
}
