/**
 * Strings of the bytes they were read from, shared: a tool name or a repo that
 * repeats (a dense archive names 10 tools 6.4M times) is looked up by its bytes
 * and costs no allocation. Bounded: at most `capacity` names of at most
 * MAX_INTERNED bytes are kept (the first ones met); any other name is a fresh
 * string each time, as it was before.
 *
 * A kept name also has an id (its entry: 0, 1, ... in the order met) and its Python
 * key `'s' + name` (python/py-key.ts), made once: a dense archive's tool calls
 * travel as ids, and the detectors read the key by id instead of building
 * `'s' + tool` per call (`'s' + tool` then a Map lookup, which flattens and hashes
 * the new string, was 0.59 s of a 5.8 s run on the dense archive).
 */

/** FNV-1a over bytes: h = imul(h ^ byte, FNV_PRIME) from FNV_BASIS. */
const FNV_BASIS = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** Longest name kept: a longer one is rarely a repeated name. */
export const MAX_INTERNED = 64;

/** Size of the `guess` table (a power of two). */
const START_KEYS = 4096;

/** The `guess` key of a name whose first byte is b0 and second (or closing '"') b1. */
const startKey = (b0: number, b1: number): number => ((b0 << 5) ^ b1) & (START_KEYS - 1);

export class Interner {
  /** (length, first byte) -> entry + 1 of the last name met with them: most lookups end here, unhashed */
  private readonly recent = new Int32Array(256);
  /** (the first two bytes of name + '"') -> entry + 1 of the last name met with them, for `guess` */
  private readonly byStart = new Int32Array(START_KEYS);
  /** slot -> entry + 1, 0 when free */
  private readonly slots: Int32Array;
  private readonly hashes: Int32Array;
  private readonly starts: Int32Array;
  private readonly lengths: Int32Array;
  /** the kept names by id */
  readonly texts: string[] = [];
  /** their Python keys ('s' + name), by id */
  readonly keys: string[] = [];
  /** the entries' bytes, one after another */
  private readonly bytes: Uint8Array;
  private used = 0;
  private readonly mask: number;
  private readonly capacity: number;

  /** `slots` is a power of two; at most half of them are used, so a probe always ends. */
  constructor(slots = 2048) {
    this.slots = new Int32Array(slots);
    this.mask = slots - 1;
    this.capacity = slots >> 1;
    this.hashes = new Int32Array(this.capacity);
    this.starts = new Int32Array(this.capacity);
    this.lengths = new Int32Array(this.capacity);
    this.bytes = new Uint8Array(this.capacity * MAX_INTERNED);
  }

  /**
   * The string that the bytes buf[s, e) spell: UTF-8 (valid, checked by the caller)
   * when `utf8`, else ASCII.
   */
  get(buf: Uint8Array, s: number, e: number, utf8: boolean): string {
    const id = this.id(buf, s, e, utf8);
    return id >= 0 ? this.texts[id]! : this.fresh;
  }

  /**
   * The id of a kept name that buf[s, ...) spells up to a closing '"' (that index is
   * `s + lengthOf(id)`), guessed from its first two bytes as the last name met with them;
   * -1 when the guess is wrong (then find the string's end and call `id`). A kept name
   * holds no '"', '\\' or control byte, so a match is that whole string: one pass over
   * its bytes instead of a scan for its end, a hash and a compare (a dense archive's
   * tool calls name ten tools).
   */
  guess(buf: Uint8Array, s: number, n: number): number {
    if (s + 1 >= n) return -1;
    const entry = this.byStart[startKey(buf[s]!, buf[s + 1]!)]! - 1;
    if (entry < 0) return -1;
    const e = s + this.lengths[entry]!;
    if (e >= n || buf[e] !== 0x22) return -1;
    const bytes = this.bytes;
    for (let a = this.starts[entry]!, k = s; k < e; a++, k++) if (bytes[a] !== buf[k]) return -1;
    return entry;
  }

  /** The byte length of kept name `id`. */
  lengthOf(id: number): number {
    return this.lengths[id]!;
  }

  /** the string made by the last `id` call that returned -1 */
  private fresh = '';

  /**
   * The id of the name that the bytes buf[s, e) spell (see `get`), kept if it was
   * not; -1 when it cannot be kept (too long, or the table is full): its string is
   * then made anew each time.
   */
  id(buf: Uint8Array, s: number, e: number, utf8: boolean): number {
    const len = e - s;
    const r = (len * 31 + (len > 0 ? buf[s]! : 0)) & 255;
    const last = this.recent[r]! - 1;
    if (last >= 0 && this.lengths[last] === len && this.same(last, buf, s, e)) {
      if (len > 0) this.byStart[startKey(buf[s]!, len > 1 ? buf[s + 1]! : 0x22)] = last + 1;
      return last;
    }
    let hash = FNV_BASIS;
    for (let k = s; k < e; k++) hash = Math.imul(hash ^ buf[k]!, FNV_PRIME);
    hash |= 0; // as the Int32Array keeps it (FNV_BASIS itself, of an empty name, is not an int32)
    const slots = this.slots;
    const mask = this.mask;
    for (let j = hash & mask; ; j = (j + 1) & mask) {
      const entry = slots[j]! - 1;
      if (entry < 0) {
        const text = Buffer.from(buf.buffer, buf.byteOffset + s, len).toString(utf8 ? 'utf8' : 'latin1');
        const k = this.texts.length;
        if (k < this.capacity && len <= MAX_INTERNED) {
          const at = this.used;
          this.bytes.set(buf.subarray(s, e), at); // a copy: the chunk is not kept
          this.used += len;
          this.hashes[k] = hash;
          this.starts[k] = at;
          this.lengths[k] = len;
          this.texts.push(text);
          this.keys.push(`s${text}`);
          slots[j] = k + 1;
          this.recent[r] = k + 1;
          if (len > 0) this.byStart[startKey(buf[s]!, len > 1 ? buf[s + 1]! : 0x22)] = k + 1;
          return k;
        }
        this.fresh = text;
        return -1;
      }
      if (this.hashes[entry] === hash && this.lengths[entry] === len && this.same(entry, buf, s, e)) {
        this.recent[r] = entry + 1;
        if (len > 0) this.byStart[startKey(buf[s]!, len > 1 ? buf[s + 1]! : 0x22)] = entry + 1;
        return entry;
      }
    }
  }

  /** Entry `entry` holds the bytes buf[s, e) (of its length). */
  private same(entry: number, buf: Uint8Array, s: number, e: number): boolean {
    const bytes = this.bytes;
    for (let a = this.starts[entry]!, k = s; k < e; a++, k++) if (bytes[a] !== buf[k]) return false;
    return true;
  }
}

/** Tool names and repos, for the whole process (a folder of files shares them): the member readers' interner. */
export const toolAndRepoNames = new Interner();
