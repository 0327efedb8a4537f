// The semantic validators, in reporting order. Each is a small (context) => ConfigProblem[]; add
// a check by writing one more and listing it here.
import type { ConfigProblem } from '../problems.js';
import type { Validator, ValidationContext } from './context.js';
import { datasetPathMissing, datasetPathRequired } from './dataset-path.js';
import { modelInputMismatch } from './model-input.js';
import { noMaskUpdate } from './mask-updates.js';
import { gradAccumulationCapped } from './grad-accumulation.js';
import { ignoredSettings } from './ignored-settings.js';
import { overridesMatchNothing } from './overrides.js';
import { backendUnavailable } from './backend.js';
import { memoryExceedsBackend } from './memory.js';

export const SEMANTIC_VALIDATORS: readonly Validator[] = [
  datasetPathRequired,
  datasetPathMissing,
  modelInputMismatch,
  noMaskUpdate,
  gradAccumulationCapped,
  ignoredSettings,
  overridesMatchNothing,
  backendUnavailable,
  memoryExceedsBackend,
];

export function runSemanticValidators(context: ValidationContext, validators: readonly Validator[] = SEMANTIC_VALIDATORS): ConfigProblem[] {
  return validators.flatMap((validate) => validate(context));
}

export { createValidationContext, type ValidationContext, type Validator } from './context.js';
