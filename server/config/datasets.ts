// What each dataset is before it is opened: input shape, classes and nominal training-set size.
// The planner, the config validators and the trainer's step counts read these.
import type { DatasetConfig, DatasetName } from './types.js';

export interface DatasetFacts {
  inputShape: [number, number, number];
  numClasses: number;
  trainSize: number;
  testSize: number;
  needsPath: boolean;
  defaultPath?: string;
}

const FACTS: Record<DatasetName, DatasetFacts> = {
  mnist: { inputShape: [28, 28, 1], numClasses: 10, trainSize: 60000, testSize: 10000, needsPath: false },
  'fashion-mnist': { inputShape: [28, 28, 1], numClasses: 10, trainSize: 60000, testSize: 10000, needsPath: false, defaultPath: '/usr/share/datasets/fashion-mnist' },
  cifar10: { inputShape: [32, 32, 3], numClasses: 10, trainSize: 50000, testSize: 10000, needsPath: true },
  imagenet: { inputShape: [224, 224, 3], numClasses: 1000, trainSize: 1281167, testSize: 50000, needsPath: true },
  synthetic: { inputShape: [32, 32, 3], numClasses: 10, trainSize: 1024, testSize: 256, needsPath: false },
};

/**
 * The facts of a configured dataset. Synthetic data takes the model's native input and classes
 * so that any model trains on it; image_size overrides the crop side of imagenet and synthetic.
 */
export function datasetFacts(dataset: DatasetConfig, modelNative?: { inputShape: [number, number, number]; numClasses: number }): DatasetFacts {
  const base = FACTS[dataset.name];
  let facts: DatasetFacts = { ...base };
  if (dataset.name === 'synthetic') {
    const size = dataset.synthetic_size;
    facts = { ...facts, trainSize: size, testSize: Math.max(1, Math.floor(size / 4)), ...(modelNative ?? {}) };
  }
  if (dataset.image_size && (dataset.name === 'imagenet' || dataset.name === 'synthetic')) {
    facts = { ...facts, inputShape: [dataset.image_size, dataset.image_size, facts.inputShape[2]] };
  }
  if (dataset.train_limit > 0) facts = { ...facts, trainSize: Math.min(facts.trainSize, dataset.train_limit) };
  return facts;
}
