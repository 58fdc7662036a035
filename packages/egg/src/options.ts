// Options shared by the Koa and Express middleware and the Egg.js plugin.
export interface HttpSecurityOptions {
  /** Header carrying an upstream request id; a value that is not a plain token is replaced. Default x-request-id. */
  requestIdHeader?: string;
  /** Proxies whose X-Forwarded-For is believed: IPs, CIDR blocks or "loopback". Default: none. */
  trustedProxies?: string[];
  /** Cookie holding the session id (hashed by the context processor, never logged raw). */
  sessionCookie?: string;
  /**
   * Turns the framework's verified auth state (ctx.state.user, req.user) into a user id. Default:
   * the value itself when it is a string, else its id, sub, username or name.
   */
  userIdFrom?: (user: unknown) => string | undefined;
  /** Routes where a 401 means a failed login (authn_login_fail); elsewhere a 401 is an authz_fail. */
  loginRoutes?: string[];
  /** Write automatic events for 400/401/403/422/429 responses and unhandled errors. Default true. */
  automaticEvents?: boolean;
}

export interface ResolvedHttpSecurityOptions {
  requestIdHeader: string;
  trustedProxies: string[];
  sessionCookie: string | undefined;
  userIdFrom: (user: unknown) => string | undefined;
  loginRoutes: string[];
  automaticEvents: boolean;
}

export function defaultUserIdFrom(user: unknown): string | undefined {
  if (typeof user === 'string' && user !== '') return user;
  if (typeof user === 'number') return String(user);
  if (user && typeof user === 'object') {
    const record = user as Record<string, unknown>;
    for (const key of ['id', 'sub', 'username', 'name']) {
      const value = record[key];
      if ((typeof value === 'string' && value !== '') || typeof value === 'number') return String(value);
    }
  }
  return undefined;
}

export function resolveOptions(options: HttpSecurityOptions = {}): ResolvedHttpSecurityOptions {
  return {
    requestIdHeader: (options.requestIdHeader ?? 'x-request-id').toLowerCase(),
    trustedProxies: options.trustedProxies ?? [],
    sessionCookie: options.sessionCookie,
    userIdFrom: options.userIdFrom ?? defaultUserIdFrom,
    loginRoutes: options.loginRoutes ?? [],
    automaticEvents: options.automaticEvents ?? true,
  };
}
