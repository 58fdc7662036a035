import { tmpdir } from 'node:os';
import { join } from 'node:path';

const scratch = join(tmpdir(), 'logward-egg-shop');

export default {
  // A placeholder signing key for the example; use your own secret in a real app.
  keys: 'example-only-cookie-signing-key',
  rundir: join(scratch, 'run'),
  logger: { dir: join(scratch, 'logs') },
  // A JSON API authenticated by bearer tokens, so no CSRF token is involved.
  security: { csrf: { enable: false } },
  logward: {
    loginRoutes: ['/login'],
    trustedProxies: (process.env.TRUSTED_PROXIES ?? '').split(',').filter(Boolean),
    otel: {
      serviceName: 'egg-shop',
      endpoint: process.env.LOGWARD_OTLP_ENDPOINT ?? 'http://127.0.0.1:3100/otlp',
      protocol: process.env.LOGWARD_OTLP_PROTOCOL ?? 'http/protobuf',
      scheduledDelayMillis: 200,
    },
  },
};
