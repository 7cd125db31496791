/**
 * Differential test of the two decoders: the fast byte scanner and the stream-json
 * reference path must produce the same records (the session keys of each record,
 * everything else skipped) for every golden input and for random archives full of
 * nasty strings, in every shape and chunking; and reject the same inputs.
 * (stream-json reports no positions: its offsets are "bytes read so far", so only
 * the verdict and the error code are compared, not the offsets.)
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AnalyzerError } from '../../src/errors.js';
import { decodeWithFastDecoder } from '../../src/input/fast-decoder.js';
import { decodeWithStreamJson } from '../../src/input/stream-json-decoder.js';
import type { DecodeEvent } from '../../src/input/types.js';

type Outcome = { events: (unknown | 'reset')[] } | { error: string };

async function* chunks(bytes: Buffer, sizes: readonly number[]): AsyncGenerator<Buffer> {
  let at = 0;
  let k = 0;
  while (at < bytes.length) {
    const n = Math.max(1, sizes.length ? sizes[k++ % sizes.length]! : bytes.length);
    yield bytes.subarray(at, at + n);
    at += n;
  }
}

async function run(decode: typeof decodeWithFastDecoder, bytes: Buffer, shape: 'auto' | 'jsonl', sizes: readonly number[]): Promise<Outcome> {
  const events: (unknown | 'reset')[] = [];
  try {
    for await (const ev of decode(chunks(bytes, sizes), { file: 'f', shape }) as AsyncIterable<DecodeEvent>) {
      events.push(ev.kind === 'reset' ? 'reset' : ev.record.value);
    }
    return { events };
  } catch (err) {
    if (!(err instanceof AnalyzerError)) throw err;
    return { error: err.code };
  }
}

async function both(bytes: Buffer, shape: 'auto' | 'jsonl' = 'auto', sizes: readonly number[] = []): Promise<[Outcome, Outcome]> {
  return [await run(decodeWithFastDecoder, bytes, shape, sizes), await run(decodeWithStreamJson, bytes, shape, sizes)];
}

const NASTY = ['messages', 'sessions', 'he said "hi"', 'back\\slash', '\\"', '\\\\', '\u0022', '} ] , {', 'é中😀', '\u2028\u2029', '\ud800', 'tab\there', 'nl\nhere'];
const nastyString = fc.oneof(fc.constantFrom(...NASTY), fc.string({ unit: 'grapheme', maxLength: 12 }), fc.string({ maxLength: 8 }));
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  v: fc.oneof(
    { depthSize: 'small' },
    nastyString,
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('v'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(nastyString, fc.constantFrom('messages', 'sessions', 'session_id', 'errors')), tie('v'), { maxKeys: 4 }),
  ),
})).v;
const record = fc.record(
  {
    session_id: fc.oneof(nastyString, fc.constant(null), fc.integer()),
    repo: nastyString,
    messages: fc.array(fc.record({ role: nastyString, content: nastyString, messages: value }), { maxLength: 4 }),
    errors: fc.array(fc.record({ message: nastyString }), { maxLength: 3 }),
    tool_calls: fc.array(fc.record({ tool: nastyString, latency_ms: fc.integer({ min: 0, max: 99999 }) }), { maxLength: 4 }),
    duration_minutes: fc.double({ noNaN: true, noDefaultInfinity: true }),
    extra: value,
  },
  { requiredKeys: [] },
);
const archive = fc.record({
  records: fc.array(fc.oneof({ weight: 6, arbitrary: record }, { weight: 1, arbitrary: value }), { maxLength: 6 }),
  shape: fc.constantFrom('array', 'wrapper', 'wrapper-twice', 'jsonl', 'pretty'),
  sizes: fc.array(fc.integer({ min: 1, max: 64 }), { maxLength: 4 }),
});

function render(records: unknown[], shape: string): { bytes: Buffer; mode: 'auto' | 'jsonl' } {
  switch (shape) {
    case 'array':
      return { bytes: Buffer.from(JSON.stringify(records)), mode: 'auto' };
    case 'pretty':
      return { bytes: Buffer.from(JSON.stringify(records, null, 2)), mode: 'auto' };
    case 'wrapper':
      return { bytes: Buffer.from(`{"meta": {"sessions": 1}, "sessions": ${JSON.stringify(records)}, "x": [1]}`), mode: 'auto' };
    case 'wrapper-twice':
      return { bytes: Buffer.from(`{"sessions": [{"session_id": "gone"}], "sessions": ${JSON.stringify(records)}}`), mode: 'auto' };
    default:
      return { bytes: Buffer.from(records.map((r) => JSON.stringify(r)).join('\n') + '\n'), mode: 'jsonl' };
  }
}

describe('fast decoder vs stream-json', () => {
  it('agree on every golden input and the sample archive', async () => {
    const root = path.resolve(import.meta.dirname, '../../fixtures');
    const files = [
      ...readdirSync(path.join(root, 'golden'))
        .filter((f) => f.endsWith('.input.json'))
        .map((f) => path.join(root, 'golden', f)),
      path.join(root, 'sample/sessions.json'),
    ];
    expect(files.length).toBeGreaterThan(50);
    for (const f of files) {
      const [fast, sj] = await both(readFileSync(f));
      expect(fast, f).toEqual(sj);
    }
    const [fast, sj] = await both(readFileSync(path.join(root, 'sample/sessions.jsonl')), 'jsonl');
    expect('events' in fast && fast.events.length).toBe(300);
    expect(fast).toEqual(sj);
  });

  it('agree on random archives with nasty strings, in every shape and chunking', async () => {
    await fc.assert(
      fc.asyncProperty(archive, async ({ records, shape, sizes }) => {
        const { bytes, mode } = render(records, shape);
        const [fast, sj] = await both(bytes, mode, sizes);
        expect(fast).toEqual(sj);
        // and both equal JSON.parse, minus the keys the analysis never reads
        if (shape === 'array' && 'events' in fast) {
          const keep = (r: unknown) =>
            typeof r === 'object' && r !== null && !Array.isArray(r)
              ? Object.fromEntries(Object.entries(r).filter(([k]) => ['session_id', 'repo', 'errors', 'tool_calls', 'duration_minutes'].includes(k)))
              : r;
          expect(fast.events).toEqual((JSON.parse(bytes.toString()) as unknown[]).map(keep));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('reject the same broken inputs (a byte deleted, replaced or cut anywhere)', async () => {
    await fc.assert(
      fc.asyncProperty(archive, fc.nat(), fc.constantFrom('delete', 'replace', 'cut'), fc.constantFrom(...'{}[],:"\\x0 \u0001'.split('')), async (a, pos, op, by) => {
        const { bytes, mode } = render(a.records, a.shape === 'jsonl' ? 'array' : a.shape);
        if (bytes.length === 0) return;
        const at = pos % bytes.length;
        const broken =
          op === 'cut'
            ? bytes.subarray(0, at)
            : Buffer.concat([bytes.subarray(0, at), op === 'replace' ? Buffer.from(by) : Buffer.alloc(0), bytes.subarray(at + 1)]);
        const [fast, sj] = await both(broken, mode, a.sizes);
        expect('error' in fast, broken.toString()).toBe('error' in sj);
        if ('error' in fast) expect(fast).toEqual(sj);
        else expect(fast).toEqual(sj);
      }),
      { numRuns: 400 },
    );
  });

  it('reject invalid UTF-8 alike', async () => {
    for (const bad of [Buffer.from([0x5b, 0x22, 0xff, 0x22, 0x5d]), Buffer.from([0x5b, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x5d]), Buffer.from([0x5b, 0x22, 0xc3, 0x22, 0x5d])]) {
      const [fast, sj] = await both(bad);
      expect(fast).toEqual({ error: 'FP_INPUT' });
      expect(sj).toEqual({ error: 'FP_INPUT' });
    }
  });
});
