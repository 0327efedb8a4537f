// When masks change (RIGL-SPEC §3, §5): drop/grow update steps and the update fraction f(t) of
// rigl/set/snfs, and gmp's pruning steps and cubic sparsity ramp. Pure functions of the step.
import type { UpdateConfig, UpdateSchedule } from '../config/types.js';
import { exactZeroCount } from './distribution.js';

/**
 * Step counts in this module are optimizer steps of the whole run, t counted from 1. M× longer
 * training (`training.multiplier`) is already folded into `totalSteps` by the trainer
 * (epochs × multiplier × steps per epoch), so T_end and gmp's t0/t1 scale by M while ΔT stays.
 */
export function endStep(tEnd: number, totalSteps: number): number {
  return Math.floor(tEnd * totalSteps);
}

/**
 * rigl/set/snfs: an update happens at t when t mod ΔT = 0 and t < T_end; with `atStepZero` also
 * at the first step, which is the official code's step 0 (the PyTorch port, and the default
 * here, start at ΔT).
 */
export function isDropGrowStep(step: number, deltaT: number, endStepT: number, atStepZero = false): boolean {
  if (!Number.isInteger(step) || step < 1 || step >= endStepT) return false;
  return step % deltaT === 0 || (atStepZero && step === 1);
}

/** The time at which f is evaluated for the update of step t: 0 for the step-zero update. */
export function updateTime(step: number, atStepZero: boolean): number {
  return atStepZero && step === 1 ? 0 : step;
}

/** f(t) for t in [0, T_end]; 0 beyond T_end, where no update happens. */
export function updateFraction(schedule: UpdateSchedule, alpha: number, step: number, endStepT: number): number {
  if (endStepT <= 0 || step > endStepT) return 0;
  switch (schedule) {
    case 'cosine': return (alpha / 2) * (1 + Math.cos((Math.PI * step) / endStepT));
    case 'constant': return alpha;
    case 'linear': return alpha * (1 - step / endStepT);
  }
}

/**
 * gmp's sparsity at t for a layer whose final sparsity is s:
 * s·(1 − (1 − (t − t0)/(t1 − t0))³) in [t0, t1], 0 before t0, s after t1 (Zhu & Gupta 2017).
 */
export function gmpSparsity(finalSparsity: number, step: number, startStepT: number, endStepT: number): number {
  if (step < startStepT) return 0;
  if (step >= endStepT) return finalSparsity;
  const progress = (step - startStepT) / (endStepT - startStepT);
  return finalSparsity * (1 - (1 - progress) ** 3);
}

/**
 * gmp prunes at the multiples of ΔT in (t0, t1) and always at t1, where the target is reached
 * (the same steps as plan.ts's gmpUpdateSteps). Nothing happens when t1 ≤ t0.
 */
export function isGmpPruneStep(step: number, deltaT: number, startStepT: number, endStepT: number): boolean {
  if (!Number.isInteger(step) || step <= startStepT || step > endStepT) return false;
  return step === endStepT || step % deltaT === 0;
}

/** The schedule of one run, resolved to steps. */
export interface MaskSchedule {
  readonly deltaT: number;
  /** T_end in steps; gmp's t1. */
  readonly endStep: number;
  /** gmp's t0 in steps. */
  readonly startStep: number;
  isDropGrowStep(step: number): boolean;
  updateFraction(step: number): number;
  isGmpPruneStep(step: number): boolean;
  gmpSparsity(finalSparsity: number, step: number): number;
}

export function createMaskSchedule(update: UpdateConfig, totalSteps: number): MaskSchedule {
  if (!(Number.isInteger(update.delta_t) && update.delta_t >= 1)) throw new RangeError(`delta_t must be a positive integer, got ${update.delta_t}`);
  const end = endStep(update.t_end, totalSteps);
  const start = Math.floor(update.t_start * totalSteps);
  return {
    deltaT: update.delta_t,
    endStep: end,
    startStep: start,
    isDropGrowStep: (step) => isDropGrowStep(step, update.delta_t, end, update.at_step_zero),
    updateFraction: (step) => updateFraction(update.schedule, update.alpha, updateTime(step, update.at_step_zero), end),
    isGmpPruneStep: (step) => isGmpPruneStep(step, update.delta_t, start, end),
    gmpSparsity: (finalSparsity, step) => gmpSparsity(finalSparsity, step, start, end),
  };
}

/** gmp: the active weights a layer of `params` weights keeps after the prune at t (its planned count at t1). */
export function gmpTargetActive(schedule: MaskSchedule, finalDensity: number, params: number, step: number): number {
  return params - exactZeroCount(schedule.gmpSparsity(1 - finalDensity, step), params);
}
