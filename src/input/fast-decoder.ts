/**
 * The fast session decoder: it finds the records of an archive (array, `{"sessions": [...]}`
 * wrapper, or JSON Lines) while the validating scanner (_json-scanner.ts) walks every
 * byte, keeps only the `SESSION_KEYS` of each record, and skips everything else — above
 * all the huge `messages` strings — without building a string or an object. Only the
 * bytes of the current record's kept values are ever copied.
 *
 * Kept values become values in one of two ways. With `seedSessions` (the seed
 * profile), a member that ends in its chunk and has a usual shape is read straight
 * from the bytes while it is validated (_read-members.ts: one pass, no text, no
 * JSON.parse); once the archive's shape is known, a whole record is read so
 * (`MemberReader.readRecord`) and the scanner steps over it. Every other member
 * (another shape, one cut by a chunk boundary, so
 * every oversized one, or any member without `seedSessions`) is scanned,
 * captured as text (`onValueEnd`) and parsed by `parseKeptMember`: that capture is
 * the one place where a kept member's bytes become text.
 *
 * The decoder is three layers of one object: chunks and UTF-8 (_chunked-input.ts), the
 * JSON scanner (_json-scanner.ts), and here the records (shape, records, kept members,
 * captures, watched property names).
 * (The other byte-level scanners, and why each exists: workers/boundary-scanner.ts.)
 */
import { primeDecoder } from './_decoder-priming.js';
import { JsonScanner, VSTART } from './_json-scanner.js';
import { parseKeptMember } from './_kept-values.js';
import { keepOversized, oversized } from './_oversized.js';
import { MemberReader, NOT_READ, SEED_KEY_CODES } from './_read-members.js';
import { MAX_KEY_BYTES, matchName } from './_watched-names.js';
import { inputError } from '../errors.js';
import type { MessageReaders } from './message-readers.js';
import type { DecodeEvent, RawRecord, Shape } from './types.js';
import type { StringScanChoice } from './wasm/string-scan.js';
import { toolCallKernel } from './wasm/tool-calls.js';

export interface FastDecoderOptions {
  /** File name for error messages. */
  file?: string;
  /**
   * 'auto' (default) detects the shape from the content; 'jsonl' forces one record
   * per non-blank line ("sessions" has no special meaning, blank input is valid).
   */
  shape?: 'auto' | 'jsonl';
  /** Absolute offset of the first pushed byte (a shard of a bigger file); default 0. A BOM is only accepted at offset 0. */
  startOffset?: number;
  /** Line number of the first pushed byte; default 1. */
  startLine?: number;
  /** Internal (tests, benchmarks): the string-body scan, WebAssembly SIMD or JS; see input/wasm/string-scan.ts. */
  stringScan?: StringScanChoice;
  /**
   * Records are read for the seed profile (its `toSession` only): only the reference's
   * five keys are kept, and `errors` / `tool_calls` come as `ReadErrors` /
   * `ReadToolCalls`, read straight from the bytes (see _read-members.ts). Default false:
   * every session key, as plain JSON values.
   */
  seedSessions?: boolean;
  /** What the profile reads from an error message: a message too big for one string is kept as a stand-in they read alike (_oversized.ts). */
  messageReaders?: readonly MessageReaders[];
}

const CAP_NONE = 0;
const CAP_MEMBER = 1; // the value of a kept key of an object record
const CAP_RECORD = 2; // a whole non-object record

/**
 * Push-style decoder: `push` chunks, then `end`. Events are delivered synchronously
 * from inside `push`/`end`. The first problem throws an `AnalyzerError` (FP_INPUT)
 * whose context has the exact byte offset and line; every later call rethrows it.
 * The events and the error do not depend on how the input is split into chunks.
 */
export class FastDecoder extends JsonScanner {
  private readonly onEvent: (e: DecodeEvent) => void;
  private readonly forcedJsonl: boolean;

  // property names worth reading
  private keyStart = 0;
  private keyLen = 0;
  private keyParts: Buffer[] = [];

  // top level and shape
  private topObj = false; // the top-level object's keys are watched ("sessions")
  private pendingSessions = false; // the next value is the top object's "sessions"
  private sawSessionsArray = false;
  private held: RawRecord | undefined = undefined; // the first object, until we know it is a JSON Lines record
  private firstSpansLines = false;

  // records
  private recActive = false; // values at recDepth are records
  private recDepth = 0;
  /**
   * an object record is open: its kept members so far, set as each ends (in the order met, so
   * a duplicate key's last value wins in its first place, as JSON.parse has it). Not a list of
   * (key, text, value) to build the record from at its end: that was six allocations a record.
   */
  private recFields: Record<string, unknown> | null = null;
  private recOffset = 0;
  private recLine = 0;
  private pendingKey: string | undefined = undefined; // the next value is this kept key's
  /** the record being walked was found cut by this chunk's end: its members are not tried by the reader before the next chunk */
  private recCut = false;
  /** seed sessions: reads the members of pendingKey straight from the bytes */
  private readonly reader: MemberReader | undefined;
  private capKind = CAP_NONE;
  private capDepth = 0;
  private capStart = 0;
  private capKey = '';
  private capParts: Buffer[] = [];

  private readonly messageReaders: readonly MessageReaders[];

  constructor(onEvent: (e: DecodeEvent) => void, opts: FastDecoderOptions = {}) {
    if (!primed) {
      primed = true;
      primeDecoder((o) => new FastDecoder(() => {}, o));
    }
    super(opts.file, opts.startOffset ?? 0, opts.startLine ?? 1, opts.stringScan);
    this.onEvent = onEvent;
    this.forcedJsonl = opts.shape === 'jsonl';
    if (this.forcedJsonl) this._shape = 'jsonl';
    this.reader = opts.seedSessions === true ? new MemberReader(toolCallKernel(this.kernel), this.kernel) : undefined;
    this.messageReaders = opts.messageReaders ?? [];
  }

  /** The input's shape, once known ('jsonl' when forced). A lone object without a "sessions" array is a 'wrapper'. */
  get shape(): Shape | undefined {
    return this._shape;
  }

  protected finishRecords(): void {
    if (this.topCount === 0) {
      if (this.forcedJsonl) return;
      this.fail('expecting a value (the input is empty)', this.startOffset, 1);
    }
    if (this._shape === undefined) {
      // One object and nothing else: a document without a "sessions" array. No records.
      this._shape = 'wrapper';
      this.held = undefined;
    }
  }

  // ---- property names --------------------------------------------------------

  protected collectKey(start: number, depth: number): boolean {
    if (!((depth === 1 && this.topObj) || (this.recFields !== null && depth === this.recDepth + 1))) return false;
    this.keyStart = start;
    this.keyLen = 0;
    if (this.keyParts.length !== 0) this.keyParts = [];
    return true;
  }

  private appendKey(buf: Buffer, start: number, end: number): void {
    if (!this.keyCollect) return;
    this.keyLen += end - start;
    if (this.keyLen > MAX_KEY_BYTES) {
      this.keyCollect = false; // too long to be a name we look for
      this.keyParts = [];
      return;
    }
    if (end > start) this.keyParts.push(Buffer.from(buf.subarray(start, end)));
  }

  protected finishKey(buf: Buffer, q: number, depth: number): void {
    let name: string | undefined;
    if (this.keyParts.length === 0) name = matchName(buf, this.keyStart, q);
    else {
      this.appendKey(buf, this.keyStart, q);
      if (!this.keyCollect) return; // grew too long to be a watched name
      const raw = Buffer.concat(this.keyParts);
      this.keyParts = [];
      name = matchName(raw, 0, raw.length);
    }
    this.keyCollect = false;
    if (name === undefined) return;
    if (depth === 1 && this.topObj && name === 'sessions') {
      this.pendingSessions = true;
      return;
    }
    if (this.recFields !== null && depth === this.recDepth + 1 && name !== 'sessions' && (this.reader === undefined || SEED_KEY_CODES.has(name))) {
      this.pendingKey = name;
    }
  }

  protected keepTail(buf: Buffer, n: number, inKey: boolean): void {
    this.recCut = false;
    if (this.capKind !== CAP_NONE) {
      if (this.capStart < n) this.capParts.push(Buffer.from(buf.subarray(this.capStart, n)));
      this.capStart = 0;
    }
    if (inKey) {
      this.appendKey(buf, this.keyStart, n);
      this.keyStart = 0;
    }
  }

  // ---- top level, records and captures ----------------------------------------

  private updateNotify(): void {
    this.notify = this.recActive ? this.recDepth + 1 : this.topObj ? 1 : 0;
  }

  protected topValueStart(at: number, c: number, line: number): void {
    if (this.topCount === 0) {
      this.topCount = 1;
      if (this.forcedJsonl) {
        this.recActive = true;
        this.recDepth = 0;
      } else if (c === 0x5b) {
        this._shape = 'array';
        this.recActive = true;
        this.recDepth = 1;
      } else if (c === 0x7b) {
        // a wrapper document, a document without sessions, or the first JSON Lines record
        this.topObj = true;
        this.recActive = true;
        this.recDepth = 0;
      } else if (VSTART[c] !== 0) {
        throw inputError(
          'Invalid input: the top-level JSON value is not an array of sessions or an object (not a session archive)',
          this.ctx(at, line),
        );
      } else this.fail('expected a value', at, line);
      this.updateNotify();
      return;
    }
    const shape = this._shape;
    if (shape === 'array' || shape === 'wrapper') this.fail('extra data after the top-level value', at, line);
    if (!this.topNl) {
      this.fail(shape === 'jsonl' ? 'extra data on a JSON Lines line (one value per line)' : 'extra data after the top-level value', at, line);
    }
    if (VSTART[c] === 0) this.fail('expected a value', at, line);
    if (shape === undefined) {
      // The first object had no "sessions" array and another value follows: JSON Lines.
      if (this.firstSpansLines) this.fail('extra data after the top-level value (a JSON Lines record must fit on one line)', at, line);
      this._shape = 'jsonl';
      this.topObj = false;
      this.updateNotify();
      const held = this.held;
      this.held = undefined;
      if (held) this.onEvent({ kind: 'record', record: held });
    }
    this.topCount++;
  }

  /**
   * A value starts at buf[pos] (byte c) with `d` containers open around it; d <= notify.
   * Sets `readEnd` when it read the value whole (a kept member of a seed session).
   */
  protected onValueStart(buf: Buffer, pos: number, n: number, d: number, c: number, line: number): void {
    if (this.pendingSessions) {
      // the value of the top object's "sessions"
      this.pendingSessions = false;
      if (this.sawSessionsArray) this.onEvent({ kind: 'reset' });
      if (c === 0x5b) {
        this.sawSessionsArray = true;
        this._shape = 'wrapper';
        this.recFields = null; // the top object is not a record after all
        this.pendingKey = undefined;
        this.recActive = true;
        this.recDepth = 2;
        this.updateNotify();
      }
      return;
    }
    if (this.recActive && d === this.recDepth) {
      this.recOffset = this.base + pos;
      this.recLine = line;
      if (c === 0x7b) {
        // a seed session of an archive whose shape is known: read whole when it can be (not the
        // first top-level object, which may be a wrapper or a JSON Lines record)
        if (this.reader !== undefined && this._shape !== undefined) {
          this.reader.cut = false;
          const end = this.reader.readRecord(buf, pos, n, this._shape === 'jsonl', oversized.bytes);
          if (end !== NOT_READ) {
            this.readEnd = end;
            this.readNewlines = this.reader.newlines;
            this.recordDone(this.reader.value, d, line + this.reader.newlines);
            return;
          }
          // cut by the chunk's end (see ChunkedInput's carry): read whole with the next chunk, else walked,
          // with no second attempt at its long members in this chunk
          if (this.reader.cut && this.carryOK && pos > 0) {
            this.carryFrom = pos;
            return;
          }
          this.recCut = this.reader.cut;
        }
        this.recFields = {};
        this.pendingKey = undefined;
      } else this.startCapture(CAP_RECORD, pos, d);
      return;
    }
    if (this.pendingKey === undefined) {
      // a member the seed profile does not read (messages, started_at...): skipped by the reader when it can
      if (this.reader !== undefined && this.recFields !== null && d === this.recDepth + 1 && !this.recCut) {
        const end = this.reader.skipMember(buf, pos, n, this._shape === 'jsonl');
        if (end !== NOT_READ) {
          this.readEnd = end;
          this.readNewlines = this.reader.newlines;
        }
      }
      return;
    }
    if (this.reader !== undefined) {
      // a member as big as oversized.bytes takes the capture path, where _oversized.ts sees it
      const stop = Math.min(n, pos + oversized.bytes);
      const end = this.reader.read(SEED_KEY_CODES.get(this.pendingKey)!, buf, pos, stop, this._shape === 'jsonl');
      if (end !== NOT_READ) {
        this.recFields![this.pendingKey] = this.reader.value;
        this.pendingKey = undefined;
        this.readEnd = end;
        this.readNewlines = this.reader.newlines;
        return;
      }
    }
    this.startCapture(CAP_MEMBER, pos, d);
    this.capKey = this.pendingKey;
    this.pendingKey = undefined;
  }

  private startCapture(kind: number, pos: number, d: number): void {
    this.capKind = kind;
    this.capDepth = d;
    this.capStart = pos;
    if (this.capParts.length !== 0) this.capParts = [];
  }

  protected onValueEnd(buf: Buffer, end: number, d: number, line: number): void {
    if (this.capKind !== CAP_NONE && d === this.capDepth) {
      // a value too big for one string: only what the analysis reads of it (issue #9)
      const key = this.capKind === CAP_MEMBER ? this.capKey : undefined;
      const big = keepOversized(key, this.capParts, buf, this.capStart, end, this.base, this.file, this.messageReaders);
      let text: string | { value: unknown };
      if (big !== undefined) {
        text = big;
        this.capParts = [];
      } else if (this.capParts.length === 0) text = buf.toString('utf8', this.capStart, end);
      else {
        this.capParts.push(buf.subarray(this.capStart, end));
        text = Buffer.concat(this.capParts).toString('utf8');
        this.capParts = [];
      }
      const kind = this.capKind;
      this.capKind = CAP_NONE;
      if (kind === CAP_MEMBER) {
        this.recFields![this.capKey] = typeof text === 'string' ? parseKeptMember(this.capKey, text) : text.value;
      } else this.recordDone(typeof text === 'string' ? (JSON.parse(text) as unknown) : text.value, d, line);
      return;
    }
    if (this.recFields !== null && this.recActive && d === this.recDepth) {
      const value = this.recFields;
      this.recFields = null;
      this.recordDone(value, d, line);
      return;
    }
    if (d === 1 && this.recActive && this.recDepth === 2) {
      // the "sessions" array closed
      this.recActive = false;
      this.updateNotify();
    }
  }

  private recordDone(value: unknown, d: number, line: number): void {
    const record: RawRecord = { value, offset: this.recOffset, line: this.recLine };
    if (d === 0 && this._shape === undefined) {
      // the first object: a JSON Lines record only if another value follows
      this.held = record;
      this.firstSpansLines = line !== this.recLine;
      return;
    }
    this.onEvent({ kind: 'record', record });
  }
}

let primed = false;

/**
 * The decoder as an async generator over a byte source (the pipeline's `Decoder`
 * shape): events are yielded after each chunk is scanned, so at most one chunk's
 * records are held at a time.
 */
export async function* decodeWithFastDecoder(source: AsyncIterable<Uint8Array>, opts: FastDecoderOptions = {}): AsyncGenerator<DecodeEvent> {
  let batch: DecodeEvent[] = [];
  const decoder = new FastDecoder((e) => batch.push(e), opts);
  for await (const chunk of source) {
    decoder.push(chunk);
    if (batch.length > 0) {
      const ready = batch;
      batch = [];
      yield* ready;
    }
  }
  decoder.end();
  yield* batch;
}
