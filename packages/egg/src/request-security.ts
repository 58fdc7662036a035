// The framework-neutral part of the middleware: open the request context, and when the response is
// known, write the security events the framework can see on its own (401/403, validation errors,
// 429) unless the application already reported one for this request.
import { randomUUID } from 'node:crypto';
import { getRequestContext, runWithRequestContext, type RequestContext } from '@logward/otel';
import { resolveClient, trustedProxyMatcher } from './client-address.ts';
import { emitEvent, emitLine, type EventAttributes } from './emit.ts';
import { resolveOptions, type HttpSecurityOptions, type ResolvedHttpSecurityOptions } from './options.ts';

/** What a framework adapter knows about a request when it starts. */
export interface IncomingRequestInfo {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  peerAddress: string | undefined;
  peerPort: number | undefined;
  localAddress: string | undefined;
  localPort: number | undefined;
  /** Reads a cookie by name (the adapter's own cookie parsing, or the raw header). */
  cookie: (name: string) => string | undefined;
  /** The verified auth state (ctx.state.user / req.user); read lazily, auth runs after us. */
  authUser: () => unknown;
  /** The matched route template, once routing has run. */
  route: () => string | undefined;
}

const safeRequestId = /^[A-Za-z0-9._:-]{1,128}$/;

/** Response statuses that have an automatic event. */
const eventStatuses = new Set([400, 401, 403, 422, 429]);

/** Request context objects whose request already has an application-reported security event. */
const reportedFamilies = new WeakMap<object, Set<string>>();

function familyOf(eventName: string): string {
  if (eventName.startsWith('authn_')) return 'authn';
  if (eventName.startsWith('authz_')) return 'authz';
  if (eventName.startsWith('input_validation')) return 'input_validation';
  if (eventName.startsWith('excess_')) return 'excess';
  return eventName;
}

/** Records that the application reported `eventName` in the current request (suppresses the automatic one). */
export function markReported(eventName: string): void {
  const store = getRequestContext();
  if (!store) return;
  let families = reportedFamilies.get(store);
  if (!families) reportedFamilies.set(store, (families = new Set()));
  families.add(familyOf(eventName));
}

/** Builds the per-app request handler from the options (validated once, at startup). */
export function createRequestSecurity(options: HttpSecurityOptions = {}) {
  const resolved: ResolvedHttpSecurityOptions = resolveOptions(options);
  const isTrusted = trustedProxyMatcher(resolved.trustedProxies);

  function contextFor(info: IncomingRequestInfo): RequestContext {
    const header = info.headers[resolved.requestIdHeader];
    const upstream = Array.isArray(header) ? header[0] : header;
    const client = resolveClient(info.peerAddress, info.peerPort, info.headers['x-forwarded-for'], isTrusted);
    const agent = info.headers['user-agent'];
    const context: RequestContext = {
      requestId: upstream && safeRequestId.test(upstream) ? upstream : randomUUID(),
      httpMethod: info.method,
      urlPath: info.path,
      networkTransport: 'tcp',
    };
    if (client.address) context.clientAddress = client.address;
    if (client.port !== undefined) context.clientPort = client.port;
    if (typeof agent === 'string') context.userAgent = agent;
    if (info.localAddress) context.serverAddress = info.localAddress;
    if (info.localPort !== undefined) context.serverPort = info.localPort;
    const session = resolved.sessionCookie ? info.cookie(resolved.sessionCookie) : undefined;
    if (session) context.sessionId = session;
    return context;
  }

  /**
   * Runs `handle` inside the request context. userId and httpRoute are getters: authentication and
   * routing run inside `handle`, after the context opened, and every record emitted after they ran
   * must carry them.
   */
  function run<T>(info: IncomingRequestInfo, handle: () => T): T {
    return runWithRequestContext(contextFor(info), () => {
      const store = getRequestContext() as RequestContext;
      Object.defineProperty(store, 'userId', {
        enumerable: true,
        configurable: true,
        get: () => resolved.userIdFrom(info.authUser()),
      });
      Object.defineProperty(store, 'httpRoute', { enumerable: true, configurable: true, get: info.route });
      return handle();
    });
  }

  /** The request context of the running request, to re-enter from callbacks outside its async chain. */
  function current(): RequestContext | undefined {
    return getRequestContext() as RequestContext | undefined;
  }

  /**
   * Writes the automatic events for a finished request. `store` is the request's context object
   * (from `current()` inside `run`); the events are emitted inside a snapshot of it.
   */
  function finish(store: RequestContext | undefined, status: number, error?: unknown): void {
    if (!resolved.automaticEvents || !store) return;
    // Most responses write nothing: decide that before copying the context.
    if (!eventStatuses.has(status) && !(error !== undefined && status >= 500)) return;
    const reported = reportedFamilies.get(store) ?? new Set<string>();
    const snapshot: RequestContext = { ...store };
    runWithRequestContext(snapshot, () => automaticEvents(snapshot, status, error, reported));
  }

  function automaticEvents(ctx: RequestContext, status: number, error: unknown, reported: Set<string>): void {
    const target = `${ctx.httpMethod ?? ''} ${ctx.urlPath ?? ''}`;
    const http: EventAttributes = { 'http.response.status_code': status };
    const resource = ctx.httpRoute ?? ctx.urlPath;
    if (status === 401) {
      const route = ctx.httpRoute ?? ctx.urlPath ?? '';
      if (resolved.loginRoutes.includes(route)) {
        if (!reported.has('authn'))
          emitEvent('authn_login_fail', http, `Login failed (HTTP 401 on ${target})`);
      } else if (!reported.has('authz')) {
        // Unauthenticated access to a protected resource: denied, but not the CRITICAL of a signed-in
        // user reaching past their rights, so the level is lowered to WARN.
        emitEvent(
          'authz_fail',
          { ...http, ...(resource ? { 'logward.authz.resource': resource } : {}) },
          `Authentication required (HTTP 401 on ${target})`,
          'WARN',
        );
      }
    } else if (status === 403 && !reported.has('authz')) {
      emitEvent(
        'authz_fail',
        { ...http, ...(resource ? { 'logward.authz.resource': resource } : {}) },
        `Access denied (HTTP 403 on ${target})`,
      );
    } else if ((status === 400 || status === 422) && !reported.has('input_validation')) {
      const fields = validationFields(error);
      emitEvent(
        'input_validation_fail',
        { ...http, ...(fields.length ? { 'logward.input.fields': fields } : {}) },
        `Input validation failed (HTTP ${status} on ${target})`,
      );
    } else if (status === 429 && !reported.has('excess')) {
      emitEvent('excess_rate_limit_exceeded', http, `Rate limit exceeded (HTTP 429 on ${target})`);
    }
    if (error !== undefined && status >= 500) {
      const type = error instanceof Error ? error.name : typeof error;
      const message = error instanceof Error ? error.message : String(error);
      emitLine(17, 'ERROR', `Unhandled error on ${target}: ${message}`, { 'error.type': type, ...http });
    }
  }

  return { options: resolved, run, current, finish };
}

export type RequestSecurity = ReturnType<typeof createRequestSecurity>;

/**
 * Field names of a validation error, from the shapes common validators throw: egg-validate / parameter
 * (`errors: [{ field }]`), zod (`issues: [{ path }]`), express-validator (`errors: [{ path | param }]`),
 * or a plain `fields` array.
 */
export function validationFields(error: unknown): string[] {
  if (!error || typeof error !== 'object') return [];
  const e = error as Record<string, unknown>;
  const fields = new Set<string>();
  const list = Array.isArray(e.errors) ? e.errors : Array.isArray(e.issues) ? e.issues : [];
  for (const item of list) {
    if (!item || typeof item !== 'object') continue;
    const i = item as Record<string, unknown>;
    const field = i.field ?? i.param ?? (Array.isArray(i.path) ? i.path.join('.') : i.path);
    if (typeof field === 'string' && field !== '') fields.add(field);
  }
  if (Array.isArray(e.fields)) for (const f of e.fields) if (typeof f === 'string') fields.add(f);
  return [...fields].slice(0, 20);
}

/** HTTP status of a thrown error (Koa/Egg `status`, Express/http-errors `statusCode`), else 500. */
export function statusOfError(error: unknown): number {
  if (error && typeof error === 'object') {
    const e = error as { status?: unknown; statusCode?: unknown };
    const status = typeof e.status === 'number' ? e.status : e.statusCode;
    if (typeof status === 'number' && status >= 400 && status < 600) return status;
  }
  return 500;
}
