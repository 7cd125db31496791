/**
 * JSON for state files, in pieces: a state can outgrow V8's longest string
 * (~512 MB: `--emit-state` of an archive with ~1M distinct error keys, or a few
 * hundred 1 MB repo names), so it is never one string.
 *
 * - `stringifyChunks` writes a value as chunks of about `CHUNK` characters, with
 *   Maps as `{"$map": [[k, v], ...]}` (sorted by key), Sets as `{"$set": [...]}`
 *   (sorted) and non-finite numbers and -0 as `{"$num": "Infinity"}`: plain JSON
 *   whose bytes do not depend on the order things were merged in.
 * - `readJsonChunks` parses a byte stream with stream-json's tokenizer into plain
 *   values (a `__proto__` key stays an own property, as with JSON.parse).
 * - `reviveTagged` turns the tags back into Maps, Sets and numbers, checking each
 *   tag's shape and naming the path of a bad one.
 */
import { createRequire } from 'node:module';
import { Readable, type Transform } from 'node:stream';
import { fail } from './profiles/schema.js';

const require = createRequire(import.meta.url);
const { parser: makeParser } = require('stream-json') as { parser: (o: object) => Transform };

/** Characters per chunk: large enough that writing costs nothing per chunk, small
 * enough that no chunk is near the string limit (a single leaf may exceed it). */
const CHUNK = 1 << 20;

/** Deeper than any state: a tampered file nested deeper is rejected, not a stack overflow. */
const MAX_DEPTH = 64;

function byValue<T>(a: T, b: T): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The JSON form of one value, one level deep: tags for Map/Set/special numbers. */
function tagged(value: unknown): unknown {
  if (value instanceof Map) return { $map: [...value.entries()].sort((a, b) => byValue(a[0], b[0])) };
  if (value instanceof Set) return { $set: [...value.values()].sort(byValue) };
  if (typeof value === 'number' && (!Number.isFinite(value) || Object.is(value, -0))) return { $num: Object.is(value, -0) ? '-0' : String(value) };
  return value;
}

type Frame = { items: readonly unknown[]; keys: readonly string[] | undefined; i: number };

/** JSON.stringify's replacer form of `tagged`. */
const replacer = (_key: string, value: unknown): unknown => tagged(value);

/** A value of at most this many nodes (a string counts its length / 64) is written by one
 * JSON.stringify call: native, about 2x faster than walking it here (measured on a 100k-key
 * state, same run); a larger one is walked item by item, so no chunk grows past ~CHUNK. */
const SMALL = 256;

/** `budget` minus the size of `v`, or a negative number as soon as it is spent. */
function smallRest(v: unknown, budget: number): number {
  if (typeof v === 'string') return budget - 1 - (v.length >> 6);
  if (v === null || typeof v !== 'object') return budget - 1;
  budget--;
  const items: Iterable<unknown> = v instanceof Map ? v.entries() : v instanceof Set ? v.values() : Array.isArray(v) ? v : Object.values(v);
  for (const x of items) {
    budget = smallRest(x, budget);
    if (budget < 0) return budget;
  }
  return budget;
}

/**
 * `JSON.stringify(value)` with the tags above, as chunks (iterative, so depth
 * costs no stack). Values that JSON.stringify drops (undefined, functions) are
 * dropped the same way; the states hold none.
 */
export function* stringifyChunks(value: unknown): Generator<string> {
  let buf = '';
  const stack: Frame[] = [];
  // emit one value: a primitive or small container is written; a large container pushes a frame
  const open = (v: unknown, whole: boolean): void => {
    const t = tagged(v);
    if (t === null || typeof t !== 'object') {
      buf += JSON.stringify(t) ?? 'null';
      return;
    }
    if (whole && smallRest(v, SMALL) >= 0) {
      try {
        buf += JSON.stringify(t, replacer);
        return;
      } catch (err) {
        // RangeError: the text of this small container is longer than a string can be
        if (!(err instanceof RangeError)) throw err;
      }
    }
    if (Array.isArray(t)) {
      buf += '[';
      stack.push({ items: t, keys: undefined, i: 0 });
      return;
    }
    const keys = Object.keys(t).filter((k) => {
      const x = (t as Record<string, unknown>)[k];
      return x !== undefined && typeof x !== 'function';
    });
    buf += '{';
    stack.push({ items: keys.map((k) => (t as Record<string, unknown>)[k]), keys, i: 0 });
  };
  open(value, false);
  while (stack.length > 0) {
    const f = stack[stack.length - 1]!;
    if (f.i === f.items.length) {
      buf += f.keys === undefined ? ']' : '}';
      stack.pop();
      continue;
    }
    if (f.i > 0) buf += ',';
    if (f.keys !== undefined) buf += JSON.stringify(f.keys[f.i]) + ':';
    const item = f.items[f.i++];
    open(item === undefined || typeof item === 'function' ? null : item, true);
    if (buf.length >= CHUNK) {
      yield buf;
      buf = '';
    }
  }
  if (buf.length > 0) yield buf;
}

/** The tokenizer's complaint: the bytes are not one JSON document. */
export class JsonSyntaxError extends Error {
  override readonly name = 'JsonSyntaxError';
}

interface Token {
  name: string;
  value?: string;
}

/** Builds plain values from stream-json tokens. */
class ValueBuilder {
  private readonly stack: { container: unknown[] | Record<string, unknown>; key: string | undefined }[] = [];
  result: unknown = undefined;
  private key: string | undefined;

  private put(v: unknown): void {
    const top = this.stack[this.stack.length - 1];
    if (top === undefined) {
      this.result = v;
      return;
    }
    if (Array.isArray(top.container)) top.container.push(v);
    else if (this.key === '__proto__')
      Object.defineProperty(top.container, '__proto__', { value: v, enumerable: true, writable: true, configurable: true });
    else top.container[this.key!] = v;
  }

  token(t: Token): void {
    switch (t.name) {
      case 'startObject':
      case 'startArray': {
        const c = t.name === 'startArray' ? [] : {};
        this.put(c);
        this.stack.push({ container: c, key: this.key });
        this.key = undefined;
        if (this.stack.length > MAX_DEPTH) fail('(document)', `is nested deeper than ${MAX_DEPTH} levels`);
        return;
      }
      case 'endObject':
      case 'endArray':
        this.stack.pop();
        return;
      case 'keyValue':
        this.key = t.value;
        return;
      case 'stringValue':
        this.put(t.value);
        return;
      case 'numberValue':
        this.put(Number(t.value));
        return;
      case 'nullValue':
        this.put(null);
        return;
      case 'trueValue':
        this.put(true);
        return;
      case 'falseValue':
        this.put(false);
    }
  }
}

/**
 * Parse one JSON document from chunks of bytes or text, never holding it as one
 * string. Rejects with the tokenizer's error (invalid JSON) or a StateFieldError.
 */
export async function readJsonChunks(chunks: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>): Promise<unknown> {
  const parser = makeParser({ packValues: true, streamValues: false });
  const builder = new ValueBuilder();
  const source = Readable.from(chunks, { objectMode: false });
  return new Promise((resolve, reject) => {
    const stop = (err: unknown): void => {
      source.destroy();
      parser.destroy();
      reject(err);
    };
    source.on('error', stop);
    parser.on('error', (err: Error) => stop(new JsonSyntaxError(err.message.replace(/^Parser /, 'parser '), { cause: err })));
    parser.on('data', (t: Token) => {
      try {
        builder.token(t);
      } catch (err) {
        stop(err);
      }
    });
    parser.on('end', () => resolve(builder.result));
    source.pipe(parser);
  });
}

function only(o: Record<string, unknown>, key: string, path: string): void {
  if (Object.keys(o).length !== 1) fail(path || '(document)', `has fields beside "${key}"`);
}

/** A Map key or Set member: what `stringifyChunks` writes for strings and numbers. */
function member(v: unknown, path: string): string | number {
  if (typeof v === 'string' || typeof v === 'number') return v;
  const r = revive(v, path, 1);
  return typeof r === 'number' ? r : fail(path, 'is not a string or a number');
}

function revive(v: unknown, path: string, depth: number): unknown {
  if (depth > MAX_DEPTH) fail(path, `is nested deeper than ${MAX_DEPTH} levels`);
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map((x, i) => revive(x, `${path}[${i}]`, depth + 1));
  const o = v as Record<string, unknown>;
  const own = (k: string) => Object.hasOwn(o, k);
  if (own('$map')) {
    only(o, '$map', path);
    const entries = o['$map'];
    if (!Array.isArray(entries)) fail(`${path}.$map`, 'is not a list of [key, value] pairs');
    const m = new Map<unknown, unknown>();
    (entries as unknown[]).forEach((e, i) => {
      const p = `${path}.$map[${i}]`;
      if (!Array.isArray(e) || e.length !== 2) fail(p, 'is not a [key, value] pair');
      const k = member(e[0], `${p}[0]`);
      if (m.has(k)) fail(p, `repeats the key ${JSON.stringify(k).slice(0, 60)}`);
      m.set(k, revive(e[1], `${p}[1]`, depth + 1));
    });
    return m;
  }
  if (own('$set')) {
    only(o, '$set', path);
    const members = o['$set'];
    if (!Array.isArray(members)) fail(`${path}.$set`, 'is not a list');
    const s = new Set<unknown>();
    (members as unknown[]).forEach((x, i) => {
      const k = member(x, `${path}.$set[${i}]`);
      if (s.has(k)) fail(`${path}.$set[${i}]`, `repeats ${JSON.stringify(k).slice(0, 60)}`);
      s.add(k);
    });
    return s;
  }
  if (own('$num')) {
    only(o, '$num', path);
    const text = o['$num'];
    const n = typeof text === 'string' && text.trim() !== '' ? Number(text) : NaN;
    if (Number.isNaN(n) && text !== 'NaN') fail(`${path}.$num`, 'is not a number written as a string');
    return n;
  }
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(o)) {
    const x = revive(o[k], path === '' ? k : `${path}.${k}`, depth + 1);
    if (k === '__proto__') Object.defineProperty(out, k, { value: x, enumerable: true, writable: true, configurable: true });
    else out[k] = x;
  }
  return out;
}

/** Maps, Sets and `$num` numbers back from their tags (see `stringifyChunks`). */
export function reviveTagged(value: unknown): unknown {
  return revive(value, '', 0);
}
