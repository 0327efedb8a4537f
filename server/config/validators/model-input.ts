// model-input-mismatch: the network's downsampling stages cannot take the dataset's images
// (e.g. ResNet-50 on 28×28 MNIST).
import type { ConfigProblem } from '../problems.js';
import { datasetFacts } from '../datasets.js';
import { inputMismatch, modelInfo } from '../../nn/specs.js';
import type { ValidationContext } from './context.js';

export function modelInputMismatch(context: ValidationContext): ConfigProblem[] {
  const { model, dataset } = context.config;
  const info = modelInfo(model);
  const { inputShape } = datasetFacts(dataset, { inputShape: info.nativeInput, numClasses: info.nativeClasses });
  const reason = inputMismatch(model, inputShape);
  if (reason === undefined) return [];
  return [{
    code: 'model-input-mismatch', severity: 'error',
    message: `${reason} (${dataset.name}). Choose a model for small images (lenet-300-100, cnn-small, resnet20, wrn-22-2) or larger inputs.`,
    path: ['model'], range: context.valueRange(['model']),
    data: { model, inputShape, minInputSide: info.minInputSide },
  }];
}
