// The trainable networks: createModel builds one from its spec with seeded weights; forward takes
// the effective weights W ⊙ M as arguments so the trainer can differentiate with respect to them.
import * as tf from '@tensorflow/tfjs-core';
import type { ModelName, ModelSpec } from '../spec.js';
import type { ForwardContext } from '../layers.js';
import { registerTrainingGradients } from '../gradients/index.js';
import { ModelBuilder, type Layer, type NamedVariable, type ParameterRole } from './builder.js';
import { buildCifarResNet } from './cifar-resnet.js';
import { buildCnnSmall } from './cnn-small.js';
import { buildImagenetResNet } from './imagenet-resnet.js';
import { buildLenet300100 } from './mlp.js';

export type { NamedVariable, ParameterRole } from './builder.js';

export interface ForwardResult {
  logits: tf.Tensor2D;
  /**
   * Batch-norm running statistics to assign once the step is done (empty in eval mode). The new
   * values are ordinary tensors of the caller's scope: inside a gradient function, tf.keep them.
   */
  bufferUpdates: [tf.Variable, tf.Tensor][];
}

export interface TrainableModel {
  readonly spec: ModelSpec;
  /** One per spec layer, same names, shapes and order; the trainer masks these. */
  readonly maskedWeights: readonly { name: string; variable: tf.Variable }[];
  /** Biases and batch-norm gamma/beta: trainable, never masked. Names in otherParamNames. */
  readonly otherParams: readonly tf.Variable[];
  /** torchvision-style names of otherParams (e.g. layer1.0.bn1.weight, fc.bias), same order. */
  readonly otherParamNames: readonly string[];
  /** Whether each of otherParams is a bias or a batch-norm γ/β, same order. */
  readonly otherParamRoles: readonly Exclude<ParameterRole, 'kernel'>[];
  /** Batch-norm running mean and variance: not trainable. */
  readonly buffers: readonly tf.Variable[];
  /**
   * x: NHWC [n, h, w, c] (or [n, features] for lenet; a flat conv input is reshaped by the spec).
   * weights: the effective W ⊙ M, in maskedWeights order. training: batch statistics + updates.
   */
  forward(x: tf.Tensor, weights: readonly tf.Tensor[], training: boolean): ForwardResult;
  /** Every variable with its name and role, for checkpoints: masked weights, parameters, buffers. */
  namedVariables(): NamedVariable[];
  dispose(): void;
}

type Network = Layer<tf.Tensor, tf.Tensor2D>;

const BUILDERS: Record<ModelName, (b: ModelBuilder) => Network> = {
  'lenet-300-100': (b) => buildLenet300100(b),
  'cnn-small': (b) => buildCnnSmall(b) as Network,
  resnet20: (b) => buildCifarResNet(b, false) as Network,
  'wrn-22-2': (b) => buildCifarResNet(b, true) as Network,
  resnet18: (b) => buildImagenetResNet(b, [2, 2, 2, 2], false) as Network,
  resnet34: (b) => buildImagenetResNet(b, [3, 4, 6, 3], false) as Network,
  resnet50: (b) => buildImagenetResNet(b, [3, 4, 6, 3], true) as Network,
};

/** Builds `spec`'s network with weights drawn from `seed` (the same on every backend). */
export function createModel(spec: ModelSpec, seed: number): TrainableModel {
  registerTrainingGradients();
  const builder = new ModelBuilder(spec, seed);
  let network: Network;
  try {
    network = BUILDERS[spec.name](builder);
    builder.assertComplete();
  } catch (error) {
    tf.dispose([...builder.masked, ...builder.params, ...builder.buffers].map((v) => v.variable));
    throw error;
  }
  const isConv = spec.name !== 'lenet-300-100';
  const [height, width, channels] = spec.inputShape;
  const named: NamedVariable[] = [
    ...builder.masked.map((v) => ({ ...v, role: 'masked' as const })),
    ...builder.params.map((v) => ({ ...v, role: 'param' as const })),
    ...builder.buffers.map((v) => ({ ...v, role: 'buffer' as const })),
  ];
  return {
    spec,
    maskedWeights: builder.masked,
    otherParams: builder.params.map((p) => p.variable),
    otherParamNames: builder.params.map((p) => p.name),
    otherParamRoles: builder.params.map((p) => p.role),
    buffers: builder.buffers.map((p) => p.variable),
    forward(x, weights, training) {
      if (weights.length !== builder.masked.length) throw new Error(`${spec.name}.forward: ${weights.length} weights given, the model has ${builder.masked.length}`);
      return tf.tidy(() => {
        const context: ForwardContext = { weights, training, bufferUpdates: [] };
        const input = isConv && x.rank !== 4 ? tf.reshape(x, [x.shape[0], height, width, channels]) : x;
        const logits = network(input, context);
        return { logits, bufferUpdates: context.bufferUpdates };
      });
    },
    namedVariables: () => named.slice(),
    dispose: () => tf.dispose(named.map((v) => v.variable)),
  };
}
