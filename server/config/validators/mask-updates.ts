// no-mask-update: the run ends (or reaches T_end) before the first topology change, so a dynamic
// method trains a static mask and gmp never prunes; and the opposite bound, more updates than a run plans.
import type { ConfigProblem } from '../problems.js';
import type { ValidationContext } from './context.js';
import { firstWritten } from './context.js';
import { MAX_LISTED_UPDATES } from '../../sparse/plan.js';

const DYNAMIC = new Set(['rigl', 'set', 'snfs']);

export function noMaskUpdate(context: ValidationContext): ConfigProblem[] {
  const { method } = context.config.sparsity;
  if (!DYNAMIC.has(method) && method !== 'gmp') return [];
  const steps = context.plan()?.steps;
  if (steps && steps.maskUpdates > MAX_LISTED_UPDATES) return [tooManyUpdates(context, steps.maskUpdates, steps.deltaT)];
  if (!steps || steps.maskUpdates > 0) return [];
  const update = ['sparsity', 'update'];
  const anchor = firstWritten(context, method === 'gmp'
    ? [[...update, 't_start'], [...update, 't_end'], update, ['sparsity', 'method'], ['training', 'epochs'], ['model']]
    : [[...update, 'delta_t'], [...update, 't_end'], update, ['sparsity', 'method'], ['training', 'epochs'], ['model']]);
  const path = [...(anchor ?? [])];
  const range = anchor ? (anchor.length === 2 && anchor[1] === 'update' ? context.keyRange(anchor) : context.valueRange(anchor)) : [0, 0] as [number, number];
  const message = method === 'gmp'
    ? `gmp never prunes: pruning would start at step ${Math.floor(context.config.sparsity.update.t_start * steps.totalSteps)} and end at step ${steps.endStep} (T_end) of ${steps.totalSteps}; the model stays dense.`
    : `No mask update will happen: ΔT = ${steps.deltaT} steps, but updates stop at step ${steps.endStep} (T_end = ${context.config.sparsity.update.t_end} of ${steps.totalSteps} steps). ${method} trains like static; lower delta_t below ${steps.endStep} or train longer.`;
  return [{
    code: 'no-mask-update', severity: 'warning', message, path, range,
    data: { deltaT: steps.deltaT, endStep: steps.endStep, totalSteps: steps.totalSteps },
  }];
}

/** More mask updates than a run plans (plan.json lists each): an error before the run is created. */
function tooManyUpdates(context: ValidationContext, count: number, deltaT: number): ConfigProblem {
  const anchor = firstWritten(context, [['sparsity', 'update', 'delta_t'], ['training', 'epochs'], ['sparsity', 'method']]);
  return {
    code: 'out-of-range', severity: 'error', path: [...(anchor ?? [])], range: anchor ? context.valueRange(anchor) : [0, 1],
    message: `This run would update its masks ${count} times (every ${deltaT} steps); at most ${MAX_LISTED_UPDATES} are planned. Raise sparsity.update.delta_t or train fewer steps.`,
    data: { maskUpdates: count, max: MAX_LISTED_UPDATES },
  };
}
