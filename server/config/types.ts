// The resolved, fully defaulted RigL run configuration: what every consumer (trainer, planner,
// language server, CLI) reads after a *.rigl.yaml has been parsed and validated.
import type { ModelName } from '../nn/spec.js';

export const DATASET_NAMES = ['mnist', 'fashion-mnist', 'cifar10', 'imagenet', 'synthetic'] as const;
export type DatasetName = (typeof DATASET_NAMES)[number];
export const METHODS = ['rigl', 'set', 'snfs', 'static', 'gmp', 'dense'] as const;
export type Method = (typeof METHODS)[number];
export const DISTRIBUTIONS = ['uniform', 'er', 'erk'] as const;
export type Distribution = (typeof DISTRIBUTIONS)[number];
export const UPDATE_SCHEDULES = ['cosine', 'constant', 'linear'] as const;
export type UpdateSchedule = (typeof UPDATE_SCHEDULES)[number];
export const LR_SCHEDULES = ['cosine', 'step', 'constant'] as const;
export type LrScheduleType = (typeof LR_SCHEDULES)[number];
export const LR_SCHEDULE_UNITS = ['step', 'epoch'] as const;
export type LrScheduleUnit = (typeof LR_SCHEDULE_UNITS)[number];
export const WEIGHT_DECAY_TARGETS = ['kernels', 'all_but_bn', 'all'] as const;
export type WeightDecayTarget = (typeof WEIGHT_DECAY_TARGETS)[number];
export const BACKENDS = ['auto', 'tensorflow', 'webgpu', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKENDS)[number];
export const ENGINES = ['tfjs', 'pytorch'] as const;
export type EngineName = (typeof ENGINES)[number];
export const TORCH_DEVICES = ['auto', 'cuda', 'cpu'] as const;
export type TorchDevice = (typeof TORCH_DEVICES)[number];
export const TORCH_PRECISIONS = ['fp32', 'bf16', 'fp16'] as const;
export type TorchPrecision = (typeof TORCH_PRECISIONS)[number];

export interface DatasetConfig {
  name: DatasetName;
  /** Folder or file of the data; required for cifar10 and imagenet, optional for fashion-mnist. */
  path?: string;
  /** Side of the square crop fed to the network (imagenet and synthetic); defaults to the model's native input. */
  image_size?: number;
  /** Examples in the synthetic training set (synthetic only). */
  synthetic_size: number;
  /** Use only the first N training examples (0 = all); handy for quick experiments. */
  train_limit: number;
}

export interface UpdateConfig {
  /** ΔT: optimizer steps between mask updates. */
  delta_t: number;
  /** α: initial fraction of active weights updated. */
  alpha: number;
  /** Stop updating masks (rigl/set/snfs) or pruning (gmp) at this fraction of training. */
  t_end: number;
  /** gmp only: start pruning at this fraction of training. */
  t_start: number;
  schedule: UpdateSchedule;
  /** Batches whose dense gradients are summed for the grow score. */
  grad_accumulation: number;
  /** snfs only: decay of the gradient's exponential moving average. */
  ema_decay: number;
  /** rigl/set/snfs: also update at the first step with f(0) = α (the official code); off in the port. */
  at_step_zero: boolean;
}

export interface SparsityConfig {
  method: Method;
  /** Target global sparsity S in [0, 1). */
  sparsity: number;
  distribution: Distribution;
  /** ERK exponent p: raw scores are raised to p (0 gives uniform); ER ignores it. */
  erk_power: number;
  /** Keep the first layer dense. Default: true for uniform, false for er/erk. */
  dense_first_layer: boolean;
  /** Keep the last layer dense. Default false. */
  dense_last_layer: boolean;
  /** Fixed sparsity per layer name or glob pattern (* and ?); such layers leave the budget. */
  overrides: Record<string, number>;
  update: UpdateConfig;
}

export interface OptimizerConfig {
  name: 'sgd';
  lr: number;
  momentum: number;
  nesterov: boolean;
  weight_decay: number;
  /** Which parameters are decayed: kernels only (official), all but batch norm (port), or all. */
  weight_decay_on: WeightDecayTarget;
}

export interface LrScheduleConfig {
  type: LrScheduleType;
  warmup_epochs: number;
  /** step only: epochs at which the LR is multiplied by gamma. */
  milestones: number[];
  gamma: number;
  /** Whether the LR changes every step or is held per epoch. */
  per: LrScheduleUnit;
}

export interface TrainingConfig {
  epochs: number;
  batch_size: number;
  optimizer: OptimizerConfig;
  lr_schedule: LrScheduleConfig;
  label_smoothing: number;
  /** mixup's Beta(α, α) parameter; 0 = off. */
  mixup_alpha: number;
  seed: number;
  /** M× training: scales epochs and the LR schedule's epoch anchors by M (ΔT stays). */
  multiplier: number;
  /** Write a train event every N steps. */
  log_every: number;
  eval_batch_size: number;
}

/** The pytorch engine's settings (docs/engines.md); the tfjs engine never reads them. */
export interface PytorchConfig {
  /** The Python interpreter; absent: rigl.pythonPath, the Python extension's, else the first of python3, python, /usr/bin/python3 that has torch. */
  python?: string;
  device: TorchDevice;
  /** Ranks on this machine (DDP: nccl on CUDA, gloo on CPU). */
  processes: number;
  precision: TorchPrecision;
  /** CUDA only: channels-last memory format for convolutions. */
  channels_last: boolean;
  /** DataLoader worker processes per rank; absent: the engine's default (CPUs per rank − 1, at most 8). */
  workers?: number;
  /** torch.compile the model where available. */
  compile: boolean;
  /** With several ranks: SyncBatchNorm (statistics over the global batch) instead of per-rank batch norm. */
  sync_bn: boolean;
}

export interface RiglConfig {
  name: string;
  model: ModelName;
  dataset: DatasetConfig;
  sparsity: SparsityConfig;
  training: TrainingConfig;
  /** A published result the run reproduces (top-1 as a fraction). */
  reference?: ReferenceResult;
  backend: BackendName;
  /** Which engine trains the run. */
  engine: EngineName;
  pytorch: PytorchConfig;
}

export interface ReferenceResult {
  top1: number;
  source?: string;
}
