import { defineProject } from 'vitest/config';

// The real-Loki tests: globalSetup builds (once) or finds Loki and starts it for all files.
// Timeouts are generous because Loki's ruler and ingester work in wall-clock seconds.
export default defineProject({
  test: {
    name: 'loki',
    include: ['loki/**/*.test.ts'],
    globalSetup: ['loki/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
