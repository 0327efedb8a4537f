// Creates a model's variables (masked weights in spec order, then biases, batch-norm parameters
// and running statistics) with seeded values, and hands out the layer functions that use them.
import * as tf from '@tensorflow/tfjs-core';
import type { LayerSpec, ModelSpec } from '../spec.js';
import { batchNorm, conv2d, dense, type BatchNormState, type ForwardContext } from '../layers.js';
import { convWeightInit, fcInit, variableStream } from './init.js';

export type Layer<In extends tf.Tensor = tf.Tensor4D, Out extends tf.Tensor = tf.Tensor4D> = (x: In, context: ForwardContext) => Out;

/** What a trainable tensor is: a conv/fc kernel (the masked weights), a bias, or a batch-norm γ/β. */
export type ParameterRole = 'kernel' | 'bias' | 'batchnorm';

export interface NamedVariable {
  name: string;
  variable: tf.Variable;
  role: 'masked' | 'param' | 'buffer';
}

export class ModelBuilder {
  readonly masked: { name: string; variable: tf.Variable }[] = [];
  readonly params: { name: string; variable: tf.Variable; role: Exclude<ParameterRole, 'kernel'> }[] = [];
  readonly buffers: { name: string; variable: tf.Variable }[] = [];
  private readonly layerIndex = new Map<string, number>();
  private readonly used = new Set<string>();

  constructor(readonly spec: ModelSpec, private readonly seed: number) {
    spec.layers.forEach((layer, index) => {
      const next = variableStream(seed, layer.name);
      const values = layer.kind === 'conv' ? convWeightInit(layer.shape, next) : fcInit(layer.params, layer.shape[0], next);
      this.masked.push({ name: layer.name, variable: makeVariable(layer.name, values, layer.shape, true) });
      this.layerIndex.set(layer.name, index);
    });
  }

  /** The spec's convolution `name`: its weight, stride and ⌊k/2⌋ padding; optionally a zero-initialised bias. */
  conv(name: string, options: { bias?: boolean } = {}): Layer {
    const { index, layer } = this.take(name, 'conv');
    const stride = layer.stride ?? 1;
    const bias = options.bias ? this.param(`${name}.bias`, [layer.shape[3]], new Float32Array(layer.shape[3]), 'bias') : undefined;
    return (x, context) => {
      const y = conv2d(x, context.weights[index], stride);
      return bias ? tf.add(y, bias) : y;
    };
  }

  /** The spec's fully connected layer `name` with its bias (PyTorch's default initialisation). */
  fc(name: string): Layer<tf.Tensor2D, tf.Tensor2D> {
    const { index, layer } = this.take(name, 'fc');
    const [fanIn, outputs] = layer.shape;
    const bias = this.param(`${name}.bias`, [outputs], fcInit(outputs, fanIn, variableStream(this.seed, `${name}.bias`)), 'bias');
    return (x, context) => dense(x, context.weights[index], bias);
  }

  /** Batch norm over `channels`: gamma 1, beta 0, running mean 0, running variance 1. */
  batchNorm(name: string, channels: number): Layer {
    const state: BatchNormState = {
      gamma: this.param(`${name}.weight`, [channels], new Float32Array(channels).fill(1), 'batchnorm'),
      beta: this.param(`${name}.bias`, [channels], new Float32Array(channels), 'batchnorm'),
      runningMean: this.buffer(`${name}.running_mean`, [channels], new Float32Array(channels)),
      runningVar: this.buffer(`${name}.running_var`, [channels], new Float32Array(channels).fill(1)),
    };
    return (x, context) => batchNorm(x, state, context);
  }

  /** Channels of a spec layer's output (conv) or its outputs (fc). */
  outChannels(name: string): number {
    const layer = this.spec.layers[this.indexOf(name)];
    return layer.shape[layer.shape.length - 1];
  }

  has(name: string): boolean {
    return this.layerIndex.has(name);
  }

  /** Throws unless the network code used every masked layer of the spec exactly once. */
  assertComplete(): void {
    const unused = this.spec.layers.filter((l) => !this.used.has(l.name)).map((l) => l.name);
    if (unused.length) throw new Error(`${this.spec.name}: spec layers not used by the network: ${unused.join(', ')}`);
  }

  private take(name: string, kind: LayerSpec['kind']): { index: number; layer: LayerSpec } {
    const index = this.indexOf(name);
    const layer = this.spec.layers[index];
    if (layer.kind !== kind) throw new Error(`${this.spec.name}: ${name} is a ${layer.kind} layer in the spec, not ${kind}`);
    if (this.used.has(name)) throw new Error(`${this.spec.name}: ${name} used twice`);
    this.used.add(name);
    return { index, layer };
  }

  private indexOf(name: string): number {
    const index = this.layerIndex.get(name);
    if (index === undefined) throw new Error(`${this.spec.name}: the spec has no layer ${name}`);
    return index;
  }

  private param(name: string, shape: number[], values: Float32Array, role: Exclude<ParameterRole, 'kernel'>): tf.Variable {
    const variable = makeVariable(name, values, shape, true);
    this.params.push({ name, variable, role });
    return variable;
  }

  private buffer(name: string, shape: number[], values: Float32Array): tf.Variable {
    const variable = makeVariable(name, values, shape, false);
    this.buffers.push({ name, variable });
    return variable;
  }
}

/**
 * tfjs variable names are global to the process: the first model gets the plain torchvision-style
 * name (stable across processes, so it can key optimizer state), a second live model a suffix.
 */
function makeVariable(name: string, values: Float32Array, shape: number[], trainable: boolean): tf.Variable {
  const registered = tf.engine().registeredVariables;
  let unique = name;
  for (let copy = 2; registered[unique] != null; copy++) unique = `${name}#${copy}`;
  return tf.tidy(() => tf.variable(tf.tensor(values, shape, 'float32'), trainable, unique));
}
