// The ruler wired to the embedded engine: rules evaluated over in-memory streams, each group's
// expressions in one batch so expressions sharing a selector parse each line once.
import { evaluateInstantBatch, instantQuery } from '../engine.ts';
import type { InputStream } from '../streams.ts';
import { createRuler, type Ruler, type RulerOptions, type RulerQueryData } from './evaluator.ts';
import type { LoadedRuleGroup } from './load.ts';

export function createStreamsRuler(
  groups: LoadedRuleGroup[],
  streams: readonly InputStream[],
  options: Omit<RulerOptions, 'query' | 'queryBatch'>,
): Ruler {
  return createRuler(groups, {
    ...options,
    query: (expr, time) => instantQuery(expr, streams, time) as RulerQueryData,
    queryBatch: (exprs, time) => evaluateInstantBatch(exprs, streams, time) as RulerQueryData[],
  });
}
