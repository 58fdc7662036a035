import { defineProject } from 'vitest/config';

export default defineProject({ test: { name: 'logql', include: ['test/**/*.test.ts'] } });
