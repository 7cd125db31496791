/**
 * The boundary pass of shard planning: a push-style scanner that finds where a
 * big JSON array or `{"sessions": [...]}` document can be cut between records
 * (see plan-shards.ts for why such cuts are sound and how they are checked).
 *
 * ## The four byte-level JSON scanners, and why there are four
 *
 * Each reads JSON bytes for a different question, at a different cost, and none
 * can stand in for another without losing what made it worth writing:
 *
 * | scanner | where | reads | question | validates? |
 * |---|---|---|---|---|
 * | `FastDecoder` | input/fast-decoder.ts | every byte of an input | what are the records (keeping only the session keys)? | yes: strict JSON + UTF-8, exact error offsets |
 * | `BoundaryScanner` (this file) | workers/ | every byte of a big file, once, on the main thread | where are the commas between records? | no: strings and brackets only |
 * | `speculativeArrayPlan` | workers/plan-shards.ts | the first 1 MB, then one small window per cut | the same, guessed from how the first two records are written | no |
 * | `scanDocument` | input/adapters/_head.ts | the first 64 KB | what is the root, its keys, its first element (format detection)? | no: a head may end mid-value |
 *
 * - The decoder is the only judge of validity: every byte of every input goes
 *   through it (or through stream-json with `--parser stream-json`), so an
 *   invalid file fails with the same message and offset however it was planned.
 * - The boundary pass exists because the decoder cannot be started in the middle
 *   of a file: to hand a worker bytes [a, b) someone must know that a and b sit
 *   between two records. It does the least that answers that (it jumps through
 *   strings with `indexOf` to the next quote and builds no value), and it may
 *   be wrong only in ways the skeleton check catches (plan-shards.ts), since a
 *   wrong cut can only cost time, never change a result.
 * - The speculative plan avoids even that pass for the common export (a uniform
 *   array): it reads one window per cut instead of the whole file. It is a guess,
 *   checked like any other plan.
 * - `scanDocument` answers a cheap question about a prefix (a root object's
 *   keys, an array's first element) for the agent-log adapters, which must accept
 *   a head cut anywhere; it never decides a record boundary.
 * Classification (input/classify.ts) uses the adapters' detection and, for
 * `--from` mismatches, a FastDecoder over the head; it adds no scanner.
 */
import type { ByteRange, PlanItem, RangeFormat } from './_plan-items.js';

/** Longest raw property name worth decoding: "sessions" written with \u escapes is 48 bytes. */
const MAX_KEY_BYTES = 128;

const BOM = [0xef, 0xbb, 0xbf];
const OPEN_ARR = 1;
const OPEN_OBJ = 2;

/** Where the scan is at the top level. */
const Top = {
  Start: 0, // before the first value (a BOM may come first)
  Array: 1, // inside the top-level array: its elements are records
  Object: 2, // inside the top-level object: a wrapper, or the first JSON Lines record
  After: 3, // after the first top-level value
  Jsonl: 4, // JSON Lines by content: cuts at newlines between top-level values
} as const;
type Top = (typeof Top)[keyof typeof Top];

/** Inside the top-level object, at depth 1: what comes next. */
const Member = {
  Key: 0,
  Colon: 1,
  Value: 2,
  AfterValue: 3,
} as const;
type Member = (typeof Member)[keyof typeof Member];

/**
 * Push-style boundary scanner over the bytes of one file. Emits `range`/`reset`
 * items as cuts are decided; `gaveUp` is set (and a `whole` item emitted) as soon
 * as the file cannot be split soundly.
 */
export class BoundaryScanner {
  items: PlanItem[] = [];
  gaveUp: string | undefined;

  private base = 0; // absolute offset of the current chunk's first byte
  private bomMatch = true; // the bytes so far are a prefix of a BOM
  private top: Top = Top.Start;
  private depth = 0;
  private stack = new Uint8Array(64);

  private inString = false;
  private bsCarry = 0; // backslashes at the end of the previous chunk, inside the current string
  private keyCapture = false;
  private keyParts: Buffer[] = [];
  private keyLen = 0;

  private member: Member = Member.Key;
  private key: string | undefined;
  private groups = 0; // record arrays seen ("sessions" arrays, or the top-level array)

  // the record array being cut
  private inRecords = false;
  private recDepth = 0;
  private rangeStart = 0;
  private elemContent = false; // a non-blank byte since the last separator
  private sawSeparator = false;

  private shardIndex = 0;
  private readonly ranges: ByteRange[] = [];
  private lastNewline = -1; // Top.After: offset just after the latest newline outside values

  constructor(
    private readonly fileIndex: number,
    private readonly shardBytes: number,
  ) {}

  /** Items emitted since the last call. */
  take(): PlanItem[] {
    const out = this.items;
    this.items = [];
    return out;
  }

  private giveUp(reason: string): void {
    if (this.gaveUp !== undefined) return;
    this.gaveUp = reason;
    this.items.push({ kind: 'whole', fileIndex: this.fileIndex, reason });
  }

  private emitRange(format: RangeFormat, start: number, end: number): void {
    this.ranges.push({ start, end });
    this.items.push({ kind: 'range', fileIndex: this.fileIndex, shardIndex: this.shardIndex++, format, start, end });
  }

  push(buf: Buffer): void {
    if (this.gaveUp !== undefined) return;
    const n = buf.length;
    let i = 0;
    // a UTF-8 BOM at the start of the file (its bytes may arrive in separate reads)
    while (this.bomMatch && i < n && this.base + i < 3) {
      if (buf[i] !== BOM[this.base + i]) this.bomMatch = false;
      else i++;
    }
    if (this.bomMatch && this.base + i >= 3) this.bomMatch = false;
    while (i < n) {
      if (this.inString) {
        const q = buf.indexOf(0x22, i);
        if (q < 0) {
          let k = n - 1;
          while (k >= i && buf[k] === 0x5c) k--;
          const run = n - 1 - k;
          this.bsCarry = k < i ? this.bsCarry + run : run;
          if (this.keyCapture) this.captureKey(buf, i, n);
          i = n;
          break;
        }
        let k = q - 1;
        while (k >= i && buf[k] === 0x5c) k--;
        let backslashes = q - 1 - k;
        if (k < i) backslashes += this.bsCarry;
        this.bsCarry = 0;
        if ((backslashes & 1) === 1) {
          if (this.keyCapture) this.captureKey(buf, i, q + 1);
          i = q + 1;
          continue;
        }
        if (this.keyCapture) this.captureKey(buf, i, q);
        this.inString = false;
        i = q + 1;
        if (this.keyCapture) {
          this.keyCapture = false;
          this.endKey();
          if (this.gaveUp !== undefined) return;
        }
        continue;
      }
      const c = buf[i]!;
      // whitespace
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
        if (c === 0x0a && this.depth === 0) this.topNewline(this.base + i + 1);
        i++;
        continue;
      }
      this.byte(c, this.base + i);
      if (this.gaveUp !== undefined) return;
      i++;
    }
    this.base += n;
  }

  /** One non-blank byte outside strings at absolute offset `at`. */
  private byte(c: number, at: number): void {
    const depth = this.depth;
    if (depth === 0) {
      this.topValueStart(c, at);
      if (this.gaveUp !== undefined) return;
    } else if (this.inRecords && depth === this.recDepth) {
      if (c === 0x2c) {
        this.separator(at);
        return;
      }
      if (c === 0x5d) {
        this.closeRecords(at);
      } else this.elemContent = true;
    } else if (this.top === Top.Object && depth === 1) {
      this.member1(c, at);
    }
    switch (c) {
      case 0x22:
        this.inString = true;
        this.bsCarry = 0;
        return;
      case 0x5b:
      case 0x7b:
        if (this.depth === this.stack.length) {
          const s = new Uint8Array(this.stack.length * 2);
          s.set(this.stack);
          this.stack = s;
        }
        this.stack[this.depth++] = c === 0x5b ? OPEN_ARR : OPEN_OBJ;
        return;
      case 0x5d:
      case 0x7d: {
        if (this.depth === 0 || this.stack[this.depth - 1] !== (c === 0x5d ? OPEN_ARR : OPEN_OBJ)) {
          this.giveUp('mismatched bracket');
          return;
        }
        this.depth--;
        if (this.depth === 0) this.topValueEnd();
        return;
      }
      default:
        return;
    }
  }

  /** A non-blank byte at depth 0: the start of a top-level value. */
  private topValueStart(c: number, at: number): void {
    switch (this.top) {
      case Top.Start:
        if (c === 0x5b) {
          this.top = Top.Array;
          this.startRecords(1, at + 1);
        } else if (c === 0x7b) {
          this.top = Top.Object;
          this.member = Member.Key;
        } else this.giveUp('the top-level value is not an array or an object');
        return;
      case Top.After:
        // a second top-level value: JSON Lines by content, if the first object held no "sessions" array
        if (this.groups > 0) {
          this.giveUp('extra data after the top-level value');
          return;
        }
        this.top = Top.Jsonl;
        if (this.lastNewline >= 0 && this.lastNewline - this.rangeStart >= this.shardBytes) {
          this.emitRange('jsonl', this.rangeStart, this.lastNewline);
          this.rangeStart = this.lastNewline;
        }
        return;
      case Top.Jsonl:
        return;
      default:
        // Array/Object end at depth 0 via topValueEnd
        this.giveUp('unexpected top-level byte');
    }
  }

  /** The top-level value closed. */
  private topValueEnd(): void {
    if (this.top === Top.Array || this.top === Top.Object) {
      this.top = Top.After;
      this.rangeStart = 0;
      this.lastNewline = -1;
    }
  }

  /** A newline at depth 0 (outside strings); `next` is the offset just after it. */
  private topNewline(next: number): void {
    if (this.top === Top.After) this.lastNewline = next;
    else if (this.top === Top.Jsonl && next - this.rangeStart >= this.shardBytes) {
      this.emitRange('jsonl', this.rangeStart, next);
      this.rangeStart = next;
    }
  }

  private startRecords(recDepth: number, start: number): void {
    if (this.groups > 0) this.items.push({ kind: 'reset', fileIndex: this.fileIndex, shardIndex: this.shardIndex });
    this.groups++;
    this.inRecords = true;
    this.recDepth = recDepth;
    this.rangeStart = start;
    this.elemContent = false;
    this.sawSeparator = false;
  }

  /** A comma between two elements of the record array, at offset `at`. */
  private separator(at: number): void {
    if (!this.elemContent) {
      this.giveUp('empty array element');
      return;
    }
    this.sawSeparator = true;
    this.elemContent = false;
    if (at - this.rangeStart >= this.shardBytes) {
      this.emitRange('array', this.rangeStart, at);
      this.rangeStart = at + 1;
    }
  }

  /** The record array closes with the `]` at offset `at` (the bracket is popped by the caller). */
  private closeRecords(at: number): void {
    this.inRecords = false;
    if (!this.elemContent) {
      if (this.sawSeparator) this.giveUp('trailing comma');
      // `[]`: no elements, no range; the skeleton keeps the empty array
      return;
    }
    this.emitRange('array', this.rangeStart, at);
  }

  /**
   * A non-blank byte at depth 1 of the top-level object: property names and the
   * starts of their values. Only valid JSON needs to be followed exactly here:
   * anything else fails the skeleton decode, and the file is read whole.
   */
  private member1(c: number, at: number): void {
    switch (this.member) {
      case Member.Key:
        if (c === 0x22) {
          this.keyCapture = true;
          this.keyParts = [];
          this.keyLen = 0;
          this.member = Member.Colon;
        }
        // `}` of an empty object, or invalid: the skeleton decode judges
        return;
      case Member.Colon:
        if (c === 0x3a) this.member = Member.Value;
        return;
      case Member.Value:
        this.member = Member.AfterValue;
        if (c === 0x5b && this.key === 'sessions') {
          // the '[' is pushed by the caller: records sit at depth 2
          this.startRecords(2, at + 1);
        }
        return;
      case Member.AfterValue:
        if (c === 0x2c) this.member = Member.Key;
        return;
    }
  }

  private captureKey(buf: Buffer, from: number, to: number): void {
    if (this.keyLen > MAX_KEY_BYTES) return;
    const part = buf.subarray(from, Math.min(to, from + MAX_KEY_BYTES + 1 - this.keyLen));
    this.keyParts.push(Buffer.from(part));
    this.keyLen += part.length;
  }

  private endKey(): void {
    const raw = Buffer.concat(this.keyParts);
    this.keyParts = [];
    if (raw.length > MAX_KEY_BYTES) {
      this.key = undefined;
      return;
    }
    if (raw.includes(0x5c)) {
      try {
        this.key = JSON.parse(`"${raw.toString('utf8')}"`) as string;
      } catch {
        this.giveUp('invalid escape in a property name');
      }
    } else this.key = raw.toString('utf8');
  }

  /** End of input at absolute offset `size`. */
  finish(size: number): void {
    if (this.gaveUp !== undefined) return;
    if (this.inString || this.depth !== 0) return this.giveUp('end of input inside a value');
    switch (this.top) {
      case Top.Start:
        return this.giveUp('no value');
      case Top.After:
        if (this.groups === 0) return this.giveUp('an object without a "sessions" array');
        this.items.push({ kind: 'end', fileIndex: this.fileIndex, size, skeleton: this.ranges.slice() });
        return;
      case Top.Jsonl:
        if (this.rangeStart < size) this.emitRange('jsonl', this.rangeStart, size);
        this.items.push({ kind: 'end', fileIndex: this.fileIndex, size, skeleton: undefined });
        return;
      default:
        return this.giveUp('end of input inside the top-level value');
    }
  }
}
