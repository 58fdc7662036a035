import { defineConfig } from 'vitest/config';

// One test command for the whole workspace: each package (and test/) is a Vitest project,
// so `vitest run --project <name>` runs one of them.
export default defineConfig({
  test: {
    projects: ['packages/*/vitest.config.ts', 'test/vitest.config.ts'],
  },
});
