// The plan of a config in editor words: the one-line summary of the code lens and the per-layer
// markdown table of hovers (largest layers first).
import type { Plan } from '../sparse/plan.js';
import type { Method } from './types.js';
import { factor, grouped, percentText, shortCount } from './numbers.js';

const HOVER_TABLE_ROWS = 12;

function updatesText(plan: Plan, method: Method): string | undefined {
  const n = plan.steps.maskUpdates;
  if (method === 'rigl' || method === 'set' || method === 'snfs') return `${grouped(n)} mask update${n === 1 ? '' : 's'}`;
  if (method === 'gmp') return `${grouped(n)} pruning step${n === 1 ? '' : 's'}`;
  return undefined;
}

/** e.g. `resnet50 · 2.55M of 25.5M weights (90.0% sparse) · inference 0.24× FLOPs · training 0.24× · 31,200 steps, 233 mask updates` */
export function planSummaryLine(plan: Plan, method: Method): string {
  const t = plan.totals;
  const steps = `${grouped(plan.steps.totalSteps)} steps`;
  const updates = updatesText(plan, method);
  return [
    plan.model,
    `${shortCount(t.nnz)} of ${shortCount(t.params)} weights (${percentText(t.sparsity)} sparse)`,
    `inference ${factor(t.inferenceFlopsFactor)} FLOPs`,
    `training ${factor(t.trainFlopsFactor)}`,
    updates ? `${steps}, ${updates}` : steps,
  ].join(' · ');
}

/** Markdown: the largest layers by weights (name, shape, weights, density, nonzeros) and the totals. */
export function planMarkdown(plan: Plan, method: Method): string {
  const largest = [...plan.layers].sort((a, b) => b.params - a.params).slice(0, HOVER_TABLE_ROWS);
  const rows = largest.map((l) => `| \`${l.name}\` | ${l.shape.join('×')} | ${shortCount(l.params)} | ${l.density.toFixed(3)} | ${shortCount(l.nnz)} |`);
  const t = plan.totals;
  const rest = plan.layers.length - largest.length;
  const heading = `**Plan** — ${plan.model}, ${plan.layers.length} masked layers${rest > 0 ? ` (the ${largest.length} largest shown)` : ''}, input ${plan.spec.inputShape.join('×')}`;
  const updates = updatesText(plan, method);
  return [
    heading,
    ['| layer | shape | weights | density | nonzeros |', '|---|---|--:|--:|--:|', ...rows].join('\n'),
    `**${shortCount(t.nnz)} of ${shortCount(t.params)} weights kept** (${percentText(t.sparsity, 2)} sparse) · inference ${factor(t.inferenceFlopsFactor)} FLOPs · training ${factor(t.trainFlopsFactor)} FLOPs`,
    `${grouped(plan.steps.totalSteps)} steps (${grouped(plan.steps.stepsPerEpoch)} per epoch)${updates ? `; ${updates}, every ${plan.steps.deltaT} steps until step ${grouped(plan.steps.endStep)}` : ''}`,
  ].join('\n\n');
}
