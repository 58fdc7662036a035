import { defineProject } from 'vitest/config';

export default defineProject({ test: { name: 'egg', include: ['test/**/*.test.ts'] } });
