// Learning rate at a step: linear warm-up, then cosine decay (the NVIDIA port) or ×gamma at
// milestone epochs (the paper), with every epoch anchor scaled by the M× multiplier.
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
