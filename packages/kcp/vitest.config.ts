import { defineProject } from 'vitest/config';

export default defineProject({ test: { name: 'kcp', include: ['test/**/*.test.ts'] } });
