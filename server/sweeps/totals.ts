// Training FLOPs of a whole run from its plan: per-example training FLOPs of a step (the plan's
// factor of the dense 3·f_D) × batch size × steps. Sweeps add these up over their runs.
import type { RiglConfig } from '../config/types.js';
import type { Plan } from '../sparse/plan.js';

export function runTrainingFlops(plan: Plan, config: RiglConfig): number {
  const perExample = plan.totals.trainFlopsFactor * 3 * plan.totals.flopsDense;
  return perExample * config.training.batch_size * plan.steps.totalSteps;
}

/** 1.23e15 → `1.23 PFLOPs`. */
export function flopsText(flops: number): string {
  const units: [number, string][] = [[1e18, 'EFLOPs'], [1e15, 'PFLOPs'], [1e12, 'TFLOPs'], [1e9, 'GFLOPs'], [1e6, 'MFLOPs']];
  for (const [scale, unit] of units) if (flops >= scale) return `${Number((flops / scale).toPrecision(3))} ${unit}`;
  return `${Math.round(flops)} FLOPs`;
}
