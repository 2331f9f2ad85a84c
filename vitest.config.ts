import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Two cores on CI: run files in parallel, but give the slow engine/browser tests room.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
