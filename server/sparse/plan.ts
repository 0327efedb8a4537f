// The plan of a run before anything trains: per-layer densities and exact nonzero counts, FLOPs,
// and the step schedule. `inspect`, hovers and code lenses show it; the trainer builds masks from it.
import type { RiglConfig } from '../config/types.js';
import { datasetFacts } from '../config/datasets.js';
import { getModelSpec, modelInfo } from '../nn/specs.js';
import type { LayerSpec, ModelSpec } from '../nn/spec.js';
import { layerDensities, type LayerDensity } from './distribution.js';
import { activeCount } from './masks.js';
import { flopsSummary } from './flops.js';
import { createMaskSchedule, gmpSparsity, gmpTargetActive, isGmpPruneStep, type MaskSchedule } from './schedule.js';
import type { PlanMaskUpdate, PlanTotals } from '../protocol.js';
import { stepCounts } from '../config/steps.js';

export interface LayerPlan {
  name: string;
  kind: LayerSpec['kind'];
  shape: number[];
  params: number;
  density: number;
  /** Exact nonzeros: params − floor(sparsity·params). */
  nnz: number;
  /** Sparse inference FLOPs of the layer per example: density × dense FLOPs. */
  flops: number;
  flopsDense: number;
  participates: boolean;
  fixedBy?: LayerDensity['fixedBy'];
}

export interface StepPlan {
  trainSize: number;
  stepsPerEpoch: number;
  totalSteps: number;
  /** T_end in steps: no topology change at or after it (gmp: t1). */
  endStep: number;
  /** gmp: t0 in steps. */
  startStep: number;
  deltaT: number;
  /** How many mask updates the run will perform. */
  maskUpdates: number;
  /** Every mask update in order: f(t) for rigl/set/snfs, per-layer target nonzeros for gmp (only when listed: PlanOptions). */
  updates?: PlanMaskUpdate[];
}

export interface Plan {
  model: string;
  spec: ModelSpec;
  layers: LayerPlan[];
  totals: PlanTotals;
  steps: StepPlan;
}

/** What an opened dataset really gives, where it differs from the nominal facts (an ImageNet folder's class count, its size). */
export interface DataShape {
  inputShape: [number, number, number];
  numClasses: number;
  /** Training examples; the nominal size when absent. */
  trainSize?: number;
}

export function modelSpecFor(config: RiglConfig, actual?: DataShape): ModelSpec {
  const info = modelInfo(config.model);
  const facts = actual ?? datasetFacts(config.dataset, { inputShape: info.nativeInput, numClasses: info.nativeClasses });
  return getModelSpec(config.model, { inputShape: facts.inputShape, numClasses: facts.numClasses });
}

/**
 * The most mask updates a plan lists (plan.json holds each one). RigL's ΔT = 100 over 10^8 steps
 * is 10^6 updates, more than any real run; a config asking for more is refused when it is created.
 */
export const MAX_LISTED_UPDATES = 1_000_000;

export interface PlanOptions {
  /**
   * List every mask update (plan.json, the trainer). Off for the editor's plans (hover, lenses,
   * validators), which only count them: a run of 2^40 steps with ΔT = 1 is counted in O(1).
   */
  listUpdates?: boolean;
}

export class PlanLimitError extends RangeError {
  override name = 'PlanLimitError';
}

/** Step counts and mask-update steps; the updates' gmp targets are filled in by buildPlan (they need the layers). */
export function planSteps(config: RiglConfig, actual?: DataShape, options: PlanOptions = {}): StepPlan {
  const info = modelInfo(config.model);
  const trainSize = actual?.trainSize ?? datasetFacts(config.dataset, { inputShape: info.nativeInput, numClasses: info.nativeClasses }).trainSize;
  const { training, sparsity } = config;
  const { stepsPerEpoch, totalSteps } = stepCounts(trainSize, training);
  // The same schedule object the updaters step by: one rule for when masks change.
  const schedule = createMaskSchedule(sparsity.update, totalSteps);
  const maskUpdates = updateCount(sparsity.method, schedule);
  const steps: StepPlan = { trainSize, stepsPerEpoch, totalSteps, endStep: schedule.endStep, startStep: schedule.startStep, deltaT: schedule.deltaT, maskUpdates };
  if (options.listUpdates) {
    if (maskUpdates > MAX_LISTED_UPDATES) {
      throw new PlanLimitError(`this run would update its masks ${maskUpdates} times (every ${schedule.deltaT} steps until step ${schedule.endStep}); at most ${MAX_LISTED_UPDATES} are planned. Raise sparsity.update.delta_t or train fewer steps.`);
    }
    steps.updates = updateSteps(sparsity.method, schedule).map((step): PlanMaskUpdate => (sparsity.method === 'gmp' ? { step } : { step, fraction: schedule.updateFraction(step) }));
  }
  return steps;
}

/** How many times a method changes masks under a schedule: counted, whatever the step counts. */
export function updateCount(method: RiglConfig['sparsity']['method'], schedule: MaskSchedule): number {
  if (method === 'gmp') return gmpPruneCount(schedule.startStep, schedule.endStep, schedule.deltaT);
  if (method !== 'rigl' && method !== 'set' && method !== 'snfs') return 0;
  // isDropGrowStep: the multiples of ΔT in [1, T_end), and step 1 with at_step_zero (as updateSteps lists them).
  const stepOne = schedule.deltaT !== 1 && schedule.isDropGrowStep(1) ? 1 : 0;
  return Math.max(0, Math.floor((schedule.endStep - 1) / schedule.deltaT)) + stepOne;
}

/** The steps at which a method changes masks under a schedule (as many as updateCount: bound it first). */
export function updateSteps(method: RiglConfig['sparsity']['method'], schedule: MaskSchedule): number[] {
  if (method === 'gmp') return gmpUpdateSteps(schedule.startStep, schedule.endStep, schedule.deltaT);
  if (method !== 'rigl' && method !== 'set' && method !== 'snfs') return [];
  const steps: number[] = [];
  // The first step too, when at_step_zero asks for the official code's step-0 update.
  if (schedule.deltaT !== 1 && schedule.isDropGrowStep(1)) steps.push(1);
  for (let t = schedule.deltaT; t < schedule.endStep; t += schedule.deltaT) if (schedule.isDropGrowStep(t)) steps.push(t);
  return steps;
}

/** How many steps gmp prunes at: the multiples of ΔT in (t0, t1], and t1 itself; counted, never listed. */
export function gmpPruneCount(startStep: number, endStep: number, deltaT: number): number {
  if (endStep <= startStep) return 0;
  return Math.floor(endStep / deltaT) - Math.floor(startStep / deltaT) + (endStep % deltaT === 0 ? 0 : 1);
}

/**
 * The steps at which gmp prunes: the multiples of ΔT in (t0, t1) and t1 itself (schedule.ts decides).
 * A list as long as the count: callers bound it (gmpPruneCount) before asking for it.
 */
export function gmpUpdateSteps(startStep: number, endStep: number, deltaT: number): number[] {
  const steps: number[] = [];
  for (let t = Math.ceil((startStep + 1) / deltaT) * deltaT; t < endStep; t += deltaT) if (isGmpPruneStep(t, deltaT, startStep, endStep)) steps.push(t);
  if (isGmpPruneStep(endStep, deltaT, startStep, endStep)) steps.push(endStep);
  return steps;
}

/** Above this many pruning steps the mean progress is integrated instead of summed step by step. */
const GMP_SUM_LIMIT = 100_000;

/** Mean over all training steps of gmp's pruning progress c(t) (s_l(t) = s_l·c(t)), held between prunes. */
function gmpMeanProgress(steps: StepPlan, startStep: number): number {
  if (gmpPruneCount(startStep, steps.endStep, steps.deltaT) > GMP_SUM_LIMIT) {
    // With n > 10^5 prunes the held sum differs from the integral of the ramp by at most 2ΔT
    // steps' worth, a relative 2/n < 2·10^-5: ∫ c = 3/4 of the ramp, then c = 1 to the end.
    const ramp = steps.endStep - startStep;
    return (0.75 * ramp + (steps.totalSteps + 1 - steps.endStep)) / steps.totalSteps;
  }
  const pruneSteps = gmpUpdateSteps(startStep, steps.endStep, steps.deltaT);
  let sum = 0;
  for (let i = 0; i < pruneSteps.length; i++) {
    const t = pruneSteps[i];
    const held = (i + 1 < pruneSteps.length ? pruneSteps[i + 1] : steps.totalSteps + 1) - t;
    sum += gmpSparsity(1, t, startStep, steps.endStep) * held;
  }
  return sum / steps.totalSteps;
}

/** The plan from the dataset's nominal facts, or from what an opened dataset gives (`actual`). */
export function buildPlan(config: RiglConfig, actual?: DataShape, options: PlanOptions = {}): Plan {
  const spec = modelSpecFor(config, actual);
  const { sparsity } = config;
  const densities: LayerDensity[] = sparsity.method === 'dense'
    ? spec.layers.map((l) => ({ name: l.name, density: 1, participates: false }))
    : layerDensities(spec.layers, {
      sparsity: sparsity.sparsity,
      distribution: sparsity.distribution,
      erkPower: sparsity.erk_power,
      denseFirstLayer: sparsity.dense_first_layer,
      denseLastLayer: sparsity.dense_last_layer,
      overrides: sparsity.overrides,
    });
  const layers: LayerPlan[] = spec.layers.map((layer, i) => {
    const nnz = activeCount(densities[i].density, layer.params);
    const density = nnz / layer.params;
    return {
      name: layer.name, kind: layer.kind, shape: [...layer.shape], params: layer.params, density, nnz,
      flops: density * layer.flops, flopsDense: layer.flops, participates: densities[i].participates, fixedBy: densities[i].fixedBy,
    };
  });
  const steps = planSteps(config, actual, options);
  if (sparsity.method === 'gmp' && steps.updates) {
    const schedule = createMaskSchedule(sparsity.update, steps.totalSteps);
    for (const update of steps.updates) update.nnz = layers.map((l) => gmpTargetActive(schedule, l.density, l.params, update.step));
  }
  const summary = flopsSummary(layers.map((l) => ({ flops: l.flopsDense, density: l.density })), {
    method: sparsity.method,
    totalSteps: steps.totalSteps,
    maskUpdates: steps.maskUpdates,
    gmpMeanProgress: sparsity.method === 'gmp' ? gmpMeanProgress(steps, steps.startStep) : undefined,
  });
  const params = layers.reduce((a, l) => a + l.params, 0);
  const nnz = layers.reduce((a, l) => a + l.nnz, 0);
  return {
    model: config.model,
    spec,
    layers,
    totals: {
      params, nnz, sparsity: 1 - nnz / params,
      flopsDense: summary.flopsDense, flopsSparse: summary.flopsSparse,
      inferenceFlopsFactor: summary.inferenceFlopsFactor, trainFlopsFactor: summary.trainFlopsFactor,
      trainFlops: summary.trainFlopsPerExample * config.training.batch_size * steps.totalSteps,
    },
    steps,
  };
}
