// The Koa middleware on a real Koa app over HTTP on 127.0.0.1.
import { createServer } from 'node:http';
import Koa from 'koa';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { accessDenied, loginFailed, loginSucceeded, logwardKoa, permissionsChanged } from '../src/index.ts';
import { capture, close, hashOf, listen } from './helpers.ts';

const logs = capture();
const users: Record<string, { id: string; role: string }> = {
  'token-alice': { id: 'alice', role: 'user' },
  'token-root': { id: 'root', role: 'admin' },
};

function app(trustedProxies: string[]) {
  const koa = new Koa();
  koa.use(logwardKoa({ trustedProxies, sessionCookie: 'sid', loginRoutes: ['/login'] }) as Koa.Middleware);
  // The app's authentication: verified server-side state, set after logward's middleware ran.
  koa.use(async (ctx, next) => {
    const token = ctx.get('authorization').replace(/^Bearer /, '');
    if (users[token]) ctx.state.user = users[token];
    await next();
  });
  koa.use(async (ctx) => {
    const user = ctx.state.user as { id: string; role: string } | undefined;
    switch (ctx.path) {
      case '/login': {
        const name = String(ctx.query.user);
        if (ctx.query.password === 'correct-horse') {
          loginSucceeded(name);
          ctx.body = 'welcome';
        } else {
          loginFailed(name);
          ctx.status = 401;
        }
        return;
      }
      case '/admin':
        if (user?.role !== 'admin') ctx.throw(403);
        ctx.body = 'admin';
        return;
      case '/reports/42':
        if (user?.id !== 'root') {
          accessDenied('report:42');
          ctx.status = 404;
          return;
        }
        ctx.body = 'report';
        return;
      case '/promote':
        permissionsChanged({ targetUser: 'bob', oldRole: 'user', newRole: 'admin' });
        ctx.body = 'ok';
        return;
      case '/private':
        ctx.status = 401;
        return;
      case '/items':
        ctx.throw(422, 'invalid item', { errors: [{ field: 'price' }, { field: 'name' }] });
        return;
      case '/limited':
        ctx.status = 429;
        return;
      case '/boom':
        throw new Error('kaput');
      default:
        ctx.body = 'hello';
    }
  });
  koa.silent = true;
  return createServer(koa.callback());
}

const direct = app([]);
const behindProxy = app(['loopback']);
let url = '';
let proxiedUrl = '';
beforeAll(async () => {
  url = await listen(direct);
  proxiedUrl = await listen(behindProxy);
});
afterAll(async () => {
  await close(direct);
  await close(behindProxy);
});
beforeEach(() => logs.reset());

describe('logwardKoa', () => {
  it('writes no event for a normal request', async () => {
    expect((await fetch(`${url}/`)).status).toBe(200);
    expect(logs.events()).toEqual([]);
  });

  it('reports a failed login once, with the attempted account and the request context', async () => {
    const res = await fetch(`${url}/login?user=alice&password=guess`, {
      headers: { 'x-request-id': 'req-123', cookie: 'sid=s3ss10n-value', 'user-agent': 'curl/8.5.0' },
    });
    expect(res.status).toBe(401);
    const events = logs.events();
    expect(events.map((e) => e.name)).toEqual(['authn_login_fail']);
    expect(events[0]!.attributes).toMatchObject({
      'otel.event.name': 'authn_login_fail',
      'user.id': 'alice',
      'logward.authn.method': 'password',
      'logward.request.id': 'req-123',
      'client.address': '127.0.0.1',
      'http.request.method': 'GET',
      'url.path': '/login',
      'user_agent.original': 'curl/8.5.0',
      'session.id': hashOf('s3ss10n-value'),
    });
    expect(JSON.stringify(events)).not.toContain('s3ss10n-value');
    expect(events[0]!.severityText).toBe('WARN');
  });

  it('reports a successful login', async () => {
    await fetch(`${url}/login?user=alice&password=correct-horse`);
    expect(logs.events().map((e) => [e.name, e.attributes['user.id']])).toEqual([
      ['authn_login_success', 'alice'],
    ]);
  });

  it('turns a 403 into authz_fail for the authenticated user, never a user named by the request', async () => {
    const res = await fetch(`${url}/admin?user=root`, {
      headers: { authorization: 'Bearer token-alice', 'x-user-id': 'root' },
    });
    expect(res.status).toBe(403);
    const events = logs.events();
    expect(events.map((e) => e.name)).toEqual(['authz_fail']);
    expect(events[0]!.attributes).toMatchObject({
      'user.id': 'alice',
      'logward.authz.resource': '/admin',
      'http.response.status_code': 403,
    });
    expect(events[0]!.severityText).toBe('CRITICAL');
  });

  it('writes the app-reported authz_fail instead of an automatic one', async () => {
    const res = await fetch(`${url}/reports/42`, { headers: { authorization: 'Bearer token-alice' } });
    expect(res.status).toBe(404);
    expect(
      logs.events().map((e) => [e.name, e.attributes['logward.authz.resource'], e.attributes['user.id']]),
    ).toEqual([['authz_fail', 'report:42', 'alice']]);
  });

  it('reports a privilege change by the acting admin', async () => {
    await fetch(`${url}/promote`, { headers: { authorization: 'Bearer token-root' } });
    const events = logs.events();
    expect(events.map((e) => e.name)).toEqual(['privilege_permissions_changed']);
    expect(events[0]!.attributes).toMatchObject({
      'user.id': 'root',
      'logward.privilege.target_user': 'bob',
      'logward.privilege.old_role': 'user',
      'logward.privilege.new_role': 'admin',
    });
  });

  it('treats a 401 outside the login routes as an authz_fail at WARN', async () => {
    expect((await fetch(`${url}/private`)).status).toBe(401);
    const events = logs.events();
    expect(events.map((e) => [e.name, e.severityText])).toEqual([['authz_fail', 'WARN']]);
  });

  it('reports validation errors with their field names', async () => {
    expect((await fetch(`${url}/items`, { method: 'POST' })).status).toBe(422);
    const events = logs.events();
    expect(events.map((e) => e.name)).toEqual(['input_validation_fail']);
    expect(events[0]!.attributes['logward.input.fields']).toEqual(['price', 'name']);
    expect(events[0]!.attributes['http.request.method']).toBe('POST');
  });

  it('reports a 429 as excess_rate_limit_exceeded', async () => {
    expect((await fetch(`${url}/limited`)).status).toBe(429);
    expect(logs.events().map((e) => e.name)).toEqual(['excess_rate_limit_exceeded']);
  });

  it('writes an ERROR line for an unhandled error and lets Koa answer 500', async () => {
    expect((await fetch(`${url}/boom`)).status).toBe(500);
    const lines = logs.records();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ name: undefined, severityText: 'ERROR' });
    expect(lines[0]!.attributes).toMatchObject({ 'error.type': 'Error', 'url.path': '/boom' });
  });

  it('replaces a request id that is not a plain token', async () => {
    await fetch(`${url}/private`, { headers: { 'x-request-id': 'evil id <script>' } });
    const id = logs.events()[0]!.attributes['logward.request.id'];
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('ignores X-Forwarded-For from an untrusted peer', async () => {
    await fetch(`${url}/private`, { headers: { 'x-forwarded-for': '203.0.113.9' } });
    expect(logs.events()[0]!.attributes['client.address']).toBe('127.0.0.1');
  });

  it('takes the client from X-Forwarded-For behind a trusted proxy, skipping trusted hops', async () => {
    await fetch(`${proxiedUrl}/private`, {
      headers: { 'x-forwarded-for': '198.51.100.7, 203.0.113.9, 127.0.0.1' },
    });
    const attributes = logs.events()[0]!.attributes;
    expect(attributes['client.address']).toBe('203.0.113.9');
    expect(attributes['client.port']).toBeUndefined();
  });
});
