// The ruler wired to the embedded engine: rules evaluated over in-memory streams, each group's
// expressions in one batch so expressions sharing a selector parse each line once, and one
// StageCache for the ruler's life so a line is filtered and parsed once, not at every step whose
// window holds it.
import { evaluateInstantBatch } from '../engine.ts';
import { createStageCache, type StageCache } from '../stage-cache.ts';
import type { InputStream } from '../streams.ts';
import { createRuler, type Ruler, type RulerOptions, type RulerQueryData } from './evaluator.ts';
import type { LoadedRuleGroup } from './load.ts';

export interface StreamsRulerOptions extends Omit<RulerOptions, 'query' | 'queryBatch'> {
  /** The cache shared by the ruler's evaluations (default: a new one); false: none. */
  stageCache?: StageCache | false;
}

export function createStreamsRuler(
  groups: LoadedRuleGroup[],
  streams: readonly InputStream[],
  options: StreamsRulerOptions,
): Ruler {
  const { stageCache, ...rulerOptions } = options;
  const cache = stageCache === false ? undefined : (stageCache ?? createStageCache());
  return createRuler(groups, {
    ...rulerOptions,
    query: (expr, time) => evaluateInstantBatch([expr], streams, time, { cache })[0] as RulerQueryData,
    queryBatch: (exprs, time) => evaluateInstantBatch(exprs, streams, time, { cache }) as RulerQueryData[],
  });
}
