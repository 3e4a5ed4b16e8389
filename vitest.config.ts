import { defineConfig } from 'vitest/config';

// Unit tests sit beside the code; integration tests (real pcscd + vpcd + pcsclite, pty pairs,
// CUPS, Chromium) live in test/. Each integration file starts its own private pcscd, so files
// run in parallel without sharing readers.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['{shared,reader,hardware,kiosk,scripts}/**/*.test.ts'],
          pool: 'threads',
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          pool: 'forks',
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
