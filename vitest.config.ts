import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // The Temporal SDK misbehaves under worker threads: one forked process per file.
    pool: 'forks',
    globalSetup: ['tests/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: keep at most two files running at once.
    maxWorkers: 2,
  },
});
