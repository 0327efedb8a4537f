// The one JSON Schema of *.rigl.yaml: validation (ajv), completion, hover and the editor's schema
// association all read it. Defaults here are the defaults the resolved config gets.
import { BACKENDS, DATASET_NAMES, DISTRIBUTIONS, ENGINES, LR_SCHEDULE_UNITS, LR_SCHEDULES, METHODS, TORCH_DEVICES, TORCH_PRECISIONS, UPDATE_SCHEDULES, WEIGHT_DECAY_TARGETS } from './types.js';
import { MODEL_NAMES } from '../nn/spec.js';
import { MAX_TOTAL_STEPS } from './steps.js';

// Upper bounds are far beyond any real run; they exist so that a typo (1e300 epochs) is an error
// here instead of a frozen planner, and every number the planner sees is finite and exact.
const MAX_BATCH = 2 ** 20;
const MAX_EPOCHS = 100_000;

export interface SchemaNode {
  type?: 'object' | 'string' | 'number' | 'integer' | 'boolean' | 'array';
  description?: string;
  /** Per-enum-value documentation, same order as enum. */
  enumDescriptions?: string[];
  enum?: readonly (string | number)[];
  default?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  minItems?: number;
  maxLength?: number;
  maxItems?: number;
  maxProperties?: number;
  properties?: Record<string, SchemaNode>;
  required?: string[];
  additionalProperties?: boolean | SchemaNode;
  items?: SchemaNode;
  examples?: unknown[];
}

const updateSchema: SchemaNode = {
  type: 'object',
  description: 'When and how much of the topology changes (RigL-SPEC §3).',
  additionalProperties: false,
  properties: {
    delta_t: { type: 'integer', minimum: 1, maximum: MAX_TOTAL_STEPS, default: 100, description: 'ΔT: optimizer steps between two mask updates. RigL uses 100.' },
    alpha: { type: 'number', exclusiveMinimum: 0, maximum: 1, default: 0.3, description: 'α: the fraction of active weights dropped and regrown at the first update; it then decays by the schedule.' },
    t_end: { type: 'number', exclusiveMinimum: 0, maximum: 1, default: 0.75, description: 'T_end as a fraction of all training steps: no mask update (or gmp pruning step) happens from then on.' },
    t_start: { type: 'number', minimum: 0, exclusiveMaximum: 1, default: 0, description: 'gmp only: the fraction of training at which pruning starts (t_0).' },
    schedule: { type: 'string', enum: UPDATE_SCHEDULES, default: 'cosine', description: 'How the update fraction f(t) decays.', enumDescriptions: ['f(t) = α/2 · (1 + cos(π t / T_end))', 'f(t) = α', 'f(t) = α · (1 − t / T_end)'] },
    grad_accumulation: { type: 'integer', minimum: 1, maximum: MAX_TOTAL_STEPS, default: 1, description: 'RigL: sum the dense gradients of this many batches for the grow score.' },
    ema_decay: { type: 'number', minimum: 0, exclusiveMaximum: 1, default: 0.9, description: 'snfs only: decay of the exponential moving average of the dense gradient.' },
    at_step_zero: { type: 'boolean', default: false, description: 'rigl/set/snfs: also update the masks on the first step, with f = f(0) = α, as the official code does. Off by default, as in the PyTorch port behind the published 100/500/1200-epoch results: the first update is at t = ΔT.' },
  },
};

export const RIGL_CONFIG_SCHEMA: SchemaNode = {
  type: 'object',
  description: 'A RigL Studio training run: model, data, sparsity method and training recipe.',
  additionalProperties: false,
  required: ['model', 'dataset'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 200, description: 'A name for the run; the run directory starts with it.' },
    model: {
      type: 'string', enum: MODEL_NAMES, description: 'The network to train.',
      enumDescriptions: [
        'LeNet-300-100 MLP, 266 k weights (MNIST).',
        'Three 3×3 conv layers of 32 channels and a classifier.',
        'ResNet-20 for 32×32 images, 0.27 M weights.',
        'WideResNet-22-2 for 32×32 images, 1.1 M weights (the RigL CIFAR-10 model).',
        'ResNet-18, 11.7 M weights.',
        'ResNet-34, 21.8 M weights.',
        'ResNet-50 v1.5, 54 weight tensors, 25.5 M weights (the RigL reference model).',
      ],
    },
    dataset: {
      type: 'object', additionalProperties: false, required: ['name'], description: 'Where the examples come from.',
      properties: {
        name: {
          type: 'string', enum: DATASET_NAMES, default: 'mnist', description: 'The dataset.',
          enumDescriptions: [
            'MNIST, bundled (60 k train / 10 k test, 28×28×1).',
            'Fashion-MNIST IDX files (Debian dataset-fashion-mnist, or a path).',
            'CIFAR-10 binary version from `path` (32×32×3).',
            'ImageNet from `path`: train/ and val/ folders of class sub-folders of JPEGs.',
            'Random data generated in memory, for tests and benchmarks.',
          ],
        },
        path: { type: 'string', minLength: 1, maxLength: 4096, description: 'Folder of the dataset files. Required for cifar10 and imagenet.' },
        image_size: { type: 'integer', minimum: 8, maximum: 1024, description: 'Side of the square crop fed to the network (imagenet, synthetic). Default: the model\'s native input.' },
        synthetic_size: { type: 'integer', minimum: 1, maximum: 2 ** 31, default: 1024, description: 'synthetic only: number of training examples generated.' },
        train_limit: { type: 'integer', minimum: 0, maximum: 2 ** 31, default: 0, description: 'Use only the first N training examples (0 = all).' },
      },
    },
    sparsity: {
      type: 'object', additionalProperties: false, description: 'The sparse-training method and the sparsity it keeps.',
      properties: {
        method: {
          type: 'string', enum: METHODS, default: 'rigl', description: 'Sparse-training method.',
          enumDescriptions: [
            'RigL: drop by magnitude, grow by dense-gradient magnitude (Evci et al. 2020).',
            'SET: drop by magnitude, grow at random (Mocanu et al. 2018).',
            'SNFS: grow by the momentum (EMA) of the dense gradient (Dettmers & Zettlemoyer 2019).',
            'Static: a fixed random sparse mask.',
            'Gradual magnitude pruning from dense (Zhu & Gupta 2017).',
            'Dense training, no masks.',
          ],
        },
        sparsity: { type: 'number', minimum: 0, exclusiveMaximum: 1, default: 0.9, description: 'Target global sparsity S: the fraction of participating weights that are zero.' },
        distribution: {
          type: 'string', enum: DISTRIBUTIONS, default: 'erk', description: 'How the sparsity budget is spread over layers.',
          enumDescriptions: ['Every participating layer gets sparsity S (first layer dense by default).', 'Erdős–Rényi: density ∝ (n_in + n_out)/(n_in · n_out).', 'Erdős–Rényi-Kernel: density ∝ sum of dimensions / product of dimensions.'],
        },
        erk_power: { type: 'number', minimum: 0, maximum: 10, default: 1, description: 'ERK exponent p: raw scores are raised to p; 0 gives uniform. ER ignores it, as the official code does.' },
        dense_first_layer: { type: 'boolean', description: 'Keep the first layer dense. Default: true for uniform, false for er and erk.' },
        dense_last_layer: { type: 'boolean', default: false, description: 'Keep the classifier dense. The PyTorch port behind the 100/500/1200-epoch results keeps it dense for uniform (with the first layer), so its "0.8 uniform" is 0.7355 global sparsity.' },
        overrides: {
          type: 'object', default: {}, maxProperties: 10_000, description: 'Fixed sparsity for layers by exact name or glob (`layer1.*`, `fc`); these layers leave the budget.',
          additionalProperties: { type: 'number', minimum: 0, exclusiveMaximum: 1, description: 'The sparsity of the matching layers.' },
        },
        update: updateSchema,
      },
    },
    training: {
      type: 'object', additionalProperties: false, description: 'The optimization recipe.',
      properties: {
        epochs: { type: 'number', exclusiveMinimum: 0, maximum: MAX_EPOCHS, default: 5, description: 'Passes over the training set (before the multiplier).' },
        batch_size: { type: 'integer', minimum: 1, maximum: MAX_BATCH, default: 100, description: 'Examples per optimizer step.' },
        optimizer: {
          type: 'object', additionalProperties: false, description: 'SGD with momentum.',
          properties: {
            name: { type: 'string', enum: ['sgd'], default: 'sgd', description: 'The optimizer.' },
            lr: { type: 'number', exclusiveMinimum: 0, default: 0.1, description: 'Peak learning rate.' },
            momentum: { type: 'number', minimum: 0, exclusiveMaximum: 1, default: 0.9, description: 'Momentum coefficient.' },
            nesterov: { type: 'boolean', default: true, description: 'Use Nesterov momentum.' },
            weight_decay: { type: 'number', minimum: 0, maximum: 1, default: 0.0001, description: 'L2 weight decay added to the gradient.' },
            weight_decay_on: {
              type: 'string', enum: WEIGHT_DECAY_TARGETS, default: 'kernels', description: 'Which parameters weight decay applies to.',
              enumDescriptions: ['Convolution and fully connected kernels only (the official RigL code).', 'Everything but batch-norm γ/β: kernels and biases (the PyTorch port).', 'Every trainable parameter, batch norm and biases included.'],
            },
          },
        },
        lr_schedule: {
          type: 'object', additionalProperties: false, description: 'Learning-rate schedule.',
          properties: {
            type: { type: 'string', enum: LR_SCHEDULES, default: 'cosine', description: 'Schedule shape.', enumDescriptions: ['Cosine decay to 0 after warm-up (the NVIDIA port).', 'Multiply by gamma at each milestone epoch (the paper).', 'Constant after warm-up.'] },
            warmup_epochs: { type: 'number', minimum: 0, maximum: MAX_EPOCHS, default: 0, description: 'Linear warm-up from 0 over this many epochs.' },
            milestones: { type: 'array', items: { type: 'number', exclusiveMinimum: 0, maximum: MAX_EPOCHS }, maxItems: 1000, default: [], description: 'step only: epochs at which the LR is multiplied by gamma (the paper: 30, 70, 90).' },
            gamma: { type: 'number', exclusiveMinimum: 0, maximum: 1000, default: 0.1, description: 'step only: the factor applied at each milestone.' },
            per: { type: 'string', enum: LR_SCHEDULE_UNITS, default: 'step', description: 'How often the learning rate changes.', enumDescriptions: ['Every optimizer step (a smooth warm-up and decay).', 'Once per epoch, held for the whole epoch (the PyTorch port behind the 100/500/1200-epoch results).'] },
          },
        },
        label_smoothing: { type: 'number', minimum: 0, exclusiveMaximum: 1, default: 0, description: 'Label smoothing of the cross-entropy (the ImageNet recipes use 0.1).' },
        mixup_alpha: { type: 'number', minimum: 0, maximum: 100, default: 0, description: 'mixup (Zhang et al. 2018): train on λ·x_i + (1 − λ)·x_j with λ ~ Beta(α, α) and the same mix of the targets; 0 = off (the PyTorch port uses 0.2). The training accuracy then counts a prediction correct when it names the label with the larger share.' },
        seed: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER, default: 0, description: 'Seed of masks, initialization, data order and tie-breaking.' },
        multiplier: { type: 'number', exclusiveMinimum: 0, maximum: 1000, default: 1, description: 'M× training: epochs, LR epoch anchors and T_end scale by M; ΔT stays (the paper\'s 5×).' },
        log_every: { type: 'integer', minimum: 1, maximum: MAX_TOTAL_STEPS, default: 20, description: 'Write a train event every N steps.' },
        eval_batch_size: { type: 'integer', minimum: 1, maximum: MAX_BATCH, default: 500, description: 'Batch size of evaluation.' },
      },
    },
    reference: {
      type: 'object', additionalProperties: false, required: ['top1'], description: 'A published result this run reproduces; `runs` and the dashboard show the run\'s top-1 against it.',
      properties: {
        top1: { type: 'number', minimum: 0, maximum: 1, description: 'The published top-1 accuracy as a fraction (0.754 for 75.4 %).' },
        source: { type: 'string', minLength: 1, description: 'Where the figure comes from (paper, table, row).' },
      },
    },
    backend: {
      type: 'string', enum: BACKENDS, default: 'auto', description: 'TensorFlow.js backend that runs the training (tfjs engine only).',
      enumDescriptions: [
        'The fastest that loads here: tensorflow, then webgpu (if a GPU adapter exists), then wasm, then cpu.',
        'tfjs-node-gpu / tfjs-node (needs libtensorflow 2.9.1, CUDA 11.2, cuDNN 8.1).',
        'WebGPU through Dawn (needs a Vulkan driver and a GPU).',
        'WebAssembly with SIMD: the fast CPU backend.',
        'Pure JavaScript: works everywhere, slow.',
      ],
    },
    engine: {
      type: 'string', enum: ENGINES, default: 'tfjs', description: 'The engine that trains the run; the config, plan, run directory and dashboard are the same for both.',
      enumDescriptions: [
        'TensorFlow.js in Node: no install, runs everywhere (CPU via wasm; `backend` picks the tfjs backend).',
        'PyTorch in Python (needs torch): CUDA GPUs, several GPUs with DDP, SLURM clusters, and CPUs. Settings under `pytorch`.',
      ],
    },
    pytorch: {
      type: 'object', additionalProperties: false, description: 'The pytorch engine\'s settings (read only with `engine: pytorch`).',
      properties: {
        python: { type: 'string', minLength: 1, description: 'The Python interpreter with torch. Default: the `rigl.pythonPath` setting, else the Python extension\'s interpreter, else the first of python3, python, /usr/bin/python3 that has torch.' },
        device: { type: 'string', enum: TORCH_DEVICES, default: 'auto', description: 'Where the ranks compute.', enumDescriptions: ['CUDA when torch sees a GPU, else CPU.', 'CUDA GPUs (the run fails if torch sees none).', 'CPU threads.'] },
        processes: { type: 'integer', minimum: 1, maximum: 1024, default: 1, description: 'Ranks on this machine (DDP: nccl on CUDA, gloo on CPU); one GPU each on CUDA. training.batch_size is the global batch, split evenly over the ranks.' },
        precision: { type: 'string', enum: TORCH_PRECISIONS, default: 'fp32', description: 'CUDA autocast precision.', enumDescriptions: ['Full precision.', 'bfloat16 autocast (Ampere or newer).', 'float16 autocast with a gradient scaler.'] },
        channels_last: { type: 'boolean', default: true, description: 'CUDA only: channels-last memory format for convolutions (faster with tensor cores).' },
        workers: { type: 'integer', minimum: 0, maximum: 1024, description: 'DataLoader worker processes per rank (ImageNet decoding). Default: CPUs per rank − 1, at most 8.' },
        compile: { type: 'boolean', default: false, description: 'torch.compile the model (PyTorch 2.x; ignored where unavailable).' },
        sync_bn: { type: 'boolean', default: false, description: 'With processes > 1: batch-norm statistics over the whole global batch (torch SyncBatchNorm, one more all-reduce per batch-norm layer), for small per-rank batches. Off: each rank normalizes its own share of the batch, as plain DDP does.' },
      },
    },
    sweep: {
      type: 'object', additionalProperties: false,
      description: 'A sweep: this config trained once per grid point and seed (`rigl-studio sweep`, *RigL: Start Sweep*). Training the file as a single run ignores this section.',
      properties: {
        grid: {
          type: 'object', default: {},
          description: 'Key paths of this config (`sparsity.sparsity`, `sparsity.method`) → the values to try; every combination is one grid point.',
          additionalProperties: { type: 'array', minItems: 1, maxItems: 1000, description: 'The values of this key, one grid point each.' },
        },
        seeds: { type: 'array', minItems: 1, maxItems: 1000, items: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER }, description: 'Values of training.seed: every grid point runs once per seed (mean ± std in the results). Default: the config\'s seed.' },
      },
    },
  },
};

/** The schema node at a key path, or undefined where the schema has none. */
export function schemaAt(path: readonly (string | number)[]): SchemaNode | undefined {
  let node: SchemaNode | undefined = RIGL_CONFIG_SCHEMA;
  for (const key of path) {
    if (!node) return undefined;
    if (node.type === 'array') node = node.items;
    else if (node.properties && typeof key === 'string' && key in node.properties) node = node.properties[key];
    else if (typeof node.additionalProperties === 'object') node = node.additionalProperties;
    else return undefined;
  }
  return node;
}

/** The schema as plain JSON Schema (draft-07) for editors' schema association. */
export function toJsonSchema(): object {
  return { $schema: 'http://json-schema.org/draft-07/schema#', $id: 'rigl-studio://schema/rigl-config', title: 'RigL Studio run configuration', ...RIGL_CONFIG_SCHEMA };
}
