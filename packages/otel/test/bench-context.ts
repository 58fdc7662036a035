// Benchmark (not a test): cost of the security context processor per emitted record, as a ratio against
// a baseline pipeline measured in the same run. Run: node packages/otel/test/bench-context.ts
// Both pipelines end in a processor that drops the record, so only emit + processing is measured.
import { LoggerProvider, type LogRecordProcessor } from '@opentelemetry/sdk-logs';
import { createSecurityContextProcessor, runWithRequestContext } from '../src/context/index.ts';

const sink: LogRecordProcessor = { onEmit() {}, forceFlush: async () => {}, shutdown: async () => {} };
const key = 'bench-only-session-hash-key-0123456789abcdef';

function pipeline(withContext: boolean) {
  const processors = withContext ? [createSecurityContextProcessor({ sessionIdKey: key }), sink] : [sink];
  return new LoggerProvider({ processors }).getLogger('bench');
}

const scenarios = {
  'plain app log (5 attributes)': {
    body: 'cache warmed',
    attributes: { a: 1, b: 'two', c: true, d: 4.5, e: 'five' },
  },
  'security event in a request': {
    eventName: 'authn_login_fail',
    body: 'login failed',
    attributes: { 'logward.authn.method': 'password' },
  },
  'forged body + hostile attributes': {
    eventName: 'input_validation_fail',
    body: 'user bob\r\nINFO admin logged in\u001b[0m',
    attributes: { 'app.input': 'x\ny', 'user_agent.original': 'curl\r\n' },
  },
} as const;

function measure(emit: () => void, rounds = 5, perRound = 20000): number {
  for (let i = 0; i < perRound; i++) emit(); // warm-up
  const samples: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < perRound; i++) emit();
    samples.push(Number(process.hrtime.bigint() - start) / perRound);
  }
  samples.sort((x, y) => x - y);
  return samples[Math.floor(samples.length / 2)]!; // median ns per record
}

const base = pipeline(false);
const withContext = pipeline(true);
const request = {
  requestId: 'r-1',
  userId: 'bob',
  sessionId: 's-1',
  clientAddress: '203.0.113.9',
  clientPort: 4000,
};
console.log('scenario | baseline ns/record | with context processor ns/record | ratio');
for (const [name, record] of Object.entries(scenarios)) {
  const inRequest = (logger: ReturnType<typeof pipeline>) => () =>
    runWithRequestContext(request, () => logger.emit(record as never));
  const b = measure(inRequest(base));
  const c = measure(inRequest(withContext));
  console.log(`${name} | ${b.toFixed(0)} | ${c.toFixed(0)} | ${(c / b).toFixed(2)}x`);
}
