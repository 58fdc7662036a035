// Bridges egg-logger into OpenTelemetry: a transport added to each of the app's loggers turns every
// line (app.logger, ctx.logger, coreLogger, custom loggers) into an OTel log record, so the context
// and redaction processors see framework lines too. The files egg-logger writes stay as they are.
import { format } from 'node:util';
import { logs, type Logger } from '@opentelemetry/api-logs';
import { uniqueTimestamp } from '@logward/otel';

const severityByEggLevel: Record<string, [number, string]> = {
  DEBUG: [5, 'DEBUG'],
  INFO: [9, 'INFO'],
  WARN: [13, 'WARN'],
  ERROR: [17, 'ERROR'],
};
const eggLevelRank: Record<string, number> = {
  ALL: -Infinity,
  DEBUG: 0,
  INFO: 1,
  WARN: 2,
  ERROR: 3,
  NONE: Infinity,
};

/** What egg-logger's Logger calls on a transport (structural; egg-logger 2 and 3). */
export class OtelLoggerTransport {
  readonly #loggerName: string;
  readonly #otelLogger: () => Logger;
  #enabled = true;
  #level: string;

  constructor(options: { loggerName: string; level?: string; otelLogger?: Logger }) {
    this.#loggerName = options.loggerName;
    this.#level = (options.level ?? 'INFO').toUpperCase();
    const fixed = options.otelLogger;
    this.#otelLogger = () => fixed ?? logs.getLogger('egg-logger');
  }

  get enabled(): boolean {
    return this.#enabled;
  }
  enable(): void {
    this.#enabled = true;
  }
  disable(): void {
    this.#enabled = false;
  }
  get level(): string {
    return this.#level;
  }
  set level(level: string) {
    this.#level = String(level).toUpperCase();
  }

  shouldLog(level: string): boolean {
    return this.#enabled && (eggLevelRank[level] ?? 1) >= (eggLevelRank[this.#level] ?? 1);
  }

  log(level: string, args: unknown[], meta?: { raw?: boolean }): void {
    const severity = severityByEggLevel[level];
    if (!severity || meta?.raw) return; // NONE/raw writes are egg-logger's own file plumbing
    const error = args.find((a): a is Error => a instanceof Error);
    const attributes: Record<string, string> = { 'logward.logger.name': this.#loggerName };
    if (error) attributes['error.type'] = error.name;
    this.#otelLogger().emit({
      severityNumber: severity[0],
      severityText: severity[1],
      body: format(...args),
      attributes,
      timestamp: uniqueTimestamp(),
    });
  }

  reload(): void {}
  close(): void {}
  end(): void {}
}

/** A Map-like set of egg loggers (app.loggers / agent.loggers). */
export interface EggLoggers {
  forEach(fn: (logger: { set(name: string, transport: unknown): unknown }, name: string) => void): void;
}

/** Adds the OTel transport to every logger of an Egg app or agent. */
export function bridgeEggLoggers(
  loggers: EggLoggers,
  options: { level?: string; otelLogger?: Logger } = {},
): void {
  loggers.forEach((logger, name) => {
    logger.set('logward-otel', new OtelLoggerTransport({ loggerName: name, ...options }));
  });
}
