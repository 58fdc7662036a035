// The Egg.js plugin in a real Egg 4 app loaded by @eggjs/mock, served over HTTP on 127.0.0.1.
// (The mock's own supertest-based httpRequest() answered 404 for every route of this ESM app, while
// the same app's callback() routes correctly, so the test serves it with node:http.)
import { createServer, type Server } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mm, type MockApplication } from '@eggjs/mock';
import { logs as otelLogs } from '@opentelemetry/api-logs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { capture, close, listen } from './helpers.ts';

const logs = capture();
let app: MockApplication;
let server: Server;
let url = '';

beforeAll(async () => {
  // Egg loads the plugin with Node's own loader, not Vitest's, so the plugin has its own copy of this
  // package's modules; the global provider is what both copies share (as in production).
  otelLogs.setGlobalLoggerProvider(logs.provider);
  app = mm.app({ baseDir: join(dirname(fileURLToPath(import.meta.url)), 'fixtures/egg-app') });
  await app.ready();
  server = createServer(app.callback());
  url = await listen(server);
});
afterAll(async () => {
  await close(server);
  await app.close();
  otelLogs.disable();
});
beforeEach(() => logs.reset());

describe('the logward Egg.js plugin', () => {
  it('mounts its middleware first in coreMiddleware', () => {
    expect(app.config.coreMiddleware[0]).toBe('logward');
  });

  it('writes the app-reported login failure once (not again for the 401)', async () => {
    const res = await fetch(`${url}/login?user=carol`, {
      method: 'POST',
      headers: { 'x-forwarded-for': '198.51.100.23' },
    });
    expect(res.status).toBe(401);
    const events = logs.events();
    expect(events.map((e) => e.name)).toEqual(['authn_login_fail']);
    expect(events[0]!.attributes).toMatchObject({
      'user.id': 'carol',
      'client.address': '198.51.100.23',
      'http.request.method': 'POST',
      'url.path': '/login',
      'http.route': '/login',
    });
  });

  it('turns a 403 into authz_fail with the route template', async () => {
    expect((await fetch(`${url}/admin/users/7`)).status).toBe(403);
    const events = logs.events();
    expect(events.map((e) => [e.name, e.attributes['http.route']])).toEqual([
      ['authz_fail', '/admin/users/:id'],
    ]);
  });

  it('bridges ctx.logger lines into OTel inside the request context', async () => {
    expect((await fetch(`${url}/hello`, { headers: { 'x-request-id': 'egg-req-1' } })).status).toBe(200);
    const lines = logs.records().filter((r) => r.attributes['logward.logger.name'] === 'logger');
    expect(lines).toHaveLength(1);
    expect(lines[0]!.body).toContain('hello from /hello');
    expect(lines[0]!.severityText).toBe('INFO');
    expect(lines[0]!.attributes['logward.request.id']).toBe('egg-req-1');
  });
});
