import { rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { finalizeState, type AnalyzerState } from '../../src/accumulators/index.js';
import { analyzeFiles } from '../../src/engine.js';
import { fleetProfile } from '../../src/fleet/profile.js';
import { resolveInputs } from '../../src/input/sources.js';
import { DEFAULT_OPTIONS } from '../../src/options.js';
import { buildReport } from '../../src/report/index.js';
import {
  LIGHT_VALUES_PER_KB,
  MIN_BYTES_PER_THREAD,
  readingThreads,
  SAMPLE_BYTES,
  threadsFor,
  threadsForInputs,
  valuesPerKb,
} from '../../src/workers/thread-count.js';
import { removeTmpDirs, tmpDir } from './_archive.js';

// analyzeParallel as it is, with its calls counted: which path did the engine take?
const parallelCalls = vi.hoisted(() => [] as number[]);
vi.mock('../../src/workers/pool.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/workers/pool.js')>();
  return {
    ...real,
    analyzeParallel: (...args: Parameters<typeof real.analyzeParallel>) => {
      parallelCalls.push(args[1].workers);
      return real.analyzeParallel(...args);
    },
  };
});

const MB = 1024 * 1024;
const SAMPLE = path.resolve(import.meta.dirname, '../../fixtures/sample/sessions.json');
const ENV = 'FLEET_PROPOSALS_MIN_THREAD_BYTES';

afterAll(removeTmpDirs);

/** `n` sessions of the reference format, each with a message of `messageBytes` (escapes included) and `calls` tool calls. */
function archive(n: number, messageBytes: number, calls: number): string {
  const text = 'Line of a long message with "quotes", a \\ path and ünïcödé. '.repeat(Math.ceil(messageBytes / 60)).slice(0, messageBytes);
  const sessions = Array.from({ length: n }, (_, i) => ({
    session_id: `s${i}`,
    repo: 'acme/api',
    duration_minutes: i % 50,
    messages: [{ role: 'user', content: text }],
    errors: i % 3 === 0 ? [`Error: timeout after ${i % 4} s in ${text.slice(0, 40)}`] : [],
    tool_calls: Array.from({ length: calls }, (_, k) => ({ tool: `t${k % 3}`, latency_ms: 10 * k + (i % 90) * 200 })),
  }));
  return `[\n${sessions.map((s) => JSON.stringify(s)).join(',\n')}\n]\n`;
}

describe(valuesPerKb.name, () => {
  it.each([
    { text: '', values: 0 },
    { text: '[1,2,3]', values: (3 * 1024) / 7 },
    { text: '{"a:b,c":"[{,:}]"}', values: (2 * 1024) / 18, why: 'structural bytes inside strings are text' },
    {
      text: '{"a\\"":"\\\\","b":1}',
      values: (4 * 1024) / 18,
      why: 'an escaped quote does not end a string, an escaped backslash does not escape it',
    },
  ])('$text: $values', ({ text, values }) => {
    expect(valuesPerKb(Buffer.from(text))).toBeCloseTo(values, 9);
  });

  it('tells long messages from dense records, as in the bench archives (6 and 129 values per KB)', () => {
    const long = Buffer.from(archive(40, 20_000, 17)).subarray(0, SAMPLE_BYTES);
    const dense = Buffer.from(archive(2000, 60, 20)).subarray(0, SAMPLE_BYTES);
    expect(valuesPerKb(long)).toBeLessThan(LIGHT_VALUES_PER_KB / 2);
    expect(valuesPerKb(dense)).toBeGreaterThan(LIGHT_VALUES_PER_KB * 2);
  });
});

describe(threadsFor.name, () => {
  // 16 cores: the byte rules alone (the cores' own rule is below)
  it.each([
    { sizes: [8 * MB], workers: 2, threads: 1, why: 'a small file: this thread' },
    { sizes: Array.from({ length: 20_000 }, () => 400), workers: 2, threads: 1, why: '20,000 tiny files (8 MB)' },
    { sizes: [255 * MB], workers: 2, threads: 1, why: 'under two shares' },
    { sizes: [256 * MB], workers: 2, threads: 2, why: 'two shares' },
    { sizes: [317 * MB], workers: 2, threads: 2, why: 'the dense archive' },
    { sizes: [1000 * MB], workers: 8, threads: 7, why: 'one per 128 MB' },
    { sizes: [1000 * MB], workers: 2, threads: 2, why: 'never more than asked' },
    { sizes: [1000 * MB], workers: 1, threads: 1, why: 'one asked' },
    { sizes: [MB, undefined], workers: 4, threads: 4, why: 'a stream (size unknown) beside a file that is cut: as asked' },
    { sizes: [], workers: 2, threads: 1, why: 'no input' },
  ] as const)('$why: $threads', ({ sizes, workers, threads }) => {
    expect(
      threadsFor(
        sizes.map((size) => ({ size, kind: 'json' as const })),
        workers,
        128 * MB,
        'seed',
        16,
      ),
    ).toBe(threads);
  });

  // files read whole are one task each: no more threads than files
  it.each([
    { files: [{ size: 1000 * MB, kind: 'json' }], profile: 'fleet', workers: 2, threads: 1, why: 'the fleet profile reads a file whole' },
    {
      files: [
        { size: 600 * MB, kind: 'jsonl' },
        { size: 600 * MB, kind: 'json' },
      ],
      profile: 'fleet',
      workers: 4,
      threads: 2,
      why: 'two fleet files',
    },
    { files: [{ size: 1000 * MB, kind: 'gzip' }], profile: 'seed', workers: 2, threads: 1, why: 'one gzip file' },
    { files: [{ size: undefined, kind: 'stdin' }], profile: 'seed', workers: 2, threads: 1, why: 'stdin alone' },
    {
      files: [400, 400, 400].map((mb) => ({ size: mb * MB, kind: 'agent' as const })),
      profile: 'seed',
      workers: 8,
      threads: 3,
      why: 'three agent logs',
    },
    {
      files: [
        { size: 1000 * MB, kind: 'gzip' },
        { size: 10 * MB, kind: 'json' },
      ],
      profile: 'seed',
      workers: 2,
      threads: 2,
      why: 'a file that is cut beside it',
    },
  ] as const)('$why: $threads', ({ files, profile, workers, threads }) => {
    expect(threadsFor(files, workers, 128 * MB, profile, 16)).toBe(threads);
  });

  // one reading thread keeps ~1.3 cores busy: on the 2-vCPU VM a second never paid
  it.each([
    { files: [{ size: 1000 * MB, kind: 'json' }], workers: 2, cores: 2, threads: 1, why: 'a dense 1 GB archive on two cores' },
    { files: [{ size: 317 * MB, kind: 'jsonl' }], workers: 8, cores: 2, threads: 1, why: 'the dense JSON Lines, eight allowed' },
    {
      files: [
        { size: undefined, kind: 'stdin' },
        { size: MB, kind: 'json' },
      ],
      workers: 4,
      cores: 2,
      threads: 1,
      why: 'a stream beside a cut file',
    },
    { files: [{ size: 1000 * MB, kind: 'json' }], workers: 8, cores: 3, threads: 2, why: 'three cores' },
    { files: [{ size: 1000 * MB, kind: 'json' }], workers: 8, cores: 4, threads: 3, why: 'four cores' },
    { files: [{ size: 1000 * MB, kind: 'json' }], workers: 8, cores: 1, threads: 1, why: 'one core' },
  ] as const)('$why: $threads', ({ files, workers, cores, threads }) => {
    expect(threadsFor(files, workers, 128 * MB, 'seed', cores)).toBe(threads);
  });

  it('never passes what the cores feed, unless the bytes per thread are 0 (always as asked)', () => {
    const file = fc.record({
      size: fc.option(fc.nat({ max: 2 ** 40 }), { nil: undefined }),
      kind: fc.constant('json' as const),
      light: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(file), fc.integer({ min: 1, max: 64 }), fc.integer({ min: 1, max: 256 }), (files, workers, cores) => {
        expect(threadsFor(files, workers, 128 * MB, 'seed', cores)).toBeLessThanOrEqual(readingThreads(cores));
        expect(threadsFor(files, workers, 0, 'seed', cores)).toBe(workers);
      }),
    );
  });

  // long messages: a file whose head holds few values per KB asks for at most half the cores
  it.each([
    { files: [{ size: 1000 * MB, kind: 'json', light: true }], workers: 2, cores: 4, threads: 2, why: 'the 1 GB long-message array, four cores' },
    { files: [{ size: 1000 * MB, kind: 'jsonl', light: true }], workers: 8, cores: 5, threads: 2, why: 'its JSON Lines, eight allowed' },
    {
      files: [
        { size: 1000 * MB, kind: 'json', light: true },
        { size: 317 * MB, kind: 'json', light: false },
      ],
      workers: 8,
      cores: 8,
      threads: 4,
      why: 'beside a dense archive, only the dense bytes count',
    },
    { files: [{ size: 317 * MB, kind: 'json', light: false }], workers: 2, cores: 4, threads: 2, why: 'the dense archive' },
  ] as const)('$why: $threads', ({ files, workers, cores, threads }) => {
    expect(threadsFor(files, workers, 128 * MB, 'seed', cores)).toBe(threads);
  });

  it.each([
    { cores: 2, threads: 1 },
    { cores: 3, threads: 1 },
    { cores: 4, threads: 2 },
    { cores: 16, threads: 7, why: 'one per 128 MB of the 1 GB' },
  ])('long messages on $cores cores: $threads of 8 allowed', ({ cores, threads }) => {
    expect(threadsFor([{ size: 1000 * MB, kind: 'json', light: true }], 8, 128 * MB, 'seed', cores)).toBe(threads);
  });

  it('with light files, stays between 1 and workers, never falls as the input grows, and never passes the plain count', () => {
    const file = fc.record({ size: fc.nat({ max: 2 ** 40 }), kind: fc.constant('json' as const), light: fc.boolean() });
    fc.assert(
      fc.property(fc.array(file), fc.integer({ min: 1, max: 64 }), fc.integer({ min: 1, max: 256 }), file, (files, workers, cores, more) => {
        const n = threadsFor(files, workers, 128 * MB, 'seed', cores);
        expect(n).toBeGreaterThanOrEqual(1);
        expect(n).toBeLessThanOrEqual(workers);
        expect(n).toBeLessThanOrEqual(
          threadsFor(
            files.map(({ size, kind }) => ({ size, kind })),
            workers,
            128 * MB,
            'seed',
            cores,
          ),
        );
        expect(threadsFor([...files, more], workers, 128 * MB, 'seed', cores)).toBeGreaterThanOrEqual(n);
      }),
    );
  });

  it('stays between 1 and workers, and never falls as the input grows', () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 2 ** 40 })), fc.integer({ min: 1, max: 64 }), fc.nat({ max: 2 ** 30 }), (sizes, workers, more) => {
        const files = sizes.map((size) => ({ size, kind: 'json' as const }));
        const n = threadsFor(files, workers, 128 * MB);
        expect(n).toBeGreaterThanOrEqual(1);
        expect(n).toBeLessThanOrEqual(workers);
        expect(threadsFor([...files, { size: more, kind: 'json' }], workers, 128 * MB)).toBeGreaterThanOrEqual(n);
      }),
    );
  });

  describe('its default', () => {
    let saved: string | undefined;
    beforeEach(() => {
      saved = process.env[ENV];
      delete process.env[ENV];
    });
    afterEach(() => {
      if (saved === undefined) delete process.env[ENV];
      else process.env[ENV] = saved;
    });

    it('is one thread per 128 MB; FLEET_PROPOSALS_MIN_THREAD_BYTES overrides it (0: as asked)', () => {
      const on16 = (size: number) => threadsFor([{ size, kind: 'json' }], 8, undefined, 'seed', 16);
      expect(MIN_BYTES_PER_THREAD).toBe(128 * MB);
      expect(on16(300 * MB)).toBe(2);
      process.env[ENV] = String(100 * MB);
      expect(on16(300 * MB)).toBe(3);
      process.env[ENV] = '0';
      expect(on16(1)).toBe(8);
      expect(threadsFor([{ size: 1, kind: 'json' }], 8, undefined, 'seed', 2)).toBe(8); // 0 lifts the cores' rule too
      process.env[ENV] = 'many';
      expect(on16(300 * MB)).toBe(2);
    });

    it('sends a small input with --workers 2 to this thread, with the same report as the workers give', async () => {
      const { files } = await resolveInputs([SAMPLE, SAMPLE], { from: 'auto' });
      const o = { ...DEFAULT_OPTIONS, workers: 2 };
      const report = async () => JSON.stringify(buildReport((await analyzeFiles(files, o)).state, o));
      parallelCalls.length = 0;
      const alone = await report();
      expect(parallelCalls).toEqual([]);
      process.env[ENV] = '0';
      const threaded = await report();
      expect(parallelCalls).toEqual([2]);
      expect(threaded).toBe(alone);
    });

    it('reads a long-message archive on this thread and a dense one on two, with the report two threads give', async () => {
      const dir = tmpDir();
      const long = path.join(dir, 'long.json');
      const dense = path.join(dir, 'dense.json');
      writeFileSync(long, archive(60, 20_000, 17));
      writeFileSync(dense, archive(3000, 60, 20));
      const [longFiles, denseFiles] = [(await resolveInputs([long], { from: 'auto' })).files, (await resolveInputs([dense], { from: 'auto' })).files];
      process.env[ENV] = String(64 * 1024); // one thread per 64 KB: by size, both would get two
      expect(threadsFor(longFiles, 2, undefined, 'seed', 4)).toBe(2);
      expect(threadsForInputs(longFiles, 2, 'seed', 2)).toBe(1); // on two cores, as this VM
      expect(threadsForInputs(longFiles, 2, 'seed', 4)).toBe(2); // half of four cores
      expect(threadsForInputs(denseFiles, 2, 'seed', 4)).toBe(2);
      expect(threadsForInputs(denseFiles, 2, 'seed', 2)).toBe(1); // two cores feed one reading thread
      expect(threadsForInputs([...longFiles, ...denseFiles], 8, 'seed', 16)).toBe(8); // the dense bytes alone ask for more than 8
      const o = { ...DEFAULT_OPTIONS, workers: 2 };
      const report = async () => JSON.stringify(buildReport((await analyzeFiles(longFiles, o)).state, o));
      parallelCalls.length = 0;
      const alone = await report();
      expect(parallelCalls).toEqual(availableParallelism() >= 4 ? [2] : []); // half the cores, at least one
      parallelCalls.length = 0;
      process.env[ENV] = '0'; // as asked: two threads on the same file
      const threaded = await report();
      expect(parallelCalls).toEqual([2]);
      expect(threaded).toBe(alone);
      expect(alone).toMatch(/Automate \d+ manual processes/); // a report with something in it: 17 calls of 3 tools a session
    });

    it('counts a file it cannot sample by its size (the reading thread reports the error in input order)', async () => {
      const dir = tmpDir();
      const gone = path.join(dir, 'gone.json');
      writeFileSync(gone, archive(60, 20_000, 17));
      const { files } = await resolveInputs([gone], { from: 'auto' });
      rmSync(gone);
      process.env[ENV] = String(64 * 1024);
      expect(threadsForInputs(files, 2, 'seed', 4)).toBe(2);
    });

    it('reads one fleet file on this thread however large it is counted, with the report the workers give', async () => {
      const { files } = await resolveInputs([SAMPLE], { from: 'auto' });
      const o = { ...DEFAULT_OPTIONS, profile: 'fleet', workers: 2 };
      const fleetReport = (state: AnalyzerState) => JSON.stringify(fleetProfile.report(finalizeState(state), { hourlyRate: o.hourlyRate }));
      const report = async () => fleetReport((await analyzeFiles(files, o)).state);
      process.env[ENV] = '1'; // one byte a thread: only the file count holds it to one
      parallelCalls.length = 0;
      const alone = await report();
      expect(parallelCalls).toEqual([]);
      const two = await resolveInputs([SAMPLE, SAMPLE], { from: 'auto' });
      await analyzeFiles(two.files, o); // two files: two tasks, two threads where the cores feed two
      const twoThreads = readingThreads(availableParallelism()) >= 2 ? [2] : [];
      expect(parallelCalls).toEqual(twoThreads);
      process.env[ENV] = '0'; // as asked: the worker path for the one file
      expect(await report()).toBe(alone);
      expect(parallelCalls).toEqual([...twoThreads, 2]);
    });
  });
});
