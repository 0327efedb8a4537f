// Registers the gradient functions training needs. tfjs-core's Node build ships none (only its
// ESM build registers them, as a side effect we cannot load from CommonJS), so tf.grads fails.
import * as tf from '@tensorflow/tfjs-core';
import { elementwiseGradients } from './elementwise.js';
import { nnGradients } from './nn.js';
import { shapeGradients } from './shape.js';

export const TRAINING_GRADIENTS: readonly tf.GradConfig[] = [...elementwiseGradients, ...shapeGradients, ...nnGradients];

/**
 * Makes tf.grads work for every kernel the models, losses and weight decay use. Idempotent; a
 * gradient someone else registered first (e.g. tfjs-core's own, if its ESM build is loaded) stays.
 * Returns the kernel names registered by this call.
 */
export function registerTrainingGradients(): string[] {
  const registered: string[] = [];
  for (const config of TRAINING_GRADIENTS) {
    if (tf.getGradient(config.kernelName) != null) continue;
    tf.registerGradient(config);
    registered.push(config.kernelName);
  }
  return registered;
}
