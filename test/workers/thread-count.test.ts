import path from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { finalizeState, type AnalyzerState } from '../../src/accumulators/index.js';
import { analyzeFiles } from '../../src/engine.js';
import { fleetProfile } from '../../src/fleet/profile.js';
import { resolveInputs } from '../../src/input/sources.js';
import { DEFAULT_OPTIONS } from '../../src/options.js';
import { buildReport } from '../../src/report/index.js';
import { MIN_BYTES_PER_THREAD, threadsFor } from '../../src/workers/thread-count.js';

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

describe(threadsFor.name, () => {
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
    expect(threadsFor(files, workers, 128 * MB, profile)).toBe(threads);
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
      expect(MIN_BYTES_PER_THREAD).toBe(128 * MB);
      expect(threadsFor([{ size: 300 * MB, kind: 'json' }], 8)).toBe(2);
      process.env[ENV] = String(100 * MB);
      expect(threadsFor([{ size: 300 * MB, kind: 'json' }], 8)).toBe(3);
      process.env[ENV] = '0';
      expect(threadsFor([{ size: 1, kind: 'json' }], 8)).toBe(8);
      process.env[ENV] = 'many';
      expect(threadsFor([{ size: 300 * MB, kind: 'json' }], 8)).toBe(2);
    });

    it('sends a small input with --workers 2 to this thread, with the same report as the workers give', async () => {
      const { files } = await resolveInputs([SAMPLE, SAMPLE], { from: 'auto' });
      const o = { ...DEFAULT_OPTIONS, workers: 2 };
      const report = async () => JSON.stringify(buildReport((await analyzeFiles(files, o)).state, o));
      parallelCalls.length = 0;
      const alone = await report();
      expect(parallelCalls).toEqual([]);
      process.env[ENV] = '1';
      const threaded = await report();
      expect(parallelCalls).toEqual([2]);
      expect(threaded).toBe(alone);
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
      await analyzeFiles(two.files, o); // two files: two tasks, two threads
      expect(parallelCalls).toEqual([2]);
      process.env[ENV] = '0'; // as asked: the worker path for the one file
      expect(await report()).toBe(alone);
      expect(parallelCalls).toEqual([2, 2]);
    });
  });
});
