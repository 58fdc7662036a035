// A small shop API instrumented with logward. It shows the three ways security events come about:
//   - automatically from the middleware (403 → authz_fail, 400 → input_validation_fail, 429 → excess_...),
//   - from the app where only it knows the meaning (login outcome, a role change, an object it refused),
//   - and the app's own log lines, which pass the same redaction as everything else (this app logs a
//     login body and support messages as careless apps do, so the demo can show what redaction removes).
import { randomBytes } from 'node:crypto';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { logs } from '@opentelemetry/api-logs';
import {
  accessDenied,
  loginFailed,
  loginSucceeded,
  logwardExpress,
  logwardExpressErrors,
  permissionsChanged,
} from '@logward/egg';

interface User {
  id: string;
  password: string;
  role: 'customer' | 'admin';
}

export interface ShopOptions {
  /** Proxies whose X-Forwarded-For is believed (the demo's traffic comes through a loopback "proxy"). */
  trustedProxies?: string[];
  /** Requests per client per window on /search before 429. */
  searchLimit?: number;
  searchWindowMs?: number;
}

// Obviously fake demo accounts; passwords are placeholders, not real credentials.
export const demoUsers: Record<string, User> = {
  alice: { id: 'alice', password: 'demo-password-alice', role: 'customer' },
  bob: { id: 'bob', password: 'demo-password-bob', role: 'customer' },
  carol: { id: 'carol', password: 'demo-password-carol', role: 'customer' },
  mallory: { id: 'mallory', password: 'demo-password-mallory', role: 'customer' },
  admin: { id: 'admin', password: 'demo-password-admin', role: 'admin' },
};

const orders: Record<string, { owner: string; total: number }> = {
  '1001': { owner: 'alice', total: 42 },
  '1002': { owner: 'bob', total: 17 },
};

type AuthedRequest = Request & { user?: User };

const appLog = logs.getLogger('shop-api');

/** The app's own log line (what `logger.info(...)` would be in a real app). */
function log(message: string, attributes: Record<string, string | number> = {}): void {
  appLog.emit({ severityNumber: 9, severityText: 'INFO', body: message, attributes });
}

export function createShopApp(options: ShopOptions = {}): Express {
  const sessions = new Map<string, User>();
  const searches = new Map<string, { windowStart: number; count: number }>();
  const searchLimit = options.searchLimit ?? 5;
  const searchWindowMs = options.searchWindowMs ?? 10_000;
  const app = express();
  app.set('trust proxy', false); // logward resolves the client address itself, from trustedProxies only
  app.use(
    logwardExpress({
      trustedProxies: options.trustedProxies ?? [],
      sessionCookie: 'shop_session',
      loginRoutes: ['/login'],
    }),
  );
  app.use(express.json());
  // Authentication: the session cookie or bearer token maps to a user on the server side.
  app.use((req: AuthedRequest, _res, next) => {
    const bearer = req.get('authorization')?.replace(/^Bearer /, '');
    const cookie = /(?:^|;\s*)shop_session=([^;]+)/.exec(req.get('cookie') ?? '')?.[1];
    const user = sessions.get(bearer ?? cookie ?? '');
    if (user) req.user = user;
    next();
  });

  app.post('/login', (req, res) => {
    // Careless debugging line: the body includes the password. Redaction masks it before export.
    log(`login request ${JSON.stringify(req.body)}`);
    const { username, password } = (req.body ?? {}) as { username?: string; password?: string };
    const user = username ? demoUsers[username] : undefined;
    if (!username || !user || user.password !== password) {
      loginFailed(String(username ?? ''));
      res.status(401).json({ error: 'invalid credentials' });
      return;
    }
    const token = randomBytes(16).toString('hex');
    sessions.set(token, user);
    loginSucceeded(user.id);
    res.cookie('shop_session', token, { httpOnly: true, sameSite: 'strict' }).json({ token });
  });

  app.get('/products', (_req, res) => {
    res.json([
      { id: 'p1', name: 'teapot', price: 20 },
      { id: 'p2', name: 'kettle', price: 35 },
    ]);
  });

  app.get('/orders/:id', (req: AuthedRequest, res) => {
    if (!req.user) return void res.status(401).json({ error: 'login required' });
    const order = orders[String(req.params.id)];
    if (!order || (order.owner !== req.user.id && req.user.role !== 'admin')) {
      // Answer 404 so the order's existence does not leak, but record the refused object.
      if (order) accessDenied(`order:${req.params.id}`);
      return void res.status(404).json({ error: 'not found' });
    }
    res.json(order);
  });

  app.post('/orders', (req: AuthedRequest, res, next) => {
    const quantity = (req.body as { quantity?: unknown } | undefined)?.quantity;
    if (!Number.isInteger(quantity) || (quantity as number) < 1 || (quantity as number) > 100) {
      next(Object.assign(new Error('invalid order'), { status: 400, errors: [{ path: 'quantity' }] }));
      return;
    }
    res.status(201).json({ ok: true });
  });

  app.get('/admin/users/:id', (req: AuthedRequest, res) => {
    if (req.user?.role !== 'admin') return void res.status(403).json({ error: 'forbidden' });
    res.json(demoUsers[String(req.params.id)] ? { id: req.params.id } : {});
  });

  app.post('/admin/users/:id/role', (req: AuthedRequest, res) => {
    if (req.user?.role !== 'admin') return void res.status(403).json({ error: 'forbidden' });
    const target = demoUsers[String(req.params.id)];
    const role = (req.body as { role?: string } | undefined)?.role;
    if (!target || (role !== 'admin' && role !== 'customer'))
      return void res.status(400).json({ error: 'bad request' });
    const oldRole = target.role;
    target.role = role;
    permissionsChanged({ targetUser: target.id, oldRole, newRole: role });
    res.json({ id: target.id, role });
  });

  app.post('/support', (req: AuthedRequest, res) => {
    // Support messages get logged verbatim; users paste keys into them. Redaction removes those.
    const message = String((req.body as { message?: unknown } | undefined)?.message ?? '');
    log(`support ticket from ${req.user?.id ?? 'anonymous'}: ${message}`);
    res.status(202).json({ queued: true });
  });

  app.get('/search', (req, res) => {
    const client = req.socket.remoteAddress + String(req.get('x-forwarded-for') ?? '');
    const now = Date.now();
    const slot = searches.get(client);
    if (!slot || now - slot.windowStart >= searchWindowMs)
      searches.set(client, { windowStart: now, count: 1 });
    else if (++slot.count > searchLimit)
      return void res.status(429).set('retry-after', '10').json({ error: 'slow down' });
    res.json({ results: [] });
  });

  app.use(logwardExpressErrors());
  app.use(
    (error: { status?: number; message?: string }, _req: Request, res: Response, _next: NextFunction) => {
      res
        .status(error.status ?? 500)
        .json({ error: error.status && error.status < 500 ? error.message : 'internal error' });
    },
  );
  return app;
}
