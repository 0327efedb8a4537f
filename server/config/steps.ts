// How many optimizer steps a run takes: one rule for the planner, the trainer and the config's
// bounds check, plus the largest run a config may ask for (anything beyond is a typo, not a run).
import type { TrainingConfig } from './types.js';

/**
 * 2^40 steps: at a million steps a second that is 35 years of training. Well inside 2^53, so every
 * step count, step number and update count stays an exact integer in a double.
 */
export const MAX_TOTAL_STEPS = 2 ** 40;

export interface StepCounts {
  stepsPerEpoch: number;
  totalSteps: number;
}

/** Steps of a run over `trainSize` examples: epochs × multiplier × steps per epoch (partial batches dropped). */
export function stepCounts(trainSize: number, training: Pick<TrainingConfig, 'batch_size' | 'epochs' | 'multiplier'>): StepCounts {
  // The loaders drop the last partial batch, so an epoch is floor(N / batch) steps.
  const stepsPerEpoch = Math.max(1, Math.floor(trainSize / training.batch_size));
  const totalSteps = Math.max(1, Math.round(training.epochs * training.multiplier * stepsPerEpoch));
  return { stepsPerEpoch, totalSteps };
}
