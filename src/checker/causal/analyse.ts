import { CausalRelations } from './analysis';
import { causalMemoryViolations } from './causal-memory';
import type { CausalHistory } from './ops';
import {
  cycleInstance,
  cyclicCF,
  thinAirReads,
  writeCOInitReads,
  writeCOReads,
  type PatternInstance,
} from './patterns';

export interface CausalAnalysis {
  readonly relations: CausalRelations;
  /** Every pattern found, CC's first; CyclicCO alone stops the search (no causal order exists). */
  readonly instances: PatternInstance[];
}

/**
 * Searches a differentiated history for every bad pattern (causal.md, recipe steps 1–7). The
 * checks for CCv and CM run even when CC already fails, so that each model gets its verdict.
 */
export function analyseCausal(history: CausalHistory): CausalAnalysis {
  const relations = new CausalRelations(history);
  const instances = thinAirReads(relations);
  const co = relations.clocks();
  if ('cycle' in co) {
    instances.push(cycleInstance('CyclicCO', co.cycle));
    return { relations, instances };
  }
  instances.push(
    ...writeCOInitReads(relations, co.clocks),
    ...writeCOReads(relations, co.clocks),
    ...cyclicCF(relations, co.clocks),
    ...causalMemoryViolations(relations, co.clocks, co.order),
  );
  return { relations, instances };
}
