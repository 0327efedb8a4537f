// Learning rate at a step: linear warm-up, then cosine decay (the NVIDIA port) or ×gamma at
// milestone epochs (the paper), with every epoch anchor scaled by the M× multiplier; changed
// every step, or held for each epoch (`per: epoch`, as the PyTorch port does).
import type { LrScheduleConfig } from '../config/types.js';

export interface LrScheduleInput {
  baseLr: number;
  schedule: LrScheduleConfig;
  stepsPerEpoch: number;
  totalSteps: number;
  multiplier: number;
}

/** The LR used by optimizer step t (t counts from 1). */
export function learningRateAt(t: number, input: LrScheduleInput): number {
  if (input.schedule.per === 'epoch') return learningRateOfEpoch(Math.floor((t - 1) / input.stepsPerEpoch), input);
  const { baseLr, schedule, stepsPerEpoch, totalSteps, multiplier } = input;
  const warmupSteps = Math.round(schedule.warmup_epochs * multiplier * stepsPerEpoch);
  if (t <= warmupSteps) return (baseLr * t) / warmupSteps;
  switch (schedule.type) {
    case 'constant':
      return baseLr;
    case 'cosine': {
      const progress = Math.min(1, (t - warmupSteps) / Math.max(1, totalSteps - warmupSteps));
      return 0.5 * baseLr * (1 + Math.cos(Math.PI * progress));
    }
    case 'step': {
      // Epochs completed before this step, against milestones stretched by the multiplier.
      const epoch = (t - 1) / stepsPerEpoch;
      const passed = schedule.milestones.filter((m) => epoch >= m * multiplier).length;
      return baseLr * schedule.gamma ** passed;
    }
  }
}

/**
 * `per: epoch`: the LR of (0-based) epoch e, held for all its steps, the PyTorch port's
 * adjust_learning_rate: warm-up lr·(e + 1)/W for e < W, then the cosine over the remaining
 * epochs, or ×gamma for every milestone reached.
 */
function learningRateOfEpoch(epoch: number, input: LrScheduleInput): number {
  const { baseLr, schedule, stepsPerEpoch, totalSteps, multiplier } = input;
  const warmupEpochs = schedule.warmup_epochs * multiplier;
  if (epoch < warmupEpochs) return baseLr * Math.min(1, (epoch + 1) / warmupEpochs);
  switch (schedule.type) {
    case 'constant':
      return baseLr;
    case 'cosine': {
      const epochs = totalSteps / stepsPerEpoch;
      const progress = Math.min(1, (epoch - warmupEpochs) / Math.max(1, epochs - warmupEpochs));
      return 0.5 * baseLr * (1 + Math.cos(Math.PI * progress));
    }
    case 'step':
      return baseLr * schedule.gamma ** schedule.milestones.filter((m) => epoch >= m * multiplier).length;
  }
}
