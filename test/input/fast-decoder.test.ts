import { PyNum } from '../../src/python/py-num.js';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AnalyzerError, type ErrorContext } from '../../src/errors.js';
import { decodeWithFastDecoder, FastDecoder, type FastDecoderOptions } from '../../src/input/fast-decoder.js';
import { SESSION_KEYS, type DecodeEvent, type Shape } from '../../src/input/types.js';
import { anyRecordArb, jsonValueArb, keyArb } from '../arbitraries.js';

// ---- harness ---------------------------------------------------------------

type Outcome = { ok: true; events: DecodeEvent[]; shape: Shape | undefined } | { ok: false; code: string; message: string; context: ErrorContext };

const enc = (s: string): Buffer => Buffer.from(s, 'utf8');

/** Copy `chunk` into a fresh ArrayBuffer at byte offset `at`, so that it ends where its buffer ends. */
function placed(chunk: Uint8Array, at: number): Buffer {
  const ab = new ArrayBuffer(chunk.length + at);
  new Uint8Array(ab, at).set(chunk);
  return Buffer.from(ab, at, chunk.length);
}

function run(chunks: Iterable<Uint8Array>, opts?: FastDecoderOptions): Outcome {
  const events: DecodeEvent[] = [];
  const decoder = new FastDecoder((e) => events.push(e), opts);
  try {
    for (const c of chunks) decoder.push(c);
    decoder.end();
    return { ok: true, events, shape: decoder.shape };
  } catch (err) {
    if (err instanceof AnalyzerError) return { ok: false, code: err.code, message: err.message, context: err.context };
    throw err;
  }
}

/** Only push (no end): the error thrown while pushing, if any. */
function pushOnly(bytes: Uint8Array, opts?: FastDecoderOptions): AnalyzerError | undefined {
  const decoder = new FastDecoder(() => {}, opts);
  try {
    decoder.push(bytes);
    return undefined;
  } catch (err) {
    if (err instanceof AnalyzerError) return err;
    throw err;
  }
}

const whole = (b: Uint8Array): Uint8Array[] => [b];
const bytewise = (b: Uint8Array): Uint8Array[] => Array.from({ length: b.length }, (_, i) => b.subarray(i, i + 1));
const splitAt = (b: Uint8Array, k: number): Uint8Array[] => [b.subarray(0, k), b.subarray(k)];

function randomChunks(b: Uint8Array, seed: number, maxSize: number): Buffer[] {
  let s = seed >>> 0 || 1;
  const rnd = (): number => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
  const out: Buffer[] = [];
  for (let at = 0; at < b.length; ) {
    const size = 1 + Math.floor(rnd() * rnd() * maxSize);
    out.push(placed(b.subarray(at, at + size), Math.floor(rnd() * 8)));
    at += size;
  }
  return out;
}

/** The records that count: those after the last reset. */
/**
 * Numbers used as names come back as PyNum when JavaScript would lose their Python
 * spelling (100.0, big ints; see test/input/kept-values.test.ts): the oracle is
 * JSON.parse, so compare their JavaScript values.
 */
function plainNumbers(v: unknown): unknown {
  if (v instanceof PyNum) return v.value;
  if (Array.isArray(v)) return v.map(plainNumbers);
  // fromEntries defines own properties: an own "__proto__" key stays data, as in JSON.parse
  if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plainNumbers(x)]));
  return v;
}

function effective(events: DecodeEvent[]): unknown[] {
  let out: unknown[] = [];
  for (const e of events) {
    if (e.kind === 'reset') out = [];
    else out.push(plainNumbers(e.record.value));
  }
  return out;
}

function records(o: Outcome): unknown[] {
  if (!o.ok) throw new Error(`expected success, got ${o.message}`);
  return effective(o.events);
}

/** Outcome for a single chunk, asserting that byte-by-byte, every 2-way split and random chunkings agree. */
function decodeEverySplit(b: Uint8Array, opts?: FastDecoderOptions): Outcome {
  const reference = run(whole(b), opts);
  expect(run(bytewise(b), opts)).toEqual(reference);
  for (let k = 1; k < b.length; k++) expect(run(splitAt(b, k), opts)).toEqual(reference);
  for (let seed = 1; seed <= 3; seed++) expect(run(randomChunks(b, seed, 16), opts)).toEqual(reference);
  return reference;
}

// ---- the oracle: JSON.parse plus the documented shape rules ------------------

const utf8 = new TextDecoder('utf-8', { fatal: true }); // strips one leading BOM

function strip(v: unknown): unknown {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) if (SESSION_KEYS.has(k)) out[k] = x;
  return out;
}

type Verdict = { ok: true; records: unknown[] } | { ok: false };

function linesOracle(text: string, detected: boolean): Verdict {
  const lines = text.split('\n').filter((l) => !/^[ \t\r]*$/.test(l));
  if (detected && lines.length < 2) return { ok: false };
  const out: unknown[] = [];
  for (const [idx, l] of lines.entries()) {
    let v: unknown;
    try {
      v = JSON.parse(l);
    } catch {
      return { ok: false };
    }
    if (detected && idx === 0) {
      if (v === null || typeof v !== 'object' || Array.isArray(v)) return { ok: false };
      if (Array.isArray((v as Record<string, unknown>).sessions)) return { ok: false }; // a wrapper: then extra data
    }
    out.push(strip(v));
  }
  return { ok: true, records: out };
}

function oracle(bytes: Uint8Array, shape: 'auto' | 'jsonl' = 'auto'): Verdict {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return { ok: false };
  }
  if (shape === 'jsonl') return linesOracle(text, false);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return linesOracle(text, true);
  }
  if (Array.isArray(doc)) return { ok: true, records: doc.map(strip) };
  if (doc !== null && typeof doc === 'object') {
    const sessions = (doc as Record<string, unknown>).sessions;
    return { ok: true, records: Array.isArray(sessions) ? sessions.map(strip) : [] };
  }
  return { ok: false }; // a top-level scalar is not an archive
}

function expectAgreesWithOracle(b: Uint8Array, outcome: Outcome, shape: 'auto' | 'jsonl' = 'auto'): void {
  const verdict = oracle(b, shape);
  if (verdict.ok) {
    expect(outcome.ok, outcome.ok ? '' : outcome.message).toBe(true);
    expect(records(outcome)).toEqual(verdict.records);
  } else {
    expect(outcome.ok, 'the oracle rejects this input').toBe(false);
    if (!outcome.ok) expect(outcome.code).toBe('FP_INPUT');
  }
}

// ---- generators: values and records from test/arbitraries.ts; the archive serializer ----
// here is the fast decoder's own (random escapes, BOM, indent, forced JSON Lines, extra members)

interface Archive {
  kind: 'array' | 'wrapper' | 'jsonl' | 'forced';
  records: unknown[];
  extra: Array<[string, unknown]>;
  indent: string | number | undefined;
  bom: boolean;
  escapeSeed: number;
  trailingNewline: boolean;
}

const archiveArb: fc.Arbitrary<Archive> = fc.record({
  kind: fc.constantFrom('array', 'wrapper', 'jsonl', 'forced'),
  records: fc.array(anyRecordArb, { maxLength: 5 }),
  extra: fc.array(
    fc.tuple(
      keyArb.filter((k) => k !== 'sessions'),
      jsonValueArb,
    ),
    { maxLength: 2 },
  ),
  indent: fc.constantFrom(undefined, 0, 1, 2, '\t'),
  bom: fc.boolean(),
  escapeSeed: fc.integer({ min: 1 }),
  trailingNewline: fc.boolean(),
});

/**
 * Rewrite the strings of canonical JSON text with escapes JSON.stringify never
 * writes: \uXXXX (either case) for random characters, "\/" for "/".
 */
function reescape(json: string, seed: number): string {
  let s = seed >>> 0 || 1;
  const rnd = (): number => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
  const u = (code: number): string => {
    const h = code.toString(16).padStart(4, '0');
    return `\\u${rnd() < 0.5 ? h : h.toUpperCase()}`;
  };
  let out = '';
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const ch = json[i]!;
    if (!inString) {
      out += ch;
      if (ch === '"') inString = true;
      continue;
    }
    if (ch === '"') {
      out += ch;
      inString = false;
    } else if (ch === '\\') {
      const len = json[i + 1] === 'u' ? 6 : 2;
      out += json.slice(i, i + len);
      i += len - 1;
    } else if (rnd() < 0.15) {
      const code = json.charCodeAt(i);
      if (code >= 0xd800 && code <= 0xdbff && i + 1 < json.length) {
        out += u(code) + u(json.charCodeAt(i + 1));
        i++;
      } else out += u(code);
    } else if (ch === '/' && rnd() < 0.5) out += '\\/';
    else out += ch;
  }
  return out;
}

const member = (k: string, v: unknown): string => `${JSON.stringify(k)}:${JSON.stringify(v)}`;

function serialize(a: Archive): { bytes: Buffer; opts: FastDecoderOptions } {
  let text: string;
  if (a.kind === 'array') text = JSON.stringify(a.records, null, a.indent);
  else if (a.kind === 'wrapper') {
    const half = Math.ceil(a.extra.length / 2);
    const members = [
      ...a.extra.slice(0, half).map(([k, v]) => member(k, v)),
      member('sessions', a.records),
      ...a.extra.slice(half).map(([k, v]) => member(k, v)),
    ];
    text = `{${members.join(',')}}`;
  } else text = a.records.map((r) => JSON.stringify(r)).join('\n') + (a.trailingNewline ? '\n' : '');
  text = reescape(text, a.escapeSeed);
  return { bytes: enc((a.bom ? '\ufeff' : '') + text), opts: a.kind === 'forced' ? { shape: 'jsonl' } : {} };
}

const INTERESTING = [
  0x22, 0x5c, 0x2c, 0x3a, 0x7b, 0x7d, 0x5b, 0x5d, 0x20, 0x0a, 0x0d, 0x09, 0x00, 0x1f, 0x30, 0x31, 0x39, 0x2d, 0x2b, 0x2e, 0x65, 0x45, 0x74, 0x66,
  0x6e, 0x75, 0x61, 0x2f, 0x62, 0x78, 0x4e, 0x49, 0x80, 0xbf, 0xc0, 0xc2, 0xc3, 0xe0, 0xe2, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff, 0xa0, 0x9f, 0x90,
  0x8f, 0xbb,
];
const mutationArb = fc.record({
  kind: fc.constantFrom('delete', 'insert', 'replace'),
  pos: fc.nat(),
  byte: fc.oneof(fc.constantFrom(...INTERESTING), fc.integer({ min: 0, max: 255 })),
});

function mutate(b: Buffer, muts: Array<{ kind: string; pos: number; byte: number }>): Buffer {
  let out = b;
  for (const m of muts) {
    const p = out.length === 0 ? 0 : m.pos % (out.length + (m.kind === 'insert' ? 1 : 0));
    const one = Buffer.from([m.byte]);
    if (m.kind === 'insert') out = Buffer.concat([out.subarray(0, p), one, out.subarray(p)]);
    else if (out.length === 0) out = one;
    else if (m.kind === 'delete') out = Buffer.concat([out.subarray(0, p), out.subarray(p + 1)]);
    else out = Buffer.concat([out.subarray(0, p), one, out.subarray(p + 1)]);
  }
  return out;
}

/**
 * The properties' runs: `npm test` runs half of each long count (with fast-decoder-js-scan.test.ts,
 * which runs this file again, they were ~40 s of the suite's ~590 s of test time, 2026-12-02);
 * FLEET_PROPOSALS_LONG_TESTS=1, the switch of the repo's long tests (README, "Tests"), runs the
 * long counts; FUZZ_RUNS=20 npx vitest run ... multiplies either (for a longer hunt).
 */
const LONG = process.env['FLEET_PROPOSALS_LONG_TESTS'] === '1';
const RUNS = Math.max(1, Number(process.env.FUZZ_RUNS ?? 1));
const runs = (long: number): number => (LONG ? long : long / 2) * RUNS;

// ---- tests ---------------------------------------------------------------------

describe(FastDecoder.name, () => {
  describe('shapes', () => {
    it('streams the elements of a top-level array, keeping only the session keys', () => {
      const text =
        '[{"session_id":"a","messages":[{"role":"user","content":"hi"}],"repo":"r","errors":[],"x":{"y":1}},\n' +
        ' 5, "s", [1,{"messages":2}], null, true, {}]';
      const o = decodeEverySplit(enc(text));
      expect(o).toMatchObject({ ok: true, shape: 'array' });
      expect(records(o)).toEqual([{ session_id: 'a', repo: 'r', errors: [] }, 5, 's', [1, { messages: 2 }], null, true, {}]);
      expect(o.ok && o.events.map((e) => (e.kind === 'record' ? [e.record.offset, e.record.line] : e.kind))).toEqual([
        [1, 1],
        [101, 2],
        [104, 2],
        [109, 2],
        [129, 2],
        [135, 2],
        [141, 2],
      ]);
    });

    it('streams the "sessions" array of a wrapper document and skips the other keys', () => {
      const text = '{"version":1,"meta":{"sessions":[9],"messages":"x"},"sessions":[{"session_id":"a","duration_minutes":2.5e1},7],"tail":[{}]}';
      const o = decodeEverySplit(enc(text));
      expect(o).toMatchObject({ ok: true, shape: 'wrapper' });
      expect(o.ok && o.events).toEqual([
        { kind: 'record', record: { value: { session_id: 'a', duration_minutes: 25 }, offset: 64, line: 1 } },
        { kind: 'record', record: { value: 7, offset: 108, line: 1 } },
      ]);
    });

    it('emits a reset when "sessions" appears again (the last one wins, as in json.load)', () => {
      const o = decodeEverySplit(enc('{"sessions":[1,2],"x":0,"sessions":[3]}'));
      expect(o.ok && o.events.map((e) => (e.kind === 'reset' ? 'reset' : e.record.value))).toEqual([1, 2, 'reset', 3]);
      expect(records(decodeEverySplit(enc('{"sessions":[1],"sessions":null}')))).toEqual([]);
      const noReset = decodeEverySplit(enc('{"sessions":0,"sessions":[1]}'));
      expect(noReset.ok && noReset.events.map((e) => e.kind)).toEqual(['record']);
      const escaped = decodeEverySplit(enc('{"\\u0073essions":[1],"sess\\u0069ons":[2]}'));
      expect(escaped.ok && escaped.events.map((e) => (e.kind === 'reset' ? 'reset' : e.record.value))).toEqual([1, 'reset', 2]);
    });

    it('emits nothing for a "sessions" value that is not an array, or a lone object', () => {
      for (const text of ['{"sessions":{"a":1}}', '{"sessions":"abc"}', '{"session_id":"x","repo":"y"}', '{}', ' {"sessions":null} \n']) {
        const o = decodeEverySplit(enc(text));
        expect(o, text).toEqual({ ok: true, events: [], shape: 'wrapper' });
      }
    });

    it('detects JSON Lines when the first object has no "sessions" array and another value follows', () => {
      const text = '{"session_id":"a","messages":[1]}\n\n{"session_id":"b","sessions":[{"session_id":"c"}]}\r\n[1,2]\n"x"\n3';
      const o = decodeEverySplit(enc(text));
      expect(o).toMatchObject({ ok: true, shape: 'jsonl' });
      expect(o.ok && o.events).toEqual([
        { kind: 'record', record: { value: { session_id: 'a' }, offset: 0, line: 1 } },
        { kind: 'record', record: { value: { session_id: 'b' }, offset: 35, line: 3 } },
        { kind: 'record', record: { value: [1, 2], offset: 87, line: 4 } },
        { kind: 'record', record: { value: 'x', offset: 93, line: 5 } },
        { kind: 'record', record: { value: 3, offset: 97, line: 6 } },
      ]);
      const withSessions = decodeEverySplit(enc('{"sessions":5}\n{"session_id":"y"}\n'));
      expect(records(withSessions)).toEqual([{}, { session_id: 'y' }]);
    });

    it('rejects what looks like JSON Lines but is not', () => {
      const cases: Array<[string, number, number, RegExp]> = [
        ['{"sessions":[1]}\n{"b":2}', 17, 2, /extra data after the top-level value/],
        ['[1]\n[2]', 4, 2, /extra data/],
        ['{"a":1} {"b":2}', 8, 1, /extra data after the top-level value/],
        ['{"a":1}{"b":2}', 7, 1, /extra data/],
        ['{\n"a":1}\n{"b":2}', 9, 3, /must fit on one line/],
        ['{"a":1}\n{"b":\n2}', 13, 2, /JSON Lines record must fit on one line/],
        ['{"a":1}\n{"b":2} 3', 16, 2, /one value per line/],
        ['{"a":1}\n]', 8, 2, /expected a value/],
      ];
      for (const [text, offset, line, message] of cases) {
        const o = decodeEverySplit(enc(text));
        expect(o, text).toMatchObject({ ok: false, code: 'FP_INPUT', context: { offset, line } });
        expect(!o.ok && o.message, text).toMatch(message);
      }
      // nothing is emitted before the error: the held first object stays held
      const events: DecodeEvent[] = [];
      const d = new FastDecoder((e) => events.push(e));
      expect(() => d.push(enc('{"session_id":"a"}\n]'))).toThrow(AnalyzerError);
      expect(events).toEqual([]);
    });

    it('forced \'jsonl\': one record per non-blank line, "sessions" means nothing', () => {
      const opts = { shape: 'jsonl' } as const;
      const o = decodeEverySplit(enc('{"sessions":[{"session_id":"a"}],"repo":"r"}\n\n  [1]  \r\n5'), opts);
      expect(o).toMatchObject({ ok: true, shape: 'jsonl' });
      expect(records(o)).toEqual([{ repo: 'r' }, [1], 5]);
      expect(run([enc('')], opts)).toEqual({ ok: true, events: [], shape: 'jsonl' });
      expect(run([enc(' \n\r\n\t')], opts)).toEqual({ ok: true, events: [], shape: 'jsonl' });
      expect(records(run([enc('{"session_id":"x"}')], opts))).toEqual([{ session_id: 'x' }]);
      expect(run([enc('1 2')], opts)).toMatchObject({ ok: false, context: { offset: 2, line: 1 } });
      expect(run([enc('{"a":\n1}')], opts)).toMatchObject({ ok: false, context: { offset: 5, line: 1 } });
      expect(run([enc('{"a":1}\n{"b"')], opts)).toMatchObject({ ok: false, context: { offset: 12, line: 2 } });
    });

    it('accepts a leading UTF-8 BOM, and only there', () => {
      const o = decodeEverySplit(enc('\ufeff[{"repo":"é"}]'));
      expect(o.ok && o.events).toEqual([{ kind: 'record', record: { value: { repo: 'é' }, offset: 4, line: 1 } }]);
      expect(records(decodeEverySplit(enc('\ufeff{"a":1}\n{"b":2}')))).toEqual([{}, {}]);
      expect(records(decodeEverySplit(enc('\ufeff\n5'), { shape: 'jsonl' }))).toEqual([5]);
      expect(decodeEverySplit(enc(' \ufeff[1]'))).toMatchObject({ ok: false, context: { offset: 1 } });
      expect(decodeEverySplit(enc('\ufeff\ufeff[1]'))).toMatchObject({ ok: false, context: { offset: 3 } });
      expect(decodeEverySplit(enc('\uff00[1]'))).toMatchObject({ ok: false, message: /expected a value/, context: { offset: 0 } });
      expect(decodeEverySplit(Buffer.from([0xef, 0xbf, 0x5b, 0x5d]))).toMatchObject({ ok: false, message: /^Invalid UTF-8/, context: { offset: 0 } });
      expect(decodeEverySplit(Buffer.from([0xef, 0xbb]))).toMatchObject({ ok: false, context: { offset: 2 } });
      expect(decodeEverySplit(Buffer.from([0xef, 0xbb, 0x5b, 0x5d]))).toMatchObject({ ok: false, message: /^Invalid UTF-8/, context: { offset: 0 } });
      expect(decodeEverySplit(enc('\ufeff'))).toMatchObject({ ok: false, message: /expecting a value/, context: { offset: 0 } });
      // a shard that does not start the file has no BOM
      expect(run([enc('\ufeff5')], { shape: 'jsonl', startOffset: 10 })).toMatchObject({ ok: false, context: { offset: 10 } });
    });

    it('rejects empty input and top-level scalars', () => {
      for (const text of ['', ' ', '\n\n\t ']) {
        expect(run([enc(text)]), JSON.stringify(text)).toMatchObject({
          ok: false,
          code: 'FP_INPUT',
          message: /expecting a value/,
          context: { offset: 0, line: 1 },
        });
      }
      expect(run([])).toMatchObject({ ok: false, context: { offset: 0 } });
      for (const text of ['5', ' "x"', 'null', 'true', '-1']) {
        expect(run([enc(text)]), text).toMatchObject({ ok: false, code: 'FP_INPUT', message: /not an array of sessions or an object/ });
      }
    });

    it('reports absolute offsets and lines from startOffset / startLine', () => {
      const o = run([enc('{"repo":"a"}\n{"repo":"b"}\n')], { shape: 'jsonl', startOffset: 1000, startLine: 40 });
      expect(o.ok && o.events.map((e) => e.kind === 'record' && [e.record.offset, e.record.line])).toEqual([
        [1000, 40],
        [1013, 41],
      ]);
      expect(run([enc('{"repo":"a"}\n{"repo":')], { shape: 'jsonl', startOffset: 1000, startLine: 40, file: 'f.jsonl' })).toEqual({
        ok: false,
        code: 'FP_INPUT',
        message: 'Invalid JSON: unexpected end of input (truncated?), at byte 1021, line 41 in f.jsonl',
        context: { file: 'f.jsonl', offset: 1021, line: 41 },
      });
    });
  });

  describe('records', () => {
    it('handles nasty strings: escaped quotes, backslashes before quotes, \\u0022, watched words as values', () => {
      const text =
        String.raw`[{"session_id":"a\"b\\","messages":["\\","\\\"","messages","sessions","\u0022",{"session_id":"no"}],"repo":"\\\\\u0022"},` +
        String.raw`{"errors":[{"message":"\"sessions\": [","messages":[1]}],"tool_calls":"messages","x\"y":"\"\\"}]`;
      expect(records(decodeEverySplit(enc(text)))).toEqual(JSON.parse(text).map(strip));
      expect(records(decodeEverySplit(enc(text)))[0]).toEqual({ session_id: 'a"b\\', repo: '\\\\"' });
    });

    it('treats "sessions" and "messages" as ordinary keys below the top level', () => {
      const text = '{"sessions":[{"session_id":"a","sessions":[{"session_id":"inner"}],"messages":{"messages":"messages"}}],"x":{"sessions":[5]}}';
      const o = decodeEverySplit(enc(text));
      expect(o.ok && o.events).toEqual([{ kind: 'record', record: { value: { session_id: 'a' }, offset: 13, line: 1 } }]);
      const arr = decodeEverySplit(enc('[{"sessions":[1],"repo":"r"}]'));
      expect(arr.ok && arr.events.map((e) => e.kind)).toEqual(['record']);
      expect(records(arr)).toEqual([{ repo: 'r' }]);
    });

    it('reads property names written with escapes, and ignores near misses', () => {
      const text = String.raw`[{"\u0073ession_id":"x","rep\u006F":"y","repo\u0000":"no","Repo":"no","repo ":"no","tool_call":"no","duration_minutes":1}]`;
      expect(records(decodeEverySplit(enc(text)))).toEqual([{ session_id: 'x', repo: 'y', duration_minutes: 1 }]);
    });

    it('reads long property names and kept values that span chunks', () => {
      const long = 'k'.repeat(300);
      const escapedName = [...'duration_minutes'].map((ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');
      const text = `[{"${long}":{"${long}":1},"repo${long}":2,"${escapedName}":[1.5,{"a":"${long}"}],"${'\\\\'.repeat(70)}":3,"repo":"${long}"}]`;
      const o = decodeEverySplit(enc(text));
      expect(records(o)).toEqual([{ duration_minutes: [1.5, { a: long }], repo: long }]);
      expect(records(o)).toEqual(JSON.parse(text).map(strip));
    });

    it('follows deep nesting, in skipped and in kept values', () => {
      const nest = (depth: number): string => '['.repeat(depth) + '{"a":"b"}' + ']'.repeat(depth);
      const text = `{"sessions":[{"messages":${nest(3000)},"errors":${nest(2000)}},${nest(1000)}]}`;
      const expected = JSON.parse(text).sessions.map(strip);
      expect(records(run([enc(text)]))).toEqual(expected);
      expect(records(run(randomChunks(enc(text), 5, 100)))).toEqual(expected);
      // far deeper than Python's json (RecursionError near 1000) or vitest's toEqual can follow,
      // within the decoders' bound (MAX_DEPTH, 65,536: decoders.test.ts reads to it and past it)
      const deeper = nest(60_000);
      const o = run(randomChunks(enc(`[{"messages":${deeper},"errors":${deeper}}]`), 6, 5000));
      expect(o.ok && o.events.length).toBe(1);
      expect(run([enc(deeper.slice(0, -1))])).toMatchObject({ ok: false, message: /unexpected end of input/ });
    });

    it('keeps the last of duplicate keys in the first position, like JSON.parse', () => {
      const o = decodeEverySplit(enc('[{"repo":"a","session_id":1,"messages":[],"repo":"b"}]'));
      const [value] = records(o) as Array<Record<string, unknown>>;
      expect(value).toEqual({ repo: 'b', session_id: 1 });
      expect(Object.keys(value!)).toEqual(['repo', 'session_id']);
    });

    it('parses kept values of every type, and numbers as JSON.parse does', () => {
      const text =
        '[{"session_id":null,"repo":["a",{"b":[true,false]}],"errors":{"message":"m"},"tool_calls":[{"tool":"t","latency_ms":-0.5e-3}],' +
        '"duration_minutes":1E+400}, 0, -0, 12345678901234567890, 1.5E2, -1e-7, 1e400]';
      expect(records(decodeEverySplit(enc(text)))).toEqual(JSON.parse(text).map(strip));
    });

    it('accepts Uint8Array chunks and chunks that end where their ArrayBuffer ends', () => {
      const b = enc('[{"session_id":"abcdefghijklmnopqrstuvwxyz","messages":["0123456789abcdef\\n0123456789"]}]');
      const expected = [{ session_id: 'abcdefghijklmnopqrstuvwxyz' }];
      for (let at = 0; at < 8; at++) {
        expect(records(run(bytewise(b).map((c) => placed(c, at))))).toEqual(expected);
        expect(records(run([new Uint8Array(placed(b, at))]))).toEqual(expected);
      }
    });
  });

  describe('errors', () => {
    const cases: Array<[string | number[], number, RegExp, number?]> = [
      ['[1,]', 3, /^Invalid JSON: trailing comma before '\]', at byte 3, line 1$/],
      ['{"a":1,}', 7, /trailing comma before '}'/],
      ['[01]', 2, /leading zero/],
      ['[-01]', 3, /leading zero/],
      ['[1.]', 3, /expected a digit after '.'/],
      ['[.5]', 1, /expected a value/],
      ['[1e]', 3, /exponent/],
      ['[1e+]', 4, /exponent/],
      ['[1E-x]', 4, /exponent/],
      ['[-]', 2, /expected a digit after '-'/],
      ['[+1]', 1, /expected a value/],
      ['[NaN]', 1, /expected a value/],
      ['[Infinity]', 1, /expected a value/],
      ['[-Infinity]', 2, /expected a digit after '-'/],
      ['[tru]', 4, /invalid literal \(expected 'true'\)/],
      ['[nulL]', 4, /expected 'null'/],
      ['[True]', 1, /expected a value/],
      ['[1 2]', 3, /expected ',' or '\]' after an array element/],
      ['{"a":1 "b":2}', 7, /expected ',' or '}' after an object member/],
      ['{"a" 1}', 5, /expected ':' after a property name/],
      ['{a:1}', 1, /expected a double-quoted property name or '}'/],
      ['{"a":1,b:1}', 7, /expected a double-quoted property name/],
      ["['a']", 1, /expected a value/],
      ['[1]x', 3, /extra data after the top-level value/],
      ['{"sessions":[]} {}', 16, /extra data/],
      ['["a\u0001"]', 3, /control character byte 0x01 in a string/],
      ['["a\tb"]', 3, /control character/],
      ['{"a\nb":1}', 3, /control character/, 1],
      ['["\\x"]', 3, /invalid escape: 'x' after '\\'/],
      ['["\\u12G4"]', 6, /invalid \\u escape/],
      ['["\\u12"]', 6, /invalid \\u escape/],
      ['["\\U0041"]', 3, /invalid escape/],
      ['[\n1,\n]', 5, /trailing comma/, 3],
      ['[', 1, /unexpected end of input \(truncated\?\)/],
      ['["abc', 5, /unexpected end of input/],
      ['["abc\\', 6, /unexpected end of input/],
      ['{"sessions":[{"a":', 18, /unexpected end of input/],
      ['[1', 2, /unexpected end of input/],
      ['[tr', 3, /unexpected end of input/],
      [[0x5b, 0x22, 0xc3, 0x28, 0x22, 0x5d], 2, /^Invalid UTF-8: invalid continuation byte 0x28 after 0xC3/],
      [[0x5b, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x5d], 2, /^Invalid UTF-8: encoded UTF-16 surrogate/],
      [[0x5b, 0x22, 0xf4, 0x90, 0x80, 0x80, 0x22, 0x5d], 2, /^Invalid UTF-8: code point above U\+10FFFF/],
      [[0x5b, 0x22, 0xc0, 0xaf, 0x22, 0x5d], 2, /^Invalid UTF-8: overlong/],
      [[0x5b, 0x22, 0xe0, 0x80, 0x80, 0x22, 0x5d], 2, /^Invalid UTF-8: overlong/],
      [[0x5b, 0x22, 0xf0, 0x80, 0x80, 0x80, 0x22, 0x5d], 2, /^Invalid UTF-8: overlong/],
      [[0x5b, 0x22, 0x80, 0x22, 0x5d], 2, /^Invalid UTF-8: unexpected continuation byte 0x80/],
      [[0x5b, 0x22, 0xff, 0x22, 0x5d], 2, /^Invalid UTF-8: byte 0xFF never appears/],
      [[0x5b, 0x22, 0xf0, 0x9f, 0x98, 0x22, 0x5d], 2, /^Invalid UTF-8: invalid continuation byte 0x22 after 0xF0/],
      [[0x5b, 0x22, 0x61, 0x22, 0x2c, 0xc3, 0xa9, 0x5d], 5, /expected a value/], // é outside a string
      [[0x5b, 0x22, 0xe2, 0x82], 4, /unexpected end of input/], // cut inside a string
    ];

    it.each(cases)('%j fails at byte %i', (input, offset, message, line = 1) => {
      const b = typeof input === 'string' ? enc(input) : Buffer.from(input);
      const o = decodeEverySplit(b);
      expect(o).toMatchObject({ ok: false, code: 'FP_INPUT', context: { offset, line } });
      expect(!o.ok && o.message).toMatch(message);
      expect(oracle(b).ok).toBe(false);
    });

    it('names the file and the location in the message', () => {
      expect(run([enc('[1,\n2,,]')], { file: 'part-03.json' })).toEqual({
        ok: false,
        code: 'FP_INPUT',
        message: 'Invalid JSON: expected a value, at byte 6, line 2 in part-03.json',
        context: { file: 'part-03.json', offset: 6, line: 2 },
      });
    });

    it('throws the same error again after the first one, and refuses push after end', () => {
      const d = new FastDecoder(() => {});
      let first: unknown;
      try {
        d.push(enc('[1,]'));
      } catch (err) {
        first = err;
      }
      expect(first).toBeInstanceOf(AnalyzerError);
      expect(() => d.push(enc('1'))).toThrow(first as Error);
      expect(() => d.end()).toThrow(first as Error);
      const done = new FastDecoder(() => {});
      done.push(enc('[]'));
      done.end();
      done.end();
      expect(() => done.push(enc(' '))).toThrow(expect.objectContaining({ code: 'FP_INTERNAL' }));
    });
  });

  describe('truncation', () => {
    const archives: Array<[string, string, FastDecoderOptions]> = [
      ['array', '\ufeff[{"session_id":"é\\u00e9\\"","messages":["a\\\\","😀"],"tool_calls":[{"latency_ms":1.5e2}]}, -12, true, "x"]\n', {}],
      ['wrapper', '{"v":[null],"sessions":[{"repo":"r","duration_minutes":0.25},{"errors":[]}],"sessions":[{"repo":"s"}]}', {}],
      ['jsonl', '{"session_id":"a","x":"中"}\n{"session_id":"b"}\n[10]\n123', {}],
      ['forced jsonl', '{"sessions":[1]}\r\n\n"😀"\n-1.5\n', { shape: 'jsonl' }],
    ];

    it.each(archives)('%s: every prefix is valid or fails at its length (or is empty)', (_name, text, opts) => {
      const b = enc(text);
      for (let len = 0; len <= b.length; len++) {
        const prefix = b.subarray(0, len);
        const o = run(whole(prefix), opts);
        expect(run(bytewise(prefix), opts)).toEqual(o);
        expect(run(randomChunks(prefix, len + 1, 7), opts)).toEqual(o);
        const verdict = oracle(prefix, opts.shape ?? 'auto');
        if (verdict.ok) {
          expect(o.ok, `prefix ${len}`).toBe(true);
          expect(records(o)).toEqual(verdict.records);
        } else if (!o.ok && /expecting a value/.test(o.message)) {
          expect(o.context.offset).toBe(0);
          expect(
            prefix
              .toString('utf8')
              .replace(/^\ufeff/, '')
              .trim(),
          ).toBe('');
        } else {
          expect(o, `prefix ${len}`).toMatchObject({ ok: false, code: 'FP_INPUT', message: /unexpected end of input/, context: { offset: len } });
        }
      }
    });
  });

  describe('properties', () => {
    it('agrees with JSON.parse on generated archives, for any chunking, with exact offsets', () => {
      fc.assert(
        fc.property(archiveArb, fc.integer({ min: 1 }), (archive, seed) => {
          const { bytes, opts } = serialize(archive);
          const o = run(whole(bytes), opts);
          expectAgreesWithOracle(bytes, o, opts.shape ?? 'auto');
          expect(run(bytewise(bytes), opts)).toEqual(o);
          expect(run(randomChunks(bytes, seed, 40), opts)).toEqual(o);
        }),
        { numRuns: runs(400) },
      );
    });

    it('reports the offset and line of every array element and JSON Lines record', () => {
      const sepArb = fc.constantFrom(',', ', ', ',\n', '\n,\r\n  ', '\t,');
      fc.assert(
        fc.property(fc.array(fc.tuple(anyRecordArb, sepArb, fc.constantFrom(undefined, 2)), { maxLength: 6 }), fc.boolean(), (items, jsonl) => {
          let text = jsonl ? '' : '[ ';
          const expected: Array<{ offset: number; line: number }> = [];
          items.forEach(([value, sep, indent], i) => {
            if (i > 0) text += jsonl ? '\n \n' : sep;
            expected.push({ offset: Buffer.byteLength(text), line: text.split('\n').length });
            text += JSON.stringify(value, null, jsonl ? undefined : indent);
          });
          if (!jsonl) text += '\n]';
          const o = run(randomChunks(enc(text), items.length + 7, 30), jsonl ? { shape: 'jsonl' } : {});
          expect(o.ok && o.events.map((e) => e.kind === 'record' && { offset: e.record.offset, line: e.record.line })).toEqual(expected);
        }),
        { numRuns: runs(300) },
      );
    });

    it('decides valid/invalid like JSON.parse + TextDecoder on mutated archives, at the first bad byte, for any chunking', () => {
      fc.assert(
        fc.property(archiveArb, fc.array(mutationArb, { minLength: 1, maxLength: 3 }), fc.integer({ min: 1 }), (archive, muts, seed) => {
          const { bytes: original, opts } = serialize(archive);
          const bytes = mutate(original, muts);
          const o = run(whole(bytes), opts);
          expectAgreesWithOracle(bytes, o, opts.shape ?? 'auto');
          expect(run(bytewise(bytes), opts)).toEqual(o);
          expect(run(randomChunks(bytes, seed, 24), opts)).toEqual(o);
          if (!o.ok && !/unexpected end of input|expecting a value/.test(o.message)) {
            // nothing before the reported byte is wrong ...
            const at = o.context.offset!;
            expect(pushOnly(bytes.subarray(0, at), opts)).toBeUndefined();
            // ... and for a JSON error, that byte is where it is found
            // (or, for a character that is valid UTF-8 but not JSON, once the character is complete)
            if (!o.message.startsWith('Invalid UTF-8')) {
              const end = pushOnly(bytes.subarray(0, at + 1), opts) ? at + 1 : at + 3;
              expect(pushOnly(bytes.subarray(0, end), opts)?.message).toBe(o.message);
            }
          }
        }),
        { numRuns: runs(1500) },
      );
    });

    it('agrees with JSON.parse on arbitrary byte soup and JSON text', () => {
      fc.assert(
        fc.property(
          fc.oneof(
            fc.uint8Array({ maxLength: 24 }).map((a) => Buffer.from(a)),
            fc.string({ unit: fc.constantFrom(...'[]{}",:0123456789-+.eE tfnrulase\\/\n\u0000é'), maxLength: 24 }).map(enc),
            fc.json().map(enc),
          ),
          (bytes) => {
            const o = run(whole(bytes));
            expectAgreesWithOracle(bytes, o);
            expect(run(bytewise(bytes))).toEqual(o);
          },
        ),
        { numRuns: runs(3000) },
      );
    });
  });

  describe('bigger inputs', () => {
    function bigArchive(seed: number, sessions: number): string {
      let s = seed;
      const rnd = (): number => (s = (s * 1103515245 + 12345) >>> 0) / 4294967296;
      const words = [
        'the',
        'error',
        'TypeError:',
        'résumé',
        '中文',
        '😀',
        '"quoted"',
        'back\\slash',
        'tab\there',
        'line\nbreak',
        'x/y',
        '\u0001',
        'messages',
        'sessions',
      ];
      const text = (n: number): string => Array.from({ length: n }, () => words[Math.floor(rnd() * words.length)]).join(' ');
      const all = Array.from({ length: sessions }, (_, i) => ({
        session_id: `s-${i}`,
        messages: Array.from({ length: 1 + Math.floor(rnd() * 8) }, (_, k) => ({
          role: k % 2 ? 'assistant' : 'user',
          content: text(20 + Math.floor(rnd() * 500)),
        })),
        repo: `org/r${i % 7}`,
        errors: rnd() < 0.5 ? [{ message: text(5) }] : [],
        tool_calls: [
          { tool: 'bash', latency_ms: Math.floor(rnd() * 5000) },
          { tool: 'edit', latency_ms: rnd() * 100 },
        ],
        duration_minutes: rnd() * 90,
      }));
      return JSON.stringify(all);
    }

    it('decodes a ~1 MB archive in any shape with random chunk sizes', () => {
      const arrayText = bigArchive(7, 300);
      const sessions = JSON.parse(arrayText) as unknown[];
      const expected = sessions.map(strip);
      const shapes: Array<[string, FastDecoderOptions]> = [
        [arrayText, {}],
        [`{"meta":${JSON.stringify(sessions.slice(0, 3))},"sessions":${arrayText}}`, {}],
        [sessions.map((x) => JSON.stringify(x)).join('\n'), {}],
        [sessions.map((x) => JSON.stringify(x)).join('\r\n') + '\n', { shape: 'jsonl' }],
      ];
      for (const [text, opts] of shapes) {
        const b = enc(text);
        expect(b.length).toBeGreaterThan(500_000);
        for (const [seed, max] of [
          [1, 100],
          [2, 5000],
          [3, 70_000],
        ] as const) {
          expect(records(run(randomChunks(b, seed, max), opts))).toEqual(expected);
        }
      }
    });
  });

  describe(decodeWithFastDecoder.name, () => {
    async function* source(chunks: string[]): AsyncGenerator<Buffer> {
      for (const c of chunks) yield enc(c);
    }

    it('yields the events of each chunk as they are found', async () => {
      const events: DecodeEvent[] = [];
      for await (const e of decodeWithFastDecoder(source(['{"sessions":[{"repo":"a"},', '{"repo":"b"}],"sessions":[', '3]}']), { file: 'w.json' }))
        events.push(e);
      expect(events.map((e) => (e.kind === 'reset' ? 'reset' : e.record.value))).toEqual([{ repo: 'a' }, { repo: 'b' }, 'reset', 3]);
    });

    it('throws the decoder error, and the truncation error at the end', async () => {
      const drain = async (chunks: string[], opts?: FastDecoderOptions): Promise<number> => {
        let n = 0;
        for await (const _ of decodeWithFastDecoder(source(chunks), opts)) n++;
        return n;
      };
      await expect(drain(['{"a":1}\n', '{"b":2}'], { shape: 'jsonl' })).resolves.toBe(2);
      await expect(drain(['[1,', '2,]'], { file: 'x.json' })).rejects.toMatchObject({ code: 'FP_INPUT', context: { file: 'x.json', offset: 5 } });
      await expect(drain(['[1,', '2'])).rejects.toMatchObject({ code: 'FP_INPUT', context: { offset: 4 } });
    });
  });

  const realdata = join(import.meta.dirname, '../../../shared/realdata');
  if (!existsSync(realdata)) console.warn(`SKIPPED: ${realdata} not found; the fast decoder is not checked against the real agent logs`);
  describe.skipIf(!existsSync(realdata))('real agent logs (../shared/realdata)', () => {
    const files: string[] = [];
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir)) {
        const p = join(dir, name);
        if (statSync(p).isDirectory()) walk(p);
        else if (/\.(jsonl|json|traj)$/.test(name)) files.push(p);
      }
    };
    if (existsSync(realdata)) walk(realdata);

    it.each(files.map((f) => [f.slice(realdata.length + 1), f]))('%s decodes like JSON.parse', (_name, file) => {
      const b = readFileSync(file);
      const opts: FastDecoderOptions = file.endsWith('.jsonl') ? { shape: 'jsonl' } : {};
      const o = run(randomChunks(b, 99, 65536), opts);
      expectAgreesWithOracle(b, o, opts.shape ?? 'auto');
      expectAgreesWithOracle(b, run([b]), 'auto');
    });
  });
});
