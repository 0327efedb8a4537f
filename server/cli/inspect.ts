// `rigl-studio inspect`: the per-layer plan of a config (density, nonzeros, FLOPs) as a table or
// as the JSON contract {model, layers[], totals, steps}.
import { resolve } from 'node:path';
import { loadConfigFile } from '../config/load.js';
import { buildPlan, type Plan } from '../sparse/plan.js';
import type { RiglConfig } from '../config/types.js';
import { parseCommandArgs, UsageError, type CommandContext } from './args.js';
import { compactNumber, percent, table } from './format.js';

export function planJson(plan: Plan) {
  return {
    model: plan.model,
    layers: plan.layers.map((l) => ({ name: l.name, shape: l.shape, params: l.params, density: l.density, nnz: l.nnz, flops: l.flops })),
    totals: { ...plan.totals },
    steps: { ...plan.steps },
  };
}

export function planTable(plan: Plan, config: RiglConfig): string {
  const rows = plan.layers.map((l) => [l.name, `[${l.shape.join(',')}]`, compactNumber(l.params), l.density.toFixed(4), compactNumber(l.nnz), compactNumber(l.flops)]);
  const t = plan.totals;
  const s = plan.steps;
  return [
    `${config.name}: ${plan.model}, ${plan.layers.length} masked layers, input ${plan.spec.inputShape.join('×')}, ${plan.spec.numClasses} classes`,
    '',
    table(['layer', 'shape', 'weights', 'density', 'nonzeros', 'FLOPs'], rows),
    '',
    `weights       ${compactNumber(t.nnz)} of ${compactNumber(t.params)} kept: global sparsity ${percent(t.sparsity, 2)}${budgetNote(plan, config)}`,
    `inference     ${compactNumber(t.flopsSparse)} FLOPs per example vs ${compactNumber(t.flopsDense)} FLOPs dense: ${t.inferenceFlopsFactor.toFixed(3)}×`,
    `training      ${t.trainFlops.toExponential(2)} FLOPs in all (batch ${config.training.batch_size} × ${s.totalSteps} steps), ${t.trainFlopsFactor.toFixed(3)}× the FLOPs of dense training`,
    `steps         ${s.totalSteps} (${s.stepsPerEpoch} per epoch); ${s.maskUpdates} mask updates, every ${s.deltaT} steps until step ${s.endStep}`,
  ].join('\n');
}

/** Why the global sparsity differs from the configured one: the layers left out of the budget. */
function budgetNote(plan: Plan, config: RiglConfig): string {
  if (config.sparsity.method === 'dense') return '';
  const fixed = plan.layers.filter((l) => l.fixedBy).map((l) => `${l.name} ${l.fixedBy === 'dense-first-layer' ? 'dense (first layer)' : l.fixedBy === 'dense-last-layer' ? 'dense (last layer)' : `${percent(1 - l.density, 1)} (${l.fixedBy})`}`);
  if (fixed.length === 0) return '';
  return ` (sparsity ${config.sparsity.sparsity} is spread over the other layers; ${fixed.join(', ')})`;
}

export async function inspectCommand(args: string[], context: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandArgs('inspect', args, {
    json: { type: 'boolean', default: false },
    set: { type: 'string', multiple: true, default: [] },
  });
  if (positionals.length !== 1) throw new UsageError('rigl-studio inspect: expected exactly one config file, e.g. rigl-studio inspect examples/mnist-lenet300-rigl.rigl.yaml');
  const file = positionals[0];
  const config = loadConfigFile(resolve(context.cwd, file), values.set as string[], file);
  const plan = buildPlan(config);
  context.stdout.write(values.json ? JSON.stringify(planJson(plan)) + '\n' : planTable(plan, config) + '\n');
  return 0;
}
