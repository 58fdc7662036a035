// The logward plugin (the workspace package @logward/egg; in an app outside this repo: `package: '@logward/egg'`).
export default {
  logward: { enable: true, package: '@logward/egg' },
};
