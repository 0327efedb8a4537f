// value-capped: rigl sums the dense gradients of at most ΔT batches (the sums restart after every
// update), so a grad_accumulation above delta_t acts as delta_t.
import type { ConfigProblem } from '../problems.js';
import type { ValidationContext } from './context.js';

export function gradAccumulationCapped(context: ValidationContext): ConfigProblem[] {
  const { method, update } = context.config.sparsity;
  const path = ['sparsity', 'update', 'grad_accumulation'];
  if (method !== 'rigl' || update.grad_accumulation <= update.delta_t || !context.written(path)) return [];
  return [{
    code: 'value-capped', severity: 'warning', path, range: context.valueRange(path),
    message: `grad_accumulation = ${update.grad_accumulation} acts as ${update.delta_t}: the gradient sums restart after every mask update, so at most delta_t = ${update.delta_t} batches are ever summed.`,
    data: { path, clampTo: update.delta_t },
  }];
}
