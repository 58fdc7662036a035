import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { instantQuery, rangeQuery } from '../src/index.ts';
import { loadConformanceFile } from './conformance-loader.ts';

const dir = join(import.meta.dirname, '..', 'conformance');
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.yaml'))
  .sort();

describe('conformance files', () => {
  it('exist', () => {
    expect(files.length).toBeGreaterThan(0);
  });
});

for (const f of files) {
  const loaded = loadConformanceFile(join(dir, f));
  describe(f, () => {
    for (const c of loaded.cases) {
      it(`${c.name} (${c.where.split('/').pop()})`, () => {
        const run = () =>
          c.time !== undefined
            ? instantQuery(c.query, loaded.streams, c.time)
            : rangeQuery(c.query, loaded.streams, {
                start: c.range!.start,
                end: c.range!.end,
                step: c.range!.step,
                limit: c.limit,
                direction: c.direction,
              });
        if (c.error !== undefined) {
          expect(run, `${c.where}: ${c.query}`).toThrow(c.error);
          return;
        }
        expect(JSON.parse(JSON.stringify(run())), `${c.where}: ${c.query}`).toEqual(c.expected);
      });
    }
  });
}
