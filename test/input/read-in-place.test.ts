/**
 * A regular file read straight into the WebAssembly string kernel's memory (`FileRangeReader`
 * into `ChunkedInput.pushFrom`), instead of read into a buffer and copied there by `push`:
 * the same events and the same errors as pushing the same chunks, with no byte copied.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { AnalyzerError } from '../../src/errors.js';
import { classifyFile } from '../../src/input/classify.js';
import { FileRangeReader } from '../../src/input/bytes.js';
import { FastDecoder } from '../../src/input/fast-decoder.js';
import { readInputBatches } from '../../src/input/read-sessions.js';
import type { InputEvent } from '../../src/input/types.js';
import { stringKernel } from '../../src/input/wasm/string-scan.js';
import { anyRecordArb, nastyStringArb } from '../arbitraries.js';
import { removeTmpDirs, tmpDir, writeFile } from '../workers/_archive.js';
import { pushed, readInPlace, valueWithoutKernelKeys } from './_compare-decoders.js';

afterAll(removeTmpDirs);
new FastDecoder(() => {}); // the first decoder primes the JIT through `push` (_decoder-priming.ts): done before anything counts copies

/** Archives, valid and not: records with nasty strings, sometimes a byte replaced (invalid JSON or UTF-8 anywhere). */
const archiveArb = fc
  .tuple(
    fc.array(fc.oneof(anyRecordArb, fc.record({ session_id: nastyStringArb, messages: fc.array(nastyStringArb, { maxLength: 4 }) })), {
      maxLength: 12,
    }),
    fc.constantFrom('array', 'jsonl'),
    fc.option(fc.tuple(fc.nat(), fc.constantFrom(0x22, 0x5c, 0x80, 0xc3, 0xe2, 0xf0, 0xff, 0x0a, 0x01)), { nil: undefined }),
  )
  .map(([records, shape, corrupt]) => {
    const text = shape === 'array' ? JSON.stringify(records) : records.map((r) => JSON.stringify(r)).join('\n');
    const bytes = Buffer.from(text, 'utf8');
    if (corrupt !== undefined && bytes.length > 0) bytes[corrupt[0] % bytes.length] = corrupt[1];
    return bytes;
  });

describe('FastDecoder.pushFrom', () => {
  const kernel = stringKernel('wasm')!;

  it('property: gives the events and the error of pushing the same chunks, copying no byte into the kernel', () => {
    const dir = tmpDir();
    fc.assert(
      fc.property(archiveArb, fc.integer({ min: 1, max: 600 }), fc.boolean(), (bytes, chunk, seedSessions) => {
        const file = writeFile(dir, 'a.json', bytes).path;
        const opts = { file: 'a.json', seedSessions, stringScan: 'wasm' } as const;
        const copied = kernel.copied();
        const inPlace = readInPlace(file, bytes.length, chunk, opts);
        expect(kernel.copied()).toBe(copied); // read where it is scanned
        // (isDeepStrictEqual: vitest's toEqual walks the read tool calls' shared columns for minutes)
        expect(isDeepStrictEqual(inPlace, pushed(bytes, chunk, opts))).toBe(true);
        // and the JS scan (its own buffer) agrees
        expect(isDeepStrictEqual(readInPlace(file, bytes.length, chunk, { ...opts, stringScan: 'js' }), inPlace)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('places invalid UTF-8 at every byte and every chunk boundary as the JS scan does', () => {
    const base = Buffer.from(JSON.stringify([{ session_id: 'é😀', errors: [{ message: 'a\\"中' }], messages: ['x'.repeat(70) + 'ü'] }]));
    const file = path.join(tmpDir(), 'u.json');
    let errors = 0;
    for (let p = 0; p < base.length; p++) {
      for (const bad of [0xff, 0x80, 0xc3, 0xf0]) {
        const bytes = Buffer.from(base);
        bytes[p] = bad;
        writeFileSync(file, bytes);
        for (const chunk of [1, 2, 3, 5, 64, bytes.length]) {
          const inPlace = readInPlace(file, bytes.length, chunk, { seedSessions: true, stringScan: 'wasm' });
          expect(isDeepStrictEqual(inPlace, pushed(bytes, chunk, { seedSessions: true, stringScan: 'js' }))).toBe(true);
          if (inPlace.error !== undefined) errors++;
        }
      }
    }
    expect(errors).toBeGreaterThan(base.length * 3 * 6); // most replacements break the input
  });

  it('reads into a buffer of its own while the kernel is busy (a decoder inside another push)', () => {
    const bytes = Buffer.from(JSON.stringify([{ session_id: 'é\\"x', errors: [{ message: 'E 😀' }] }, { repo: 'r' }]));
    const file = writeFile(tmpDir(), 'b.json', bytes).path;
    const want = pushed(bytes, 7, { stringScan: 'js' });
    kernel.busy = true;
    try {
      const copied = kernel.copied();
      expect(isDeepStrictEqual(readInPlace(file, bytes.length, 7, { stringScan: 'wasm' }), want)).toBe(true);
      expect(kernel.copied()).toBe(copied);
      expect(kernel.busy).toBe(true); // not released by the inner push
    } finally {
      kernel.busy = false;
    }
  });

  it('without the kernel, reads a small file into a buffer of its size, not of a whole chunk', () => {
    const file = writeFile(tmpDir(), 't.json', '[{"repo": "r"}]').path;
    const d = new FastDecoder(() => {}, { stringScan: 'js' });
    const reader = FileRangeReader.open(file, 0, 15);
    expect(d.pushFrom(reader)).toBe(15);
    reader.close();
    expect((d as unknown as { spare: Buffer }).spare.length).toBe(15); // a folder of tiny files allocates no 256 KB per file
  });

  it('leaves the kernel free after a read error or an input error', () => {
    const file = writeFile(tmpDir(), 'c.json', '[{"a": 1}, x]').path;
    expect(readInPlace(file, 13, 4, { stringScan: 'wasm' }).error).toMatchObject({ code: 'FP_INPUT', context: { offset: 11 } });
    expect(kernel.busy).toBe(false);
    const failing = {
      nextBytes: () => 4,
      readInto: (): number => {
        throw new AnalyzerError('FP_INPUT', 'Cannot read input: EIO, in c.json');
      },
    };
    const d = new FastDecoder(() => {}, { stringScan: 'wasm' });
    expect(() => d.pushFrom(failing)).toThrow(/EIO/);
    expect(kernel.busy).toBe(false);
  });

  it("keeps the kernel's memory attached (it never grows, so its views stay valid)", () => {
    expect(kernel.room.buffer).toBe(kernel.memory);
    expect((kernel.shared.memory as { buffer: ArrayBuffer }).buffer).toBe(kernel.memory);
    expect(kernel.room.byteLength).toBe(kernel.capacity);
  });
});

describe(readInputBatches.name, () => {
  it('reads a regular file in place: the seed records of pushed chunks, no byte copied into the kernel', async () => {
    const records = Array.from({ length: 3000 }, (_, k) => ({
      session_id: `s${k}`,
      repo: k % 3 ? 'acme/api' : 'ünï/cödé',
      messages: [{ role: 'user', content: `long "message" ${'ab\\ 😀 '.repeat(k % 97)}` }],
      errors: k % 5 ? [] : [{ message: `TypeError: x ${k}` }],
      tool_calls: [{ tool: 'bash', latency_ms: k }],
      duration_minutes: k / 7,
    }));
    const bytes = Buffer.from(JSON.stringify(records));
    expect(bytes.length).toBeGreaterThan(3 * 256 * 1024); // several reads
    const file = writeFile(tmpDir(), 'd.json', bytes).path;
    const input = await classifyFile(file, 'auto');
    const copied = stringKernel('wasm')!.copied();
    const seen: InputEvent[] = [];
    let bytesSeen = 0;
    for await (const batch of readInputBatches(input, { parser: 'fast', profile: 'seed', onBytes: (n) => (bytesSeen += n) })) seen.push(...batch);
    expect(stringKernel('wasm')!.copied()).toBe(copied);
    expect(bytesSeen).toBe(bytes.length);
    const want = pushed(bytes, 256 * 1024, { file, seedSessions: true });
    expect(want.error).toBeUndefined();
    const got = seen.map((e) => (e.kind === 'record' ? valueWithoutKernelKeys(e.value) : e));
    const expected = want.events.map((e) => (e.kind === 'record' ? e.record.value : e));
    const firstDiff = got.findIndex((v, k) => !isDeepStrictEqual(v, expected[k]));
    expect(firstDiff).toBe(-1);
    expect(seen).toHaveLength(3000);
  });
});
