// `pnpm --filter @logward/example-express-shop start`: the shop on http://127.0.0.1:3000, exporting to
// Loki's OTLP endpoint (LOGWARD_OTLP_ENDPOINT, default http://127.0.0.1:3100/otlp).
import { startSecurityLogging } from '@logward/otel';
import { createShopApp } from './app.ts';

const logging = startSecurityLogging({
  serviceName: 'shop-api',
  endpoint: process.env.LOGWARD_OTLP_ENDPOINT ?? 'http://127.0.0.1:3100/otlp',
});
const port = Number(process.env.PORT ?? 3000);
const server = createShopApp({
  trustedProxies: (process.env.TRUSTED_PROXIES ?? '').split(',').filter(Boolean),
}).listen(port, '127.0.0.1', () =>
  console.log(`shop-api listening on http://127.0.0.1:${port} (logs → ${logging.url})`),
);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    server.close();
    void logging.shutdown().then(() => process.exit(0));
  });
}
