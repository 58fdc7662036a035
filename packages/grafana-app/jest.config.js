// force timezone to UTC to allow tests to work regardless of local timezone
// generally used by snapshots, but can affect specific tests
process.env.TZ = 'UTC';

const base = require('./.config/jest.config');

module.exports = {
  // Jest configuration provided by Grafana scaffolding
  ...base,
  transform: {
    ...base.transform,
    // d3-color (a dependency of @grafana/data) ships `main: dist/d3-color.mjs`, which the scaffold's
    // `(t|j)sx?` transform does not cover.
    '^.+\\.mjs$': base.transform['^.+\\.(t|j)sx?$'],
  },
  // The dist check runs after a production build, through jest.dist.config.js.
  testPathIgnorePatterns: ['<rootDir>/node_modules/', '<rootDir>/dist-check/'],
};
