import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/helpers/build.global.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // CI has two cores; the integration tests each run their own local servers.
    maxWorkers: 2,
  },
});
