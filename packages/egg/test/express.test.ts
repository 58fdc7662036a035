// The Express middleware on a real Express 5 app over HTTP on 127.0.0.1.
import { createServer } from 'node:http';
import express from 'express';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loginFailed, logwardExpress, logwardExpressErrors } from '../src/index.ts';
import { capture, close, hashOf, listen } from './helpers.ts';

const logs = capture();

const app = express();
app.use(
  logwardExpress({ trustedProxies: ['127.0.0.0/8'], sessionCookie: 'connect.sid', loginRoutes: ['/login'] }),
);
app.use((req, _res, next) => {
  if (req.get('authorization') === 'Bearer token-alice') (req as { user?: unknown }).user = { id: 'alice' };
  next();
});
app.post('/login', (req, res) => {
  loginFailed(String(req.query.user));
  res.status(401).send('no');
});
app.get('/orders/:id', (req, res) => {
  res.status((req as { user?: unknown }).user ? 403 : 401).send('denied');
});
app.post('/orders', () => {
  throw Object.assign(new Error('bad order'), { status: 400, errors: [{ path: 'quantity' }] });
});
app.get('/crash', () => {
  throw new TypeError('undefined is not a function');
});
app.use(logwardExpressErrors());
app.use(
  (error: { status?: number }, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    res.status(error.status ?? 500).send('error');
  },
);

const server = createServer(app);
let url = '';
beforeAll(async () => {
  url = await listen(server);
});
afterAll(() => close(server));
beforeEach(() => logs.reset());

/** The automatic events are written on 'finish', which may come after the client saw the response. */
async function settled() {
  for (let i = 0; i < 1000 && logs.records().length === 0; i++)
    await new Promise((resolve) => setTimeout(resolve, 2));
}

describe('logwardExpress', () => {
  it('reports an app login failure once, with the hashed session and forwarded client', async () => {
    const res = await fetch(`${url}/login?user=bob`, {
      method: 'POST',
      headers: { cookie: 'connect.sid=s%3Aabc.def', 'x-forwarded-for': '192.0.2.44' },
    });
    expect(res.status).toBe(401);
    await settled();
    const events = logs.events();
    expect(events.map((e) => e.name)).toEqual(['authn_login_fail']);
    expect(events[0]!.attributes).toMatchObject({
      'user.id': 'bob',
      'client.address': '192.0.2.44',
      'session.id': hashOf('s:abc.def'),
      'url.path': '/login',
    });
  });

  it('uses the route template and the authenticated user for a 403', async () => {
    await fetch(`${url}/orders/981`, { headers: { authorization: 'Bearer token-alice' } });
    await settled();
    const events = logs.events();
    expect(events.map((e) => e.name)).toEqual(['authz_fail']);
    expect(events[0]!.attributes).toMatchObject({
      'user.id': 'alice',
      'http.route': '/orders/:id',
      'logward.authz.resource': '/orders/:id',
      'url.path': '/orders/981',
    });
  });

  it('reports a thrown 400 as input_validation_fail with the field', async () => {
    expect((await fetch(`${url}/orders`, { method: 'POST' })).status).toBe(400);
    await settled();
    const events = logs.events();
    expect(events.map((e) => e.name)).toEqual(['input_validation_fail']);
    expect(events[0]!.attributes['logward.input.fields']).toEqual(['quantity']);
  });

  it('writes an ERROR line with the error type for an unhandled error', async () => {
    expect((await fetch(`${url}/crash`)).status).toBe(500);
    await settled();
    const records = logs.records();
    expect(records.map((r) => [r.name, r.severityText, r.attributes['error.type']])).toEqual([
      [undefined, 'ERROR', 'TypeError'],
    ]);
  });
});
