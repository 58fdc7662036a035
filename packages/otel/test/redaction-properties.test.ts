// Property tests (fast-check): random nested bodies and attributes with seeded fake secrets.
// Whatever the shape, no seeded secret survives anywhere in the output, nothing throws, the input
// is never mutated, and the prefilter never changes the result compared with running every rule.
import fc from 'fast-check';
import * as sdk3 from '@opentelemetry/sdk-logs';
import { describe, expect, it } from 'vitest';

// Generous per-test limit: the machine may be shared; these are correctness tests, not timing tests.
const propertyTimeout = 120_000;
import { createRedactionProcessor, createRedactor } from '../src/redaction/index.ts';
import { fakeSecrets, fakeSecretsInContext, testRedactionConfig } from './redaction-fixtures.ts';

/** A seeded secret: the text placed in a value and the part of it that must not survive. */
interface Seed {
  text: string;
  secret: string;
}

const seeds: Seed[] = [
  ...Object.values(fakeSecrets).map((secret) => ({ text: secret, secret })),
  ...fakeSecretsInContext.map(({ text, secret }) => ({ text, secret })),
];

/** Random text around a secret, separated by a space so it cannot glue onto the token. */
const noise = fc.string({ maxLength: 20 });
const seededString: fc.Arbitrary<{ value: string; secrets: string[] }> = fc
  .tuple(noise, fc.constantFrom(...seeds), noise)
  .map(([before, seed, after]) => ({ value: `${before} ${seed.text} ${after}`, secrets: [seed.secret] }));

const cleanLeaf = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.integer(),
  fc.double({ noNaN: true }),
  fc.boolean(),
  fc.constant(null),
);

/** A random AnyValue tree; a share of its string leaves carry seeded secrets. */
interface Tree {
  value: unknown;
  secrets: string[];
}
const key = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom('password', 'headers.cookie', 'note', 'msg', 'x-api-key'),
);
const tree: fc.Arbitrary<Tree> = fc.letrec<{ node: Tree }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    cleanLeaf.map((value) => ({ value, secrets: [] })),
    seededString,
    fc.array(tie('node'), { maxLength: 5 }).map((items) => ({
      value: items.map((i) => i.value),
      secrets: items.flatMap((i) => i.secrets),
    })),
    fc.array(fc.tuple(key, tie('node')), { maxLength: 5 }).map((entries) => {
      const value: Record<string, unknown> = {};
      const secrets: string[] = [];
      for (const [k, child] of entries) {
        if (k === '__proto__') continue;
        value[k] = child.value;
        secrets.push(...child.secrets);
      }
      // A later duplicate key overwrites an earlier one; only secrets still present count.
      return {
        value,
        secrets: secrets.filter((s) => JSON.stringify(value).includes(JSON.stringify(s).slice(1, -1))),
      };
    }),
  ),
})).node;

const redactor = createRedactor(testRedactionConfig);
const naive = createRedactor(testRedactionConfig, { prefilter: false });

function leaked(output: unknown, secrets: readonly string[]): string[] {
  const text = JSON.stringify(output) ?? '';
  return secrets.filter((secret) => text.includes(JSON.stringify(secret).slice(1, -1)));
}

describe('properties of the redactor', () => {
  it(
    'no seeded secret survives anywhere in a random nested value; the input is not mutated',
    () => {
      let seeded = 0;
      fc.assert(
        fc.property(tree, ({ value, secrets }) => {
          const before = JSON.stringify(value);
          // The generator really plants secrets: they are in the input before redaction.
          expect(leaked(value, secrets)).toEqual(secrets);
          seeded += secrets.length;
          const out = redactor.redactValue(value);
          expect(JSON.stringify(value)).toBe(before);
          expect(leaked(out, secrets)).toEqual([]);
        }),
        { numRuns: 400, seed: 424242 },
      );
      expect(seeded).toBeGreaterThan(200);
    },
    propertyTimeout,
  );

  it(
    'the prefilter gives exactly the output of running every rule on every string',
    () => {
      fc.assert(
        fc.property(tree, ({ value }) => {
          expect(redactor.redactValue(value)).toEqual(naive.redactValue(value));
        }),
        { numRuns: 300, seed: 777 },
      );
    },
    propertyTimeout,
  );

  it(
    'the prefilter keeps every card, IBAN, SSN, email and IP candidate in digit-heavy text',
    () => {
      // The prefilter skips its exact digit-run pass when cheap bounds (longest run, a dash inside
      // a run, two capitals before a run, `@`/`:` seen by the automaton) rule every such rule
      // out; those bounds must never reject a string a rule would match. Text is built from
      // fragments of real shapes, cut and glued at random, with the opt-in IP rules switched on.
      const fragments = fc.constantFrom(
        ...['4111', '1111', '0532', '89', '123', '45', '6789', '370400440532013000', '2'],
        ...['DE', 'GB', 'AB', 'x', 'q', 'req', 'Z', 'de', ' ', '-', '--', '  ', '_', '.', ':', '::', '@'],
        ...['10.0.0.1', 'fe80::1', 'a@b.example', '4111 1111 1111 1111', 'DE89370400440532013000'],
        ...['DE89 3704 0044 0532 0130 00', '123-45-6789', '5500-0000-0000-0004', 'é', '\u2028'],
        // Shortest shapes: a 13-digit card, and an IBAN whose longest digit run is its bank code.
        ...['4222222222222', 'GB82WEST12345698765432', 'NO9386011117947'],
      );
      const text = fc.array(fragments, { maxLength: 24 }).map((parts) => parts.join(''));
      const config = {
        ...testRedactionConfig,
        rules: [
          { id: 'ipv4', enabled: true },
          { id: 'ipv6', enabled: true },
        ],
      };
      const withIps = createRedactor(config);
      const naiveWithIps = createRedactor(config, { prefilter: false });
      let changed = 0;
      fc.assert(
        fc.property(text, (input) => {
          const out = naiveWithIps.redactString(input);
          if (out !== input) changed++;
          expect(withIps.redactString(input)).toBe(out);
          expect(redactor.redactString(input)).toBe(naive.redactString(input));
        }),
        { numRuns: 3000, seed: 20261123 },
      );
      // The generator really produces text the rules act on.
      expect(changed).toBeGreaterThan(500);
    },
    propertyTimeout,
  );

  it(
    'never throws on arbitrary strings and values, and is idempotent on strings',
    () => {
      fc.assert(
        fc.property(
          fc.oneof(
            fc.string({ unit: 'binary', maxLength: 200 }),
            fc.string({ unit: 'grapheme-ascii', maxLength: 200 }),
          ),
          (text) => {
            const once = redactor.redactString(text);
            expect(redactor.redactString(once)).toBe(once);
          },
        ),
        { numRuns: 500, seed: 99 },
      );
      fc.assert(
        fc.property(
          fc.anything({ withTypedArray: true, withMap: true, withSet: true, withDate: true }),
          (value) => {
            redactor.redactValue(value);
          },
        ),
        { numRuns: 300, seed: 5 },
      );
    },
    propertyTimeout,
  );
});

describe('properties of the processor in a real LoggerProvider', () => {
  it(
    'no seeded secret in any exported body or attribute; emit never throws',
    () => {
      const exporter = new sdk3.InMemoryLogRecordExporter();
      const provider = new sdk3.LoggerProvider({
        processors: [
          createRedactionProcessor(testRedactionConfig),
          new sdk3.SimpleLogRecordProcessor({ exporter }),
        ],
      });
      const logger = provider.getLogger('properties');
      const attributes = fc.array(fc.tuple(key, tree), { maxLength: 6 });
      let seeded = 0;
      fc.assert(
        fc.property(tree, attributes, (body, attrs) => {
          exporter.reset();
          const record: Record<string, unknown> = {};
          const secrets = [...body.secrets];
          for (const [k, child] of attrs) {
            if (k === '' || k === '__proto__') continue;
            record[k] = child.value;
          }
          for (const [k, child] of attrs) if (record[k] === child.value) secrets.push(...child.secrets);
          expect(() =>
            logger.emit({ body: body.value as string, attributes: record as Record<string, string> }),
          ).not.toThrow();
          const [exported] = exporter.getFinishedLogRecords();
          expect(leaked({ body: exported!.body, attributes: exported!.attributes }, secrets)).toEqual([]);
          seeded += secrets.length;
        }),
        { numRuns: 300, seed: 31337 },
      );
      expect(seeded).toBeGreaterThan(200);
    },
    propertyTimeout,
  );
});
