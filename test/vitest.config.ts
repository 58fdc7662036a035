import { defineProject } from 'vitest/config';
export default defineProject({ test: { name: 'loki', include: ['loki/**/*.test.ts'] } });
