// `pnpm --filter @logward/example-egg-shop start`: Egg in single-process mode on http://127.0.0.1:7001.
// The logward plugin starts the OTel pipeline (config.logward.otel) and exports to Loki's OTLP endpoint
// (LOGWARD_OTLP_ENDPOINT, default http://127.0.0.1:3100/otlp).
import { createServer } from 'node:http';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { start } from 'egg';

const app = await start({ baseDir: dirname(fileURLToPath(import.meta.url)) });
const port = Number(process.env.PORT ?? 7001);
const server = createServer(app.callback()).listen(port, '127.0.0.1', () => {
  console.log(`egg-shop listening on http://127.0.0.1:${server.address().port}`);
});

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    server.close();
    void app.close().then(() => process.exit(0));
  });
}
