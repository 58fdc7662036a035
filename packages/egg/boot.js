// Lifecycle shared by app.js and agent.js: start the OTel pipeline if the app configured one, bridge
// egg-logger into it, and stop it on close so buffered records are flushed.
import { bridgeEggLoggers } from '@logward/egg';

export class LogwardBoot {
  constructor(app) {
    this.app = app;
    this.handle = undefined;
  }

  async didLoad() {
    const config = this.app.config.logward ?? {};
    if (config.otel) {
      const { startSecurityLogging } = await import('@logward/otel');
      this.handle = startSecurityLogging(config.otel);
    }
    if (config.bridgeLoggers !== false)
      bridgeEggLoggers(this.app.loggers, { level: config.bridgeLevel ?? 'INFO' });
  }

  async beforeClose() {
    await this.handle?.shutdown();
  }
}
