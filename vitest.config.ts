import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: import.meta.dirname,
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Tests of the parallel path use small fixtures, which the engine would read on one thread
    // (src/workers/thread-count.ts): keep `workers` as asked; the rule's own tests unset this.
    env: { FLEET_PROPOSALS_MIN_THREAD_BYTES: '0' },
  },
});
