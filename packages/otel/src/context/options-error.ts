// Turns zod issues into one error that names every bad field, so a wrong option fails at startup
// with "endpoint: ..." rather than somewhere inside the exporter later.
import type { z } from 'zod';

export class SecurityLoggingConfigError extends Error {
  readonly issues: readonly { path: string; message: string }[];
  constructor(where: string, issues: readonly { path: string; message: string }[]) {
    super(`${where}: invalid options:\n${issues.map((i) => `  - ${i.path}: ${i.message}`).join('\n')}`);
    this.name = 'SecurityLoggingConfigError';
    this.issues = issues;
  }
}

export function parseOptions<S extends z.ZodType>(where: string, schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  throw new SecurityLoggingConfigError(
    where,
    result.error.issues.map((issue) => ({
      path: issue.path.length > 0 ? issue.path.map(String).join('.') : '(options)',
      message: issue.message,
    })),
  );
}
