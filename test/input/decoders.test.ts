/**
 * Differential test of the two decoders: the fast byte scanner and the stream-json
 * reference path must produce the same records (the session keys of each record,
 * everything else skipped) for every golden input and for random archives full of
 * nasty strings, in every shape and chunking; and reject the same inputs.
 * (stream-json reports no positions: its offsets are "bytes read so far", so only
 * the verdict and the error code are compared, not the offsets.)
 */
import { SESSION_KEYS } from '../../src/input/types.js';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AnalyzerError } from '../../src/errors.js';
import { decodeWithFastDecoder } from '../../src/input/fast-decoder.js';
import { decodeWithStreamJson } from '../../src/input/stream-json-decoder.js';
import { MAX_DEPTH, TOO_DEEP } from '../../src/input/_json-bytes.js';
import { isJsonlName } from '../../src/input/sources.js';
import { PyNum } from '../../src/python/py-num.js';
import type { DecodeEvent } from '../../src/input/types.js';
import { anyRecordArb, ARCHIVE_SHAPES, renderArchive, type ArchiveShape } from '../arbitraries.js';

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

const archive = fc.record({
  records: fc.array(anyRecordArb, { maxLength: 6 }),
  // gzip is the sources' business, not the decoders'
  shape: fc.constantFrom(...ARCHIVE_SHAPES.filter((s) => s !== 'gzip')),
  sizes: fc.array(fc.integer({ min: 1, max: 64 }), { maxLength: 4 }),
});

/** The value with every PyNum replaced by the double JSON.parse reads. */
function plainNumbers(v: unknown): unknown {
  if (v instanceof PyNum) return v.value;
  if (Array.isArray(v)) return v.map(plainNumbers);
  if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plainNumbers(x)]));
  return v;
}

function render(records: unknown[], shape: ArchiveShape): { bytes: Buffer; mode: 'auto' | 'jsonl' } {
  const { name, bytes } = renderArchive({ shape, records });
  return { bytes, mode: isJsonlName(name) ? 'jsonl' : 'auto' };
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
        // (a number used as a name stays a PyNum, for its Python spelling: compared by its double)
        if (shape === 'array' && 'events' in fast) {
          const keep = (r: unknown) =>
            typeof r === 'object' && r !== null && !Array.isArray(r) ? Object.fromEntries(Object.entries(r).filter(([k]) => SESSION_KEYS.has(k))) : r;
          expect(fast.events.map(plainNumbers)).toEqual((JSON.parse(bytes.toString()) as unknown[]).map(keep));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('reject the same broken inputs (a byte deleted, replaced or cut anywhere)', async () => {
    await fc.assert(
      fc.asyncProperty(
        archive,
        fc.nat(),
        fc.constantFrom('delete', 'replace', 'cut'),
        fc.constantFrom(...'{}[],:"\\x0 \u0001'.split('')),
        async (a, pos, op, by) => {
          const { bytes, mode } = render(a.records, a.shape === 'jsonl' || a.shape === 'jsonl-content' ? 'array' : a.shape);
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
        },
      ),
      { numRuns: 400 },
    );
  });

  it('reject invalid UTF-8 alike', async () => {
    for (const bad of [
      Buffer.from([0x5b, 0x22, 0xff, 0x22, 0x5d]),
      Buffer.from([0x5b, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x5d]),
      Buffer.from([0x5b, 0x22, 0xc3, 0x22, 0x5d]),
    ]) {
      const [fast, sj] = await both(bad);
      expect(fast).toEqual({ error: 'FP_INPUT' });
      expect(sj).toEqual({ error: 'FP_INPUT' });
    }
  });

  it(`read ${MAX_DEPTH.toLocaleString('en-US')} levels of nesting, and stop at the next with a located error (bounded memory)`, async () => {
    // a session whose messages nest MAX_DEPTH - 2 deep: the array and the record are the other two
    const deepest = (d: number) => `[{"session_id":"s","messages":${'['.repeat(d)}${']'.repeat(d)}}]`;
    const [fast, sj] = await both(Buffer.from(deepest(MAX_DEPTH - 2)), 'auto', [4096]);
    expect(fast).toEqual({ events: [{ session_id: 's' }] });
    expect(sj).toEqual(fast);
    for (const shape of ['auto', 'jsonl'] as const) {
      const tooDeep = Buffer.from(deepest(MAX_DEPTH - 1));
      const outcomes = await Promise.all(
        [decodeWithFastDecoder, decodeWithStreamJson].map(async (decode) => {
          try {
            for await (const _ of decode(chunks(tooDeep, [4096]), { file: 'f', shape }) as AsyncIterable<DecodeEvent>);
            return 'read';
          } catch (err) {
            return err instanceof AnalyzerError ? err.message : String(err);
          }
        }),
      );
      // the fast scanner says the byte of the '[' one too many (messages' last, after the 30 bytes
      // `[{"session_id":"s","messages":`); stream-json only how far it had read
      expect(outcomes[0]).toBe(`Invalid JSON: ${TOO_DEEP}, at byte ${30 + MAX_DEPTH - 2}, line 1 in f`);
      expect(outcomes[1]).toMatch(new RegExp(`^Invalid JSON: ${TOO_DEEP}, at byte \\d+ in f$`));
    }
  });
});
