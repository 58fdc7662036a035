// A stand-in for Loki's ruler API on 127.0.0.1 (node:http or node:https) for the sync/diff tests:
// it stores rule groups per tenant and namespace as Loki does, answers GET/POST/DELETE on
// /loki/api/v1/rules/..., records every request, and can be told to fail like Loki does (4xx/5xx).
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { parse, stringify } from 'yaml';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface FakeLokiRuler {
  url: string;
  requests: RecordedRequest[];
  /** tenant ("fake" when X-Scope-OrgID is absent) → namespace → group name → group. */
  store: Map<string, Map<string, Map<string, Record<string, unknown>>>>;
  failNext(method: string, status: number, body: string): void;
  close(): Promise<void>;
}

export async function startFakeLokiRuler(tls?: { key: string; cert: string }): Promise<FakeLokiRuler> {
  const requests: RecordedRequest[] = [];
  const store: FakeLokiRuler['store'] = new Map();
  const failures: { method: string; status: number; body: string }[] = [];
  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      requests.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      const failure = failures.findIndex((f) => f.method === req.method);
      if (failure >= 0) {
        const [f] = failures.splice(failure, 1);
        res.writeHead(f!.status, { 'Content-Type': 'text/plain' }).end(f!.body);
        return;
      }
      const tenant = (req.headers['x-scope-orgid'] as string | undefined) ?? 'fake';
      const namespaces = store.get(tenant) ?? new Map<string, Map<string, Record<string, unknown>>>();
      store.set(tenant, namespaces);
      const m = /^\/loki\/api\/v1\/rules\/([^/]+)(?:\/([^/]+))?$/.exec(req.url!.split('?')[0]!);
      if (!m) {
        res.writeHead(404).end('404 page not found\n');
        return;
      }
      const namespace = decodeURIComponent(m[1]!);
      const groupName = m[2] === undefined ? undefined : decodeURIComponent(m[2]);
      const groups = namespaces.get(namespace) ?? new Map<string, Record<string, unknown>>();
      if (req.method === 'GET') {
        if (!groups.size) {
          res.writeHead(404, { 'Content-Type': 'text/plain' }).end('no rule groups found\n');
          return;
        }
        res
          .writeHead(200, { 'Content-Type': 'application/yaml' })
          .end(stringify({ [namespace]: [...groups.values()] }));
      } else if (req.method === 'POST') {
        if (req.headers['content-type'] !== 'application/yaml') {
          res.writeHead(400).end('unsupported content type\n');
          return;
        }
        const group = parse(body) as Record<string, unknown>;
        if (typeof group?.name !== 'string') {
          res.writeHead(400).end('invalid rules config: rule group name must not be empty\n');
          return;
        }
        groups.set(group.name, group);
        namespaces.set(namespace, groups);
        res.writeHead(202, { 'Content-Type': 'application/json' }).end('{"status":"success","data":null}');
      } else if (req.method === 'DELETE') {
        if (groupName === undefined) namespaces.delete(namespace);
        else groups.delete(groupName);
        res.writeHead(202, { 'Content-Type': 'application/json' }).end('{"status":"success","data":null}');
      } else {
        res.writeHead(405).end();
      }
    });
  };
  const server = tls ? https.createServer(tls, handler) : http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    requests,
    store,
    failNext: (method, status, body) => failures.push({ method, status, body }),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
