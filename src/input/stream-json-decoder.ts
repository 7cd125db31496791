/**
 * The reference decoder, on stream-json's tokenizer (`--parser stream-json`).
 * Same shapes and events as the fast decoder: a JSON array, a `{"sessions": [...]}`
 * document, or JSON Lines; only the session keys of a record are assembled, every
 * other value (above all `messages`) is skipped token by token.
 * stream-json reports no positions; errors name the number of bytes read so far.
 */
import { Readable } from 'node:stream';
import { inputError } from '../errors.js';
import { detach } from './_detach.js';
import { MAX_DEPTH, TOO_DEEP } from './_json-bytes.js';
import { Parser, type Token } from './_stream-json.js';
import { pyNumber } from '../python/py-num.js';
import { SESSION_KEYS, type DecodeEvent, type RawRecord, type Shape } from './types.js';

const PENDING = Symbol('pending record');

type Container = { kind: 'array'; value: unknown[] } | { kind: 'object'; value: Record<string, unknown>; key: string | undefined };

/** Assembles one JSON value from tokens, dropping the values of keys the analysis does not read
 * when they sit directly in the record object. */
class RecordBuilder {
  private stack: Container[] = [];
  private skipDepth = 0;
  result: unknown = undefined;
  done = false;
  constructor(private readonly filterKeys: boolean) {}

  private put(v: unknown): void {
    const top = this.stack[this.stack.length - 1];
    if (top === undefined) {
      this.result = v;
      this.done = true;
    } else if (top.kind === 'array') top.value.push(v);
    else if (top.key === '__proto__') {
      // an own property, as JSON.parse makes it: assigning would replace the object's prototype,
      // and every key of the new prototype would then read as the record's own (issue 9)
      Object.defineProperty(top.value, '__proto__', { value: v, writable: true, enumerable: true, configurable: true });
    } else top.value[top.key!] = v;
  }

  /** Is the value being put a record's session_id or repo, or the tool of one of its tool calls? */
  private atName(): boolean {
    const top = this.stack[this.stack.length - 1];
    if (top === undefined || top.kind !== 'object') return false;
    if (this.stack.length === 1) return top.key === 'session_id' || top.key === 'repo';
    const root = this.stack[0]!;
    return this.stack.length === 3 && top.key === 'tool' && root.kind === 'object' && root.key === 'tool_calls' && this.stack[1]!.kind === 'array';
  }

  token(t: Token): void {
    if (this.skipDepth > 0) {
      if (t.name === 'startObject' || t.name === 'startArray') this.skipDepth++;
      else if (t.name === 'endObject' || t.name === 'endArray') this.skipDepth--;
      if (this.skipDepth === 1) this.skipDepth = 0; // back in the record object: the skipped value is over
      return;
    }
    switch (t.name) {
      case 'startObject': {
        const c: Container = { kind: 'object', value: {}, key: undefined };
        this.put(c.value);
        this.done = false;
        this.stack.push(c);
        return;
      }
      case 'startArray': {
        const c: Container = { kind: 'array', value: [] };
        this.put(c.value);
        this.done = false;
        this.stack.push(c);
        return;
      }
      case 'endObject':
      case 'endArray':
        this.stack.pop();
        if (this.stack.length === 0) this.done = true;
        return;
      case 'keyValue': {
        const top = this.stack[this.stack.length - 1] as Container & { kind: 'object' };
        top.key = t.value!;
        if (this.filterKeys && this.stack.length === 1 && !SESSION_KEYS.has(t.value!)) {
          this.skipDepth = 1;
        }
        return;
      }
      case 'stringValue':
        this.put(detach(t.value!));
        return;
      case 'numberValue':
        // a number used as a name keeps its Python spelling (session_id, repo, tool_calls[i].tool)
        this.put(this.filterKeys && this.atName() ? pyNumber(t.value!) : Number(t.value));
        return;
      case 'nullValue':
        this.put(null);
        return;
      case 'trueValue':
        this.put(true);
        return;
      case 'falseValue':
        this.put(false);
        return;
      default:
        return;
    }
  }
}

export interface StreamJsonDecodeOptions {
  file?: string;
  shape?: 'auto' | 'jsonl';
}

/** Decode a byte stream into records. Throws AnalyzerError (FP_INPUT) on invalid input. */
export async function* decodeWithStreamJson(source: AsyncIterable<Uint8Array>, opts: StreamJsonDecodeOptions = {}): AsyncGenerator<DecodeEvent> {
  let bytes = 0;
  // stream-json decodes UTF-8 leniently (U+FFFD); Python's open() does not, and neither do we
  const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  const checkUtf8 = (chunk: Buffer | undefined, at: number): void => {
    try {
      if (chunk === undefined) utf8.decode();
      else utf8.decode(chunk, { stream: true });
    } catch {
      throw inputError(chunk === undefined ? 'Invalid UTF-8: truncated character at the end of the input' : 'Invalid UTF-8', {
        file: opts.file,
        offset: at,
      });
    }
  };
  async function* counted(): AsyncGenerator<Buffer> {
    let head: Buffer | undefined = Buffer.alloc(0); // until 3 bytes are in: a BOM may be split over chunks
    for await (const c of source) {
      let chunk = Buffer.from(c.buffer, c.byteOffset, c.byteLength);
      if (head !== undefined) {
        head = Buffer.concat([head, chunk]);
        if (head.length < 3) continue;
        chunk = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? head.subarray(3) : head;
        bytes += head.length - chunk.length;
        head = undefined;
      }
      checkUtf8(chunk, bytes);
      bytes += chunk.length;
      yield chunk;
    }
    if (head !== undefined && head.length > 0) {
      checkUtf8(head, bytes);
      bytes += head.length;
      yield head;
    }
    checkUtf8(undefined, bytes);
  }
  const parser = new Parser({ jsonStreaming: true, packValues: true, streamValues: false });
  const bytesIn = Readable.from(counted());
  // pipe() does not forward errors: a failing source (a read error, broken gzip) must end the parse
  bytesIn.on('error', (err) => parser.destroy(err));
  const tokens = bytesIn.pipe(parser);
  let sourceError: unknown;

  const forcedJsonl = opts.shape === 'jsonl';
  let shape: Shape | undefined = forcedJsonl ? 'jsonl' : undefined;
  let topValues = 0;
  // depth of the token stream: 0 = between top-level values
  let depth = 0;
  let builder: RecordBuilder | undefined;
  // the first top-level object, until we know whether it is a wrapper or a JSON Lines record
  let candidate: RecordBuilder | undefined;
  let pending: unknown;
  let hasPending = false;
  let inSessions = false;
  let sessionsSeen = false;
  let wrapperKey: string | undefined;
  let skipping = 0;
  // open arrays and objects, whatever the state above counts: the records' builders hold one
  // container per level, so a stream of `[` grew memory until V8 ran out of heap (~4 GB, 130 s)
  let nesting = 0;

  /** Start a record at token `t`: its value when it is complete at once (a scalar), else PENDING. */
  const begin = (t: Token, opens: boolean): unknown => {
    const b = new RecordBuilder(true);
    b.token(t);
    if (opens) depth++;
    if (b.done) return b.result;
    builder = b;
    return PENDING;
  };

  const record = (value: unknown): DecodeEvent => {
    const r: RawRecord = { value, offset: bytes };
    return { kind: 'record', record: r };
  };

  try {
    for await (const t of tokens as AsyncIterable<Token>) {
      const opens = t.name === 'startObject' || t.name === 'startArray';
      const closes = t.name === 'endObject' || t.name === 'endArray';
      if (opens && ++nesting > MAX_DEPTH) throw inputError(`Invalid JSON: ${TOO_DEEP}`, { file: opts.file, offset: bytes });
      if (closes) nesting--;
      if (depth === 0) {
        topValues++;
        if (topValues === 2 && shape === undefined) {
          if (hasPending) {
            shape = 'jsonl';
            yield record(pending);
            hasPending = false;
          } else {
            throw inputError('Invalid JSON: extra data after the document', { file: opts.file, offset: bytes });
          }
        } else if (topValues >= 2 && shape !== 'jsonl') {
          throw inputError('Invalid JSON: extra data after the document', { file: opts.file, offset: bytes });
        }
        if (shape === undefined && t.name !== 'startArray' && t.name !== 'startObject') {
          throw inputError('Invalid input: the top-level JSON value is not an array of sessions or an object (not a session archive)', {
            file: opts.file,
            offset: bytes,
          });
        }
        if (shape === 'jsonl') {
          const v = begin(t, opens);
          if (v !== PENDING) yield record(v);
          continue;
        }
        if (t.name === 'startArray') {
          shape = 'array';
          depth = 1;
          continue;
        }
        // the first top-level object: a wrapper, or the first line of JSON Lines
        candidate = new RecordBuilder(true);
        candidate.token(t);
        depth = 1;
        continue;
      }

      // inside a top-level value
      if (builder !== undefined) {
        builder.token(t);
        if (opens) depth++;
        if (closes) depth--;
        if (builder.done) {
          yield record(builder.result);
          builder = undefined;
        }
        continue;
      }
      if (shape === 'array') {
        if (depth === 1) {
          if (t.name === 'endArray') {
            depth = 0;
            continue;
          }
          const v = begin(t, opens);
          if (v !== PENDING) yield record(v);
        }
        continue;
      }
      // inside the first top-level object (candidate wrapper)
      if (skipping > 0) {
        if (opens) skipping++;
        if (closes) skipping--;
        if (opens) depth++;
        if (closes) depth--;
        continue;
      }
      if (inSessions) {
        // depth 2: elements of the sessions array
        if (t.name === 'endArray') {
          inSessions = false;
          depth--;
          continue;
        }
        const v = begin(t, opens);
        if (v !== PENDING) yield record(v);
        continue;
      }
      if (depth === 1 && t.name === 'keyValue') {
        wrapperKey = t.value;
        if (wrapperKey === 'sessions') {
          // decided when its value starts
          continue;
        }
        candidate!.token(t);
        continue;
      }
      if (depth === 1 && wrapperKey === 'sessions' && !closes) {
        wrapperKey = undefined;
        if (t.name === 'startArray') {
          if (sessionsSeen) yield { kind: 'reset' };
          sessionsSeen = true;
          shape = 'wrapper';
          inSessions = true;
          depth++;
          continue;
        }
        if (t.name === 'startObject') {
          skipping = 1;
          depth++;
        }
        continue;
      }
      candidate!.token(t);
      if (opens) depth++;
      if (closes) depth--;
      if (depth === 0) {
        if (shape !== 'wrapper') {
          pending = candidate!.result;
          hasPending = true;
        }
        candidate = undefined;
      }
    }
  } catch (err) {
    if (err instanceof Error && err.name === 'AnalyzerError') throw err;
    sourceError = err;
  }
  if (sourceError !== undefined) {
    const msg = sourceError instanceof Error ? sourceError.message : String(sourceError);
    if (/cannot parse|Parser has expected/i.test(msg)) {
      throw inputError(`Invalid JSON: ${msg.replace(/^Parser /, 'parser ')}`, { file: opts.file, offset: bytes });
    }
    // stream-json builds every string whole, `messages` too; the fast decoder keeps what the analysis reads (input/_oversized.ts)
    if (sourceError instanceof RangeError && /Invalid string length/.test(msg)) {
      const what = "Value too large: a string over V8's limit of 512 MB, which --parser stream-json keeps whole (the default parser does not)";
      throw inputError(what, { file: opts.file, offset: bytes });
    }
    throw sourceError;
  }
  if (depth !== 0 || builder !== undefined || candidate !== undefined) {
    throw inputError('Invalid JSON: unexpected end of input (truncated?)', { file: opts.file, offset: bytes });
  }
  if (topValues === 0 && !forcedJsonl) throw inputError('Invalid JSON: expecting a value (empty input)', { file: opts.file, offset: 0 });
  if (hasPending && shape === 'jsonl') yield record(pending);
}
