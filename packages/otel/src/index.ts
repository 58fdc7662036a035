// Public entry point of @logward/otel. Other parts of logward and users rely on these names.
export * from './redaction/index.ts';
export * from './context/index.ts';
export * from './setup/index.ts';
