import { defineProject } from 'vitest/config';

// Every CLI test runs the real binary in a child process (a Node start each), several per test.
export default defineProject({ test: { name: 'cli', include: ['test/**/*.test.ts'], testTimeout: 60_000 } });
