import { defineConfig } from 'vitest/config';

/**
 * Two lanes. `unit` (npm run test:unit): no server, no external process beyond a short CLI call; under a minute.
 * `integration` (npm run test:integration): the `*.integration.test.ts` files, which start real servers (Kafka's
 * mock cluster, redis-server, the web host, WebHDFS's test double), ffmpeg or Chromium. `npm test` runs both.
 */
export default defineConfig({
  test: {
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Back-pressure and throughput-shaped tests measure the machine; keep them from competing with each other.
    fileParallelism: false,
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: ['test/**/*.integration.test.ts'] },
      },
      { extends: true, test: { name: 'integration', include: ['test/**/*.integration.test.ts'] } },
    ],
  },
});
