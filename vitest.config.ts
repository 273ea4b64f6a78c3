import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Back-pressure and throughput-shaped tests measure the machine; keep them from competing with each other.
    fileParallelism: false,
    reporters: ['default', ['json', { outputFile: '.tmp/vitest-results.json' }]],
  },
});
