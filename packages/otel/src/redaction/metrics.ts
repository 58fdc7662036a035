// Counters through the global MeterProvider of @opentelemetry/api. The API hands out no-op meters
// until an SDK registers a provider, and there is no proxy for metrics, so the provider is looked
// up again when recording and the instruments are rebuilt if it changed.
import { metrics, type Counter, type MeterProvider } from '@opentelemetry/api';
import type { RedactionReport } from './types.ts';

const meterName = '@logward/otel';

export const redactionMetricNames = {
  matches: 'logward.redaction.matches',
  errors: 'logward.redaction.errors',
  budgetExceeded: 'logward.redaction.budget_exceeded',
} as const;

/** Metric attribute carrying the rule id (never the value). */
export const ruleMetricAttribute = 'logward.redaction.rule';

interface Instruments {
  readonly provider: MeterProvider;
  readonly matches: Counter;
  readonly errors: Counter;
  readonly budgetExceeded: Counter;
}

export class RedactionMetrics {
  private readonly explicitProvider: MeterProvider | undefined;
  private instruments: Instruments | undefined;

  constructor(meterProvider?: MeterProvider) {
    this.explicitProvider = meterProvider;
  }

  private get current(): Instruments {
    const provider = this.explicitProvider ?? metrics.getMeterProvider();
    if (this.instruments?.provider !== provider) {
      const meter = provider.getMeter(meterName);
      this.instruments = {
        provider,
        matches: meter.createCounter(redactionMetricNames.matches, {
          description: 'Secrets and personal data redacted from log records, by rule id',
        }),
        errors: meter.createCounter(redactionMetricNames.errors, {
          description: 'Log records that failed closed because redaction raised an internal error',
        }),
        budgetExceeded: meter.createCounter(redactionMetricNames.budgetExceeded, {
          description: 'Log records whose redaction time budget ran out (the rest was masked wholesale)',
        }),
      };
    }
    return this.instruments;
  }

  recordMatches(report: RedactionReport): void {
    const { matches } = this.current;
    for (const [rule, count] of report.counts) matches.add(count, { [ruleMetricAttribute]: rule });
  }

  recordError(errorType: string): void {
    this.current.errors.add(1, { 'error.type': errorType });
  }

  recordBudgetExceeded(): void {
    this.current.budgetExceeded.add(1);
  }
}
