// Koa middleware (also what the Egg.js plugin mounts): put it first, so every later middleware and
// handler runs inside the request context.
import type { IncomingMessage } from 'node:http';
import type { HttpSecurityOptions } from './options.ts';
import { createRequestSecurity, statusOfError, type IncomingRequestInfo } from './request-security.ts';

/** The parts of a Koa (or Egg) context the middleware reads; typed structurally so Koa 2, 3 and @eggjs/koa fit. */
export interface KoaLikeContext {
  method: string;
  path: string;
  status: number;
  headers: Record<string, string | string[] | undefined>;
  req: IncomingMessage;
  state?: Record<string, unknown>;
  cookies?: { get(name: string, options?: { signed?: boolean }): string | undefined };
  /** Egg with egg-passport: the authenticated user. */
  user?: unknown;
  /** @koa/router and @eggjs/router: the matched route template. */
  _matchedRoute?: string;
  routerPath?: string;
}

export type KoaLikeMiddleware = (ctx: KoaLikeContext, next: () => Promise<unknown>) => Promise<void>;

export function koaRequestInfo(ctx: KoaLikeContext): IncomingRequestInfo {
  const socket = ctx.req.socket;
  return {
    method: ctx.method,
    path: ctx.path,
    headers: ctx.headers,
    peerAddress: socket.remoteAddress,
    peerPort: socket.remotePort,
    localAddress: socket.localAddress,
    localPort: socket.localPort,
    cookie: (name) => ctx.cookies?.get(name, { signed: false }),
    authUser: () => ctx.state?.user ?? ctx.user,
    route: () => ctx._matchedRoute ?? ctx.routerPath,
  };
}

/** logward's Koa middleware: request context, automatic security events, unhandled-error lines. */
export function logwardKoa(options: HttpSecurityOptions = {}): KoaLikeMiddleware {
  const security = createRequestSecurity(options);
  return (ctx, next) =>
    security.run(koaRequestInfo(ctx), async () => {
      const store = security.current();
      try {
        await next();
      } catch (error) {
        security.finish(store, statusOfError(error), error);
        throw error;
      }
      security.finish(store, ctx.status);
    });
}
