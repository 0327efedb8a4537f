// FLOPs of RIGL-SPEC §7 (RigL paper, appendix H): inference FLOPs of the sparse model and the
// training FLOPs per step of every method, as factors of dense training.
import type { Method } from '../config/types.js';

export interface FlopsLayer {
  /** Dense forward FLOPs of the layer for one example (2 × multiply-adds). */
  flops: number;
  density: number;
}

export interface FlopsSummary {
  /** f_D: dense forward FLOPs per example. */
  flopsDense: number;
  /** f_S: Σ density_l · flops_l. */
  flopsSparse: number;
  inferenceFlopsFactor: number;
  /** Training FLOPs per example per step, relative to dense training (3·f_D). */
  trainFlopsFactor: number;
  /** Training FLOPs per example per step. */
  trainFlopsPerExample: number;
}

export interface TrainFlopsOptions {
  method: Method;
  /** Optimizer steps of the run, and how many of them are mask-update steps (plan.ts). */
  totalSteps: number;
  maskUpdates: number;
  /** gmp only: mean over training steps of the pruning progress c(t) ∈ [0, 1] (s_l(t) = s_l·c(t)). */
  gmpMeanProgress?: number;
}

export function sparseFlops(layers: readonly FlopsLayer[]): { flopsDense: number; flopsSparse: number } {
  let flopsDense = 0;
  let flopsSparse = 0;
  for (const { flops, density } of layers) {
    flopsDense += flops;
    flopsSparse += flops * density;
  }
  return { flopsDense, flopsSparse };
}

/** Training FLOPs of one step for one example as a·f_S + b·f_D. */
export interface FlopsTerm {
  sparse: number;
  dense: number;
}

/**
 * The one rule for training FLOPs (RIGL-SPEC §7), backward = 2 × forward: per method, the step's
 * cost in f_S (the masks in force) and f_D, on an ordinary step and on a mask-update step (a
 * RigL update needs the dense gradient, so its weight gradient is dense), and dense training's
 * step. plan.json carries it so every engine's live counter uses exactly these coefficients, and
 * the plan's average (trainFlopsPerExample) sums the same terms over the real schedule. The paper
 * writes RigL's average as (3·f_S·ΔT + 2·f_S + f_D)/(ΔT + 1), counting the update as a step
 * besides the ΔT sparse ones; here an update happens on every ΔT-th step itself and only until
 * T_end, which is what the trainers do.
 */
export interface TrainFlopsRule {
  step: FlopsTerm;
  update: FlopsTerm;
  /** Dense training's step (the denseTrainFlops counter). */
  dense: FlopsTerm;
}

const DENSE_STEP: FlopsTerm = { sparse: 0, dense: 3 };
const SPARSE_STEP: FlopsTerm = { sparse: 3, dense: 0 };
const DENSE_GRADIENT_STEP: FlopsTerm = { sparse: 2, dense: 1 };

export function trainFlopsRule(method: Method): TrainFlopsRule {
  switch (method) {
    case 'dense': return { step: DENSE_STEP, update: DENSE_STEP, dense: DENSE_STEP };
    case 'snfs': return { step: DENSE_GRADIENT_STEP, update: DENSE_GRADIENT_STEP, dense: DENSE_STEP };
    case 'rigl': return { step: SPARSE_STEP, update: DENSE_GRADIENT_STEP, dense: DENSE_STEP };
    case 'static': case 'set': case 'gmp': return { step: SPARSE_STEP, update: SPARSE_STEP, dense: DENSE_STEP };
  }
}

export function applyFlopsTerm(term: FlopsTerm, fD: number, fS: number): number {
  return term.sparse * fS + term.dense * fD;
}

/** Training FLOPs of one step for one example, from f_D and the f_S of the masks in force. */
export function stepTrainFlops(method: Method, fD: number, fS: number, isMaskUpdateStep: boolean): number {
  const rule = trainFlopsRule(method);
  return applyFlopsTerm(isMaskUpdateStep ? rule.update : rule.step, fD, fS);
}

/** Training FLOPs per example and step, averaged over the run's steps. */
export function trainFlopsPerExample(layers: readonly FlopsLayer[], options: TrainFlopsOptions): number {
  const { flopsDense: fD, flopsSparse } = sparseFlops(layers);
  let fS = flopsSparse;
  if (options.method === 'gmp') {
    // Density at time t is 1 − s_l·c(t); f_S enters linearly, so averaging over t only needs the mean of c.
    const meanProgress = options.gmpMeanProgress ?? 0;
    fS = 0;
    for (const { flops, density } of layers) fS += flops * (1 - (1 - density) * meanProgress);
  }
  const total = Math.max(1, options.totalSteps);
  const updates = Math.min(total, options.maskUpdates);
  return ((total - updates) * stepTrainFlops(options.method, fD, fS, false) + updates * stepTrainFlops(options.method, fD, fS, true)) / total;
}

export function flopsSummary(layers: readonly FlopsLayer[], options: TrainFlopsOptions): FlopsSummary {
  const { flopsDense, flopsSparse } = sparseFlops(layers);
  const train = trainFlopsPerExample(layers, options);
  return {
    flopsDense,
    flopsSparse,
    inferenceFlopsFactor: flopsDense > 0 ? flopsSparse / flopsDense : 1,
    trainFlopsFactor: flopsDense > 0 ? train / (3 * flopsDense) : 1,
    trainFlopsPerExample: train,
  };
}
