// What globalSetup hands to the test files (vitest provide/inject), and the helpers every test file
// uses to reach the shared Loki or to skip with the reason when there is none.
import { inject } from 'vitest';
import { LokiClient } from './loki-client.ts';

export interface LokiContext {
  available: boolean;
  /** Why there is no Loki (shown in skipped test names); '' when available. */
  reason: string;
  version: string;
  url: string;
  dir: string;
  rulesDir: string;
  overridesFile: string;
  binDir: string;
  loki: string;
  lokitool: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    loki: LokiContext;
  }
}

export function lokiContext(): LokiContext {
  return inject('loki');
}

/** Suite title that says why it was skipped, e.g. "real Loki (skipped: no Go toolchain ...)". */
export function suiteTitle(title: string, context: LokiContext): string {
  return context.available ? `${title} (Loki ${context.version})` : `${title} (skipped: ${context.reason})`;
}

/** A client for one tenant of the shared multi-tenant Loki; tenant ids must be unique per test file. */
export function tenantClient(context: LokiContext, tenant: string): LokiClient {
  return new LokiClient(context.url, tenant);
}
