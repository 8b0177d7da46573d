import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Whole-scenario tests (queueing closed forms, worker parity) run for seconds, not milliseconds.
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
