/**
 * Streaming walk over one JSON document (OpenHands, SWE-agent, mini-swe-agent,
 * OTLP JSON) on the project's validating scanner (_json-scanner.ts): the caller
 * chooses, by path, which values to assemble (one trajectory step, one event,
 * one resourceSpans entry); every other value is scanned byte by byte and never
 * built. Memory is bounded by the largest chosen value, never by the file.
 *
 * The scanner counts lines, so each chosen value comes with the file line of its
 * first byte (an object's `{`), and a syntax error with its byte offset and line.
 * A chosen value's bytes are copied as they are scanned and read with
 * `JSON.parse` once complete: the values are those of the stream-json walk this
 * replaced (last duplicate key wins in its first place, numbers as doubles, lone
 * surrogates kept; a `__proto__` key is an own property, where stream-json's
 * assembler set the object's prototype), and invalid UTF-8 is still read as
 * U+FFFD, as the line-based logs read it (`lenientUtf8`).
 */
import { createReadStream } from 'node:fs';
import { AnalyzerError } from '../../errors.js';
import { JsonScanner } from '../_json-scanner.js';
import { invalid } from './_util.js';
import { readFailure } from './_lines.js';

export type JsonPath = ReadonlyArray<string | number>;
export type ValueKind = 'object' | 'array' | 'scalar';

/**
 * Called at the start of every value that is not inside a chosen one (the root
 * has the path `[]`), with the file line of its first byte. Return true to
 * receive the whole value; false to walk on into it (containers) or skip it
 * (scalars). May throw to reject the document.
 */
export type Choose = (path: JsonPath, kind: ValueKind, line: number) => boolean;

export interface Chosen {
  path: (string | number)[];
  value: unknown;
  /** 1-based file line of the value's first byte (an object's `{`, an array's `[`) */
  line: number;
  /** the file lines of the values inside it that `WalkOptions.inside` asked for, in document order */
  lines?: { path: (string | number)[]; line: number }[];
}

/**
 * Asked of each value inside a chosen container that the walk looks into, with its path
 * relative to the chosen value: 'line' records the line of its first byte (in `Chosen.lines`),
 * 'into' looks into it (a container) for more, 'skip' neither (every value inside it is only scanned).
 */
export type Inside = (path: JsonPath, kind: ValueKind) => 'line' | 'into' | 'skip';

/** Options of `walkJson`. */
export interface WalkOptions {
  /** accept several top-level values one after another (JSON Lines / concatenated JSON); each is a root at path [] */
  multipleRoots?: boolean;
  /** Internal (tests): the bytes read at a time, so that values and names are cut by chunk ends. */
  readBytes?: number;
  /** lines of values inside the chosen ones (OTLP: each span of a chosen `resourceSpans` entry); none by default */
  inside?: Inside;
}

/** The bytes read at a time: 256 KB and 1 MB were no faster on 57-95 MB trajectories, and held more. */
const READ_BYTES = 64 * 1024;

interface Frame {
  array: boolean;
  key: string | null;
  index: number;
}

/**
 * The scanner's record layer for the walk: it keeps a frame per container walked
 * into (their values are at depth `frames.length`, so `notify` is that depth) and
 * captures the bytes of a chosen value; values inside a chosen one are deeper
 * than `notify`, so the scanner does not tell of them, unless `inside` looks into
 * them: its frames (`inner`, the chosen container first) then move `notify` down
 * with them.
 */
class WalkScanner extends JsonScanner {
  private readonly frames: Frame[] = [];
  private capturing = false;
  private capStart = 0;
  /** the chosen value's bytes in the chunks before the current one (copies: a chunk may be the string kernel's memory, reused) */
  private capParts: Buffer[] = [];
  private capPath: (string | number)[] = [];
  private capLine = 0;
  private capOffset = 0;
  private keyStart = 0;
  private keyParts: Buffer[] = [];
  /** the chosen container and the containers inside it that `inside` looks into */
  private inner: Frame[] = [];
  private capLines: { path: (string | number)[]; line: number }[] = [];

  constructor(
    file: string,
    private readonly format: string,
    private readonly choose: Choose,
    private readonly multipleRoots: boolean,
    private readonly out: (c: Chosen) => void,
    private readonly inside: Inside | undefined,
  ) {
    super(file, 0, 1, undefined);
    this.lenientUtf8 = true;
  }

  protected override fail(what: string, offset: number, line: number): never {
    throw invalid(this.format, `invalid JSON (${what})`, { file: this.file!, offset, line });
  }

  protected topValueStart(at: number, _c: number, line: number): void {
    if (this.topCount > 0 && !this.multipleRoots) this.fail('extra data after the top-level value', at, line);
    this.topCount++;
  }

  protected onValueStart(_buf: Buffer, pos: number, _n: number, _d: number, c: number, line: number): void {
    const frames = this.frames;
    const container = c === 0x7b || c === 0x5b;
    const kind: ValueKind = c === 0x7b ? 'object' : c === 0x5b ? 'array' : 'scalar';
    if (this.capturing) {
      // inside a chosen value, in a container `inside` looks into
      const inner = this.inner;
      const rel = inner.map((f) => (f.array ? f.index : (f.key ?? '')));
      const want = this.inside!(rel, kind);
      if (want === 'line') this.capLines.push({ path: rel, line });
      else if (want === 'into' && container) {
        inner.push({ array: c === 0x5b, key: null, index: 0 });
        this.notify = frames.length + inner.length;
      }
      return;
    }
    const path = frames.map((f) => (f.array ? f.index : (f.key ?? '')));
    if (this.choose(path, kind, line)) {
      this.capturing = true;
      this.capStart = pos;
      this.capParts = [];
      this.capPath = path;
      this.capLine = line;
      this.capOffset = this.base + pos;
      if (this.inside !== undefined && container) {
        this.inner = [{ array: c === 0x5b, key: null, index: 0 }];
        this.capLines = [];
        this.notify = frames.length + 1;
      }
    } else if (container) {
      frames.push({ array: c === 0x5b, key: null, index: 0 });
      this.notify = frames.length;
    }
  }

  protected onValueEnd(buf: Buffer, end: number, d: number, _line: number): void {
    const frames = this.frames;
    if (this.capturing && d > frames.length) {
      // a value inside the chosen one (`inside`): a container looked into closed, or a value in one
      const inner = this.inner;
      if (d < frames.length + inner.length) {
        inner.pop();
        this.notify = frames.length + inner.length;
      }
      const top = inner[inner.length - 1]!;
      if (top.array) top.index++;
      return;
    }
    if (this.capturing) {
      this.capturing = false;
      // the bytes are unreachable once the text is made: a step of 150 MB peaked at 505 MB RSS (650 MB while both lived)
      const value = JSON.parse(this.text(buf.subarray(this.capStart, end))) as unknown;
      if (this.inside !== undefined && this.inner.length > 0) {
        this.inner = [];
        this.notify = frames.length;
        this.out({ path: this.capPath, value, line: this.capLine, lines: this.capLines });
      } else this.out({ path: this.capPath, value, line: this.capLine });
    } else if (d < frames.length) {
      // a container walked into closed
      frames.pop();
      this.notify = frames.length;
    }
    const top = frames[frames.length - 1];
    if (top?.array) top.index++;
  }

  /** The text of the chosen value that ends with `last` (its earlier bytes are `capParts`). */
  private text(last: Buffer): string {
    const parts = this.capParts;
    this.capParts = [];
    const bytes = parts.length === 0 ? last : Buffer.concat([...parts, last]);
    parts.length = 0;
    try {
      return bytes.toString('utf8');
    } catch {
      // longer than V8's strings (~512 M characters): one located line, not a stack trace
      throw invalid(this.format, `a value of ${bytes.length} bytes is too large to read`, {
        file: this.file!,
        offset: this.capOffset,
        line: this.capLine,
      });
    }
  }

  /** The innermost container walked into: the property names collected are its keys. */
  private get keyFrame(): Frame | undefined {
    return this.capturing && this.inner.length > 0 ? this.inner[this.inner.length - 1] : this.frames[this.frames.length - 1];
  }

  protected collectKey(start: number, depth: number): boolean {
    if (depth !== this.frames.length + (this.capturing ? this.inner.length : 0)) return false;
    this.keyStart = start;
    if (this.keyParts.length !== 0) this.keyParts = [];
    return true;
  }

  protected finishKey(buf: Buffer, q: number, _depth: number): void {
    const parts = this.keyParts;
    const bytes = parts.length === 0 ? buf.subarray(this.keyStart, q) : Buffer.concat([...parts, buf.subarray(this.keyStart, q)]);
    this.keyParts = [];
    this.keyCollect = false;
    const raw = bytes.toString('utf8');
    // escapes (\n, \uD800...) are read as JSON reads them
    this.keyFrame!.key = raw.includes('\\') ? (JSON.parse(`"${raw}"`) as string) : raw;
  }

  protected keepTail(buf: Buffer, n: number, inKey: boolean): void {
    // buf may be the string kernel's memory, reused by the next chunk: copy what outlives it
    if (this.capturing) {
      if (this.capStart < n) this.capParts.push(Buffer.from(buf.subarray(this.capStart, n)));
      this.capStart = 0;
    }
    if (inKey) {
      if (this.keyStart < n) this.keyParts.push(Buffer.from(buf.subarray(this.keyStart, n)));
      this.keyStart = 0;
    }
  }

  protected finishRecords(): void {
    if (this.topCount === 0) throw invalid(this.format, 'the file holds no JSON value', { file: this.file! });
  }
}

/**
 * Yield the chosen values in document order. `format` names the log format in
 * error messages ("Invalid OpenHands log: ..."). The values a chunk completes are
 * yielded before an error the same chunk holds further on, as a reader reading
 * value by value meets them.
 */
export async function* walkJson(file: string, format: string, choose: Choose, opts: WalkOptions = {}): AsyncGenerator<Chosen> {
  let ready: Chosen[] = [];
  const scanner = new WalkScanner(file, format, choose, opts.multipleRoots === true, (c) => ready.push(c), opts.inside);
  const input = createReadStream(file, { highWaterMark: opts.readBytes ?? READ_BYTES });
  let failure: unknown;
  const step = (feed: () => void): Chosen[] => {
    try {
      feed();
    } catch (err) {
      failure = err;
    }
    const batch = ready;
    ready = [];
    return batch;
  };
  try {
    try {
      for await (const chunk of input as AsyncIterable<Buffer>) {
        yield* step(() => scanner.push(chunk));
        if (failure !== undefined) throw failure;
      }
    } catch (err) {
      // fs errors (ENOENT, EISDIR...) from the read stream; AnalyzerErrors and bugs pass through
      if (!(err instanceof AnalyzerError) && err instanceof Error && typeof (err as NodeJS.ErrnoException).code === 'string') {
        throw readFailure(file, err);
      }
      throw err;
    }
    yield* step(() => scanner.end());
    if (failure !== undefined) throw failure;
  } finally {
    input.destroy();
  }
}
