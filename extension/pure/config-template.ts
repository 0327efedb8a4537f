// The text of a new *.rigl.yaml from the New Config quick picks: only keys the chosen method and
// dataset read (so it validates without warnings), with training settings that suit the dataset.
import { datasetFacts } from '../../server/config/datasets.js';
import type { DatasetName, Method } from '../../server/config/types.js';
import { inputMismatch, modelInfo } from '../../server/nn/specs.js';
import { MODEL_NAMES, type ModelName } from '../../server/nn/spec.js';

export interface NewConfigChoices {
  model: ModelName;
  dataset: DatasetName;
  /** Required for cifar10 and imagenet (a folder as the user picked it). */
  datasetPath?: string;
  method: Method;
  /** Target global sparsity in [0, 1); ignored for dense. */
  sparsity: number;
}

/** Datasets whose data the user must point to. */
export function datasetNeedsPath(dataset: DatasetName): boolean {
  return dataset === 'cifar10' || dataset === 'imagenet';
}

/** The models whose downsampling can take this dataset's images (ResNet-50 cannot take 28×28 MNIST). */
export function modelsForDataset(dataset: DatasetName): ModelName[] {
  return MODEL_NAMES.filter((model) => {
    const info = modelInfo(model);
    const facts = datasetFacts({ name: dataset, synthetic_size: 1, train_limit: 0 }, { inputShape: info.nativeInput, numClasses: info.nativeClasses });
    return inputMismatch(model, facts.inputShape) === undefined;
  });
}

/** "mnist-lenet300-rigl-90": file and run name. */
export function suggestedConfigName(choices: Pick<NewConfigChoices, 'model' | 'dataset' | 'method' | 'sparsity'>): string {
  const model = choices.model.replace('lenet-300-100', 'lenet300');
  const sparsity = choices.method === 'dense' ? '' : `-${Math.round(choices.sparsity * 100)}`;
  return `${choices.dataset}-${model}-${choices.method}${sparsity}`;
}

interface TrainingDefaults {
  epochs: number;
  batchSize: number;
  lr: number;
  weightDecay: number;
  deltaT: number;
  warmupEpochs: number;
}

// Close to the RigL paper's settings per dataset, shortened for MNIST-sized experiments.
const TRAINING: Record<DatasetName, TrainingDefaults> = {
  mnist: { epochs: 5, batchSize: 100, lr: 0.1, weightDecay: 0.0001, deltaT: 100, warmupEpochs: 0 },
  'fashion-mnist': { epochs: 10, batchSize: 100, lr: 0.1, weightDecay: 0.0001, deltaT: 100, warmupEpochs: 0 },
  cifar10: { epochs: 160, batchSize: 128, lr: 0.1, weightDecay: 0.0005, deltaT: 100, warmupEpochs: 0 },
  imagenet: { epochs: 100, batchSize: 256, lr: 0.1, weightDecay: 0.0001, deltaT: 100, warmupEpochs: 5 },
  synthetic: { epochs: 1, batchSize: 32, lr: 0.05, weightDecay: 0.0001, deltaT: 10, warmupEpochs: 0 },
};

function sparsityBlock(choices: NewConfigChoices, deltaT: number): string[] {
  const lines = ['sparsity:', `  method: ${choices.method}`];
  if (choices.method === 'dense') return lines;
  lines.push(`  sparsity: ${Number(choices.sparsity.toFixed(4))}`, '  distribution: erk');
  if (choices.method === 'static') return lines;
  if (choices.method === 'gmp') lines.push(`  update: { delta_t: ${deltaT}, t_start: 0, t_end: 0.75 }`);
  else lines.push(`  update: { delta_t: ${deltaT}, alpha: 0.3, t_end: 0.75, schedule: cosine }`);
  return lines;
}

export function newConfigText(choices: NewConfigChoices, name = suggestedConfigName(choices)): string {
  if (datasetNeedsPath(choices.dataset) && !choices.datasetPath) throw new Error(`${choices.dataset} needs a dataset path`);
  const training = TRAINING[choices.dataset];
  const datasetLines = ['dataset:', `  name: ${choices.dataset}`];
  if (choices.datasetPath) datasetLines.push(`  path: ${JSON.stringify(choices.datasetPath)}`);
  return [
    `# ${choices.model} on ${choices.dataset}, ${choices.method === 'dense' ? 'dense training' : `${choices.method} at ${Math.round(choices.sparsity * 100)}% sparsity`}.`,
    '# Start it with "RigL: Start Run"; hover any key for its meaning and range.',
    `name: ${name}`,
    `model: ${choices.model}`,
    ...datasetLines,
    ...sparsityBlock(choices, training.deltaT),
    'training:',
    `  epochs: ${training.epochs}`,
    `  batch_size: ${training.batchSize}`,
    `  optimizer: { name: sgd, lr: ${training.lr}, momentum: 0.9, nesterov: true, weight_decay: ${training.weightDecay} }`,
    `  lr_schedule: { type: cosine, warmup_epochs: ${training.warmupEpochs} }`,
    '  seed: 0',
    'backend: auto',
    '',
  ].join('\n');
}
