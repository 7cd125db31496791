import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: import.meta.dirname,
  test: {
    include: ['test/**/*.test.ts'],
    // Vitest's default (one fewer than the cores) ran the files one at a time on this 2-core CI VM:
    // 343 s; two at a time 241 s (2026-12-01, same tree, quiet machine), the many tests that wait
    // on child processes, workers, Redis or Chromium overlapping.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Tests of the parallel path use small fixtures, which the engine would read on one thread
    // (src/workers/thread-count.ts): keep `workers` as asked; the rule's own tests unset this.
    env: { FLEET_PROPOSALS_MIN_THREAD_BYTES: '0' },
  },
});
