import { defineConfig } from 'vitest/config';

// Two projects: `unit` runs under plain Node against real SQLite files and the
// loopback cloud fakes; `browser` drives Debian's chromium through the web host.
// Both run behind the loopback guard: any non-127.0.0.1 connection fails the test.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/e2e/**', 'node_modules/**'],
          environment: 'node',
          setupFiles: ['test/support/loopback-guard.ts'],
          testTimeout: 30_000,
          pool: 'forks',
        },
      },
      {
        test: {
          name: 'browser',
          include: ['test/e2e/**/*.e2e.test.ts'],
          environment: 'node',
          setupFiles: ['test/support/loopback-guard.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
