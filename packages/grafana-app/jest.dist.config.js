// Checks of the production build (dist/) and the release zip: run after `pnpm run package`, in node.
const base = require('./jest.config');

module.exports = {
  transform: base.transform,
  testEnvironment: 'node',
  testMatch: ['<rootDir>/dist-check/**/*.test.ts'],
};
