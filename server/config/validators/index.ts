// The semantic validators, in reporting order, each with the key paths it reads. Each is a small
// (context) => ConfigProblem[]; add a check by writing one more and listing it here. A validator
// runs whenever its inputs are valid, even while other keys have schema errors.
import type { ConfigProblem } from '../problems.js';
import type { KeyPath, Validator, ValidationContext } from './context.js';
import { datasetPathMissing, datasetPathRequired } from './dataset-path.js';
import { modelInputMismatch } from './model-input.js';
import { noMaskUpdate } from './mask-updates.js';
import { gradAccumulationCapped } from './grad-accumulation.js';
import { ignoredSettings } from './ignored-settings.js';
import { overridesMatchNothing } from './overrides.js';
import { backendUnavailable } from './backend.js';
import { memoryExceedsBackend } from './memory.js';
import { pytorchEnvironment } from './pytorch.js';

export interface RegisteredValidator {
  check: Validator;
  /** Every key path the check reads (a section stands for all its keys). */
  reads: readonly KeyPath[];
}

/** What the per-layer plan is computed from (sparse/plan.ts). */
const PLAN_INPUTS: readonly KeyPath[] = [['model'], ['dataset'], ['sparsity'], ['training', 'epochs'], ['training', 'batch_size'], ['training', 'multiplier']];

export const SEMANTIC_VALIDATORS: readonly RegisteredValidator[] = [
  { check: datasetPathRequired, reads: [['dataset']] },
  { check: datasetPathMissing, reads: [['dataset']] },
  { check: modelInputMismatch, reads: [['model'], ['dataset']] },
  { check: noMaskUpdate, reads: PLAN_INPUTS },
  { check: gradAccumulationCapped, reads: [['sparsity', 'method'], ['sparsity', 'update', 'grad_accumulation'], ['sparsity', 'update', 'delta_t']] },
  { check: ignoredSettings, reads: [['sparsity', 'method'], ['sparsity', 'distribution'], ['training', 'lr_schedule', 'type'], ['dataset', 'name'], ['engine']] },
  { check: overridesMatchNothing, reads: PLAN_INPUTS },
  { check: backendUnavailable, reads: [['backend'], ['engine']] },
  { check: memoryExceedsBackend, reads: [...PLAN_INPUTS, ['backend'], ['engine']] },
  { check: pytorchEnvironment, reads: [['engine'], ['pytorch']] },
];

/** Every check whose inputs are valid. */
export function runSemanticValidators(context: ValidationContext, validators: readonly RegisteredValidator[] = SEMANTIC_VALIDATORS): ConfigProblem[] {
  return validators.filter(({ reads }) => !reads.some((path) => context.invalid(path))).flatMap(({ check }) => check(context));
}

export { createValidationContext, type ValidationContext, type Validator } from './context.js';
