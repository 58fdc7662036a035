// Express middleware: `app.use(logwardExpress())` first, `app.use(logwardExpressErrors())` after the
// routes (before your own error handler), so thrown errors reach the automatic events.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HttpSecurityOptions } from './options.ts';
import { createRequestSecurity, statusOfError, type IncomingRequestInfo } from './request-security.ts';

/** The parts of an Express request the middleware reads (structural, so Express 4 and 5 fit). */
export interface ExpressLikeRequest extends IncomingMessage {
  path?: string;
  user?: unknown;
  route?: { path?: unknown };
  baseUrl?: string;
  cookies?: Record<string, string | undefined>;
}

type Next = (error?: unknown) => void;

const errorKey = Symbol('logward.error');
type ResponseWithError = ServerResponse & { [errorKey]?: unknown };

function cookieFromHeader(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const index = part.indexOf('=');
    if (index > 0 && part.slice(0, index).trim() === name) {
      const value = part.slice(index + 1).trim();
      try {
        return decodeURIComponent(value);
      } catch {
        return value;
      }
    }
  }
  return undefined;
}

export function expressRequestInfo(req: ExpressLikeRequest): IncomingRequestInfo {
  const socket = req.socket;
  return {
    method: req.method ?? 'GET',
    path: req.path ?? (req.url ?? '/').split('?')[0] ?? '/',
    headers: req.headers,
    peerAddress: socket.remoteAddress,
    peerPort: socket.remotePort,
    localAddress: socket.localAddress,
    localPort: socket.localPort,
    cookie: (name) => req.cookies?.[name] ?? cookieFromHeader(req.headers.cookie, name),
    authUser: () => req.user,
    route: () => (typeof req.route?.path === 'string' ? `${req.baseUrl ?? ''}${req.route.path}` : undefined),
  };
}

/** logward's Express middleware: request context and automatic security events at response end. */
export function logwardExpress(options: HttpSecurityOptions = {}) {
  const security = createRequestSecurity(options);
  return (req: ExpressLikeRequest, res: ServerResponse, next: Next): void => {
    security.run(expressRequestInfo(req), () => {
      const store = security.current();
      // 'finish' fires outside the request's async chain; finish() re-enters a snapshot of its context.
      res.once('finish', () => security.finish(store, res.statusCode, (res as ResponseWithError)[errorKey]));
      next();
    });
  };
}

/** Error middleware: remembers the error for the automatic events and passes it on unchanged. */
export function logwardExpressErrors() {
  return (error: unknown, _req: ExpressLikeRequest, res: ServerResponse, next: Next): void => {
    (res as ResponseWithError)[errorKey] = error;
    if (!res.headersSent && res.statusCode < 400) res.statusCode = statusOfError(error);
    next(error);
  };
}
