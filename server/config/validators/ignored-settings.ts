// ignored-setting: a key the chosen method, schedule or dataset never reads (alpha for gmp,
// milestones for a cosine schedule, sync_bn with one process, …). Harmless, but it suggests the user expects an effect.
import type { ConfigProblem } from '../problems.js';
import type { RiglConfig } from '../types.js';
import type { KeyPath, ValidationContext } from './context.js';

interface IgnoredRule {
  path: readonly string[];
  /** Why the key is ignored under this config, or undefined when it is read. */
  reason(config: RiglConfig): string | undefined;
}

const SPARSITY_KEYS = ['sparsity', 'distribution', 'erk_power', 'dense_first_layer', 'dense_last_layer', 'overrides', 'update'] as const;
const update = (key: string) => ['sparsity', 'update', key];
const unless = (methods: readonly string[], who: string) => (config: RiglConfig) =>
  methods.includes(config.sparsity.method) ? undefined : `only ${who} reads it; method is ${config.sparsity.method}`;

// Ordered from general to specific: a key under an ignored parent is not reported again.
const RULES: readonly IgnoredRule[] = [
  ...SPARSITY_KEYS.map((key): IgnoredRule => ({ path: ['sparsity', key], reason: (c) => (c.sparsity.method === 'dense' ? 'dense training has no masks' : undefined) })),
  { path: ['sparsity', 'update'], reason: (c) => (c.sparsity.method === 'static' ? 'static keeps its initial random mask for the whole run' : undefined) },
  { path: update('alpha'), reason: (c) => (c.sparsity.method === 'gmp' ? 'gmp prunes on the cubic schedule of Zhu & Gupta; α is for rigl, set and snfs' : undefined) },
  { path: update('schedule'), reason: (c) => (c.sparsity.method === 'gmp' ? 'gmp prunes on the cubic schedule of Zhu & Gupta; the drop-fraction schedule is for rigl, set and snfs' : undefined) },
  { path: update('t_start'), reason: unless(['gmp'], 'gmp') },
  { path: update('grad_accumulation'), reason: unless(['rigl'], 'rigl') },
  { path: update('ema_decay'), reason: unless(['snfs'], 'snfs') },
  { path: update('at_step_zero'), reason: unless(['rigl', 'set', 'snfs'], 'rigl, set and snfs') },
  { path: ['sparsity', 'erk_power'], reason: (c) => (c.sparsity.distribution === 'uniform' ? 'the uniform distribution has no exponent' : c.sparsity.distribution === 'er' ? 'ER ignores the exponent, as the official RigL code does; only erk reads it' : undefined) },
  { path: ['training', 'lr_schedule', 'milestones'], reason: (c) => (c.training.lr_schedule.type === 'step' ? undefined : `only the step schedule reads it; lr_schedule.type is ${c.training.lr_schedule.type}`) },
  { path: ['training', 'lr_schedule', 'gamma'], reason: (c) => (c.training.lr_schedule.type === 'step' ? undefined : `only the step schedule reads it; lr_schedule.type is ${c.training.lr_schedule.type}`) },
  { path: ['dataset', 'synthetic_size'], reason: (c) => (c.dataset.name === 'synthetic' ? undefined : `only synthetic data reads it; the dataset is ${c.dataset.name}`) },
  { path: ['dataset', 'image_size'], reason: (c) => (c.dataset.name === 'imagenet' || c.dataset.name === 'synthetic' ? undefined : `${c.dataset.name} images have a fixed size`) },
  { path: ['dataset', 'path'], reason: (c) => (c.dataset.name === 'synthetic' ? 'synthetic data is generated in memory' : undefined) },
  { path: ['backend'], reason: (c) => (c.engine === 'pytorch' ? 'it picks the TensorFlow.js backend; the pytorch engine uses `pytorch.device`' : undefined) },
  { path: ['pytorch'], reason: (c) => (c.engine === 'pytorch' ? undefined : `only the pytorch engine reads it; engine is ${c.engine}`) },
  { path: ['pytorch', 'sync_bn'], reason: syncBatchNormIgnored },
];

/** Why `sync_bn: true` has no effect (the engine then logs the same and trains with plain batch norm). */
function syncBatchNormIgnored(config: RiglConfig): string | undefined {
  if (!config.pytorch.sync_bn) return undefined;
  if (config.pytorch.processes <= 1) return 'one process normalizes over the whole batch already; it matters with pytorch.processes > 1';
  if (config.pytorch.device === 'cpu') return "torch's SyncBatchNorm runs only on CUDA; on the CPU each rank normalizes its own share of the batch";
  return undefined;
}

export function ignoredSettings(context: ValidationContext): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const reported: KeyPath[] = [];
  for (const rule of RULES) {
    if (!context.written(rule.path) || context.invalid(rule.path)) continue;
    if (reported.some((parent) => parent.every((key, i) => rule.path[i] === key))) continue;
    const reason = rule.reason(context.config);
    if (reason === undefined) continue;
    reported.push(rule.path);
    problems.push({
      code: 'ignored-setting', severity: 'warning',
      message: `\`${rule.path.join('.')}\` is ignored: ${reason}.`,
      path: [...rule.path], range: context.keyRange(rule.path),
      data: { path: [...rule.path] },
    });
  }
  return problems;
}
