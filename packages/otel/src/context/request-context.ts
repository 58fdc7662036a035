// Per-request security context carried through async calls with AsyncLocalStorage, so log records
// emitted anywhere during a request get the actor, client and request id of that request. The Egg/Koa/
// Express middleware and @logward/kcp call runWithRequestContext; the context processor reads it.
import { AsyncLocalStorage } from 'node:async_hooks';

export interface RequestContext {
  /** Becomes logward.request.id. */
  requestId?: string;
  /** Becomes user.id. Take it from verified server-side auth state (ctx.state.user), never from request fields. */
  userId?: string;
  /** Raw session id; the context processor writes only its keyed HMAC hash as session.id. */
  sessionId?: string;
  /** Becomes client.address (the original client behind trusted proxies). */
  clientAddress?: string;
  /** Becomes client.port. */
  clientPort?: number;
  /** Becomes http.request.method. */
  httpMethod?: string;
  /** Becomes url.path. */
  urlPath?: string;
  /** Becomes http.route. */
  httpRoute?: string;
  /** Becomes user_agent.original. */
  userAgent?: string;
  /** Becomes server.address. */
  serverAddress?: string;
  /** Becomes server.port. */
  serverPort?: number;
  /** Becomes network.transport (tcp, udp, ...). */
  networkTransport?: string;
}

// One store per process even if two copies of this module are loaded (src and dist, or two versions),
// so middleware from one copy and the processor from another still meet.
const storeKey = Symbol.for('logward.otel.requestContext');
type GlobalWithStore = typeof globalThis & { [storeKey]?: AsyncLocalStorage<RequestContext> };
const globalWithStore = globalThis as GlobalWithStore;
const storage: AsyncLocalStorage<RequestContext> = (globalWithStore[storeKey] ??=
  new AsyncLocalStorage<RequestContext>());

/**
 * Runs `fn` with `ctx` as the request context of everything it calls, sync or async. The object is
 * copied, so later changes go through updateRequestContext.
 */
export function runWithRequestContext<T>(ctx: RequestContext, fn: () => T): T {
  return storage.run({ ...ctx }, fn);
}

/** The request context of the current async call chain, or undefined outside any request. */
export function getRequestContext(): Readonly<RequestContext> | undefined {
  return storage.getStore();
}

/**
 * Adds fields to the current request context (for example userId once authentication has run, which
 * happens after the outer middleware started the context). Returns false outside any request.
 */
export function updateRequestContext(patch: Partial<RequestContext>): boolean {
  const current = storage.getStore();
  if (!current) return false;
  Object.assign(current, patch);
  return true;
}
