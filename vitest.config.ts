import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: import.meta.dirname,
  test: {
    include: ['test/**/*.test.ts'],
    // TMPDIR: a folder of the run's own, removed at its end (test/global-setup.ts says why)
    globalSetup: ['test/global-setup.ts'],
    // Vitest's default (one fewer than the cores) ran the files one at a time on this 2-core CI VM:
    // 343 s; two at a time 241 s (2026-12-01, same tree, quiet machine), the many tests that wait
    // on child processes, workers, Redis or Chromium overlapping.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // Worker threads, not child processes (vitest's default): a test file's own start-up costs
    // less. The 51 files that ran under 1.5 s each: 31.6 and 30.7 s of CPU (user+sys) against
    // 38.3 and 33.5 s with forks, runs alternated (2026-12-02, load 5.5-7.9). (`isolate: false`
    // took 11 s there, but 18 test files change process.env, prototypes or module state at
    // their top or in a test, which would then leak into the files after them.)
    pool: 'threads',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Tests of the parallel path use small fixtures, which the engine would read on one thread
    // (src/workers/thread-count.ts): keep `workers` as asked; the rule's own tests unset this.
    env: { FLEET_PROPOSALS_MIN_THREAD_BYTES: '0' },
  },
});
