import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'web/**/*.test.ts'],
    reporters: ['verbose'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // 2 cores: argon2 and real browsers are heavy; two files at a time.
    maxWorkers: 2,
    // Polled conditions are eventual (a page rendering, a peer's message
    // arriving); vitest's 1 s default is too short on a loaded 2-core CI.
    expect: { poll: { timeout: 15_000 } },
  },
});
