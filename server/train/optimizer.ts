// SGD with momentum, Nesterov and weight decay, PyTorch's formulation; masked weights and
// their momentum are re-zeroed after every step (RIGL-SPEC §1).
import * as tf from '@tensorflow/tfjs-core';
import { deviceScalar } from '../nn/device-scalars.js';
import type { OptimizerConfig, WeightDecayTarget } from '../config/types.js';
import type { ParameterRole } from '../nn/models/builder.js';

export interface OptimizedParameter {
  name: string;
  variable: tf.Variable;
  /** What the parameter is: it decides whether weight decay applies. */
  role: ParameterRole;
  /** Present for masked weights: the step keeps W and momentum at zero where the mask is 0. */
  mask?: tf.Variable;
}

/**
 * Whether weight decay applies to a parameter. The default, kernels only, is the official RigL
 * code's rule; `all_but_bn` is the PyTorch port's (biases decayed, batch norm not); `all` decays
 * everything, as plain SGD with weight_decay does.
 */
export function isDecayed(on: WeightDecayTarget, role: ParameterRole): boolean {
  switch (on) {
    case 'kernels': return role === 'kernel';
    case 'all_but_bn': return role !== 'batchnorm';
    case 'all': return true;
  }
}

export class MaskedSgd {
  readonly momentum = new Map<string, tf.Variable>();
  private learningRate?: { value: number; tensor: tf.Scalar };

  constructor(private readonly config: OptimizerConfig, parameters: readonly OptimizedParameter[]) {
    for (const { name, variable } of parameters) {
      // A variable keeps its own reference to the data; the initial tensor must still be disposed.
      const zeros = tf.zerosLike(variable);
      this.momentum.set(name, tf.variable(zeros, false));
      zeros.dispose();
    }
  }

  /** One step: d = g + wd·p (wd = 0 where weight_decay_on excludes p); buf = μ·buf + d; p −= lr·(nesterov ? d + μ·buf : buf). Gradients are not disposed. */
  step(parameters: readonly OptimizedParameter[], gradients: ReadonlyMap<string, tf.Tensor>, lr: number): void {
    const { momentum: mu, nesterov, weight_decay: weightDecay, weight_decay_on: decayOn } = this.config;
    const learningRate = this.learningRateOnDevice(lr);
    tf.tidy(() => {
      for (const { name, variable, mask, role } of parameters) {
        const gradient = gradients.get(name);
        if (!gradient) throw new Error(`no gradient for parameter ${name}`);
        const buffer = this.momentum.get(name)!;
        const decayed = weightDecay > 0 && isDecayed(decayOn, role) ? tf.add(gradient, tf.mul(variable, deviceScalar(weightDecay))) : gradient;
        let newBuffer = mu > 0 ? tf.add(tf.mul(buffer, deviceScalar(mu)), decayed) : decayed;
        const direction = nesterov && mu > 0 ? tf.add(decayed, tf.mul(newBuffer, deviceScalar(mu))) : newBuffer;
        let newValue = tf.sub(variable, tf.mul(direction, learningRate));
        if (mask) {
          newValue = tf.mul(newValue, mask);
          newBuffer = tf.mul(newBuffer, mask);
        }
        variable.assign(newValue);
        buffer.assign(newBuffer);
      }
    });
  }

  /** The learning rate as a device scalar, uploaded again only when the schedule changes it. */
  private learningRateOnDevice(lr: number): tf.Scalar {
    if (this.learningRate?.value !== lr) {
      this.learningRate?.tensor.dispose();
      this.learningRate = { value: lr, tensor: tf.keep(tf.scalar(lr, 'float32')) };
    }
    return this.learningRate.tensor;
  }

  /** Zero momentum where `keep` is 0 (dropped or newly grown connections). */
  applyKeep(name: string, keep: tf.Tensor): void {
    const buffer = this.momentum.get(name);
    if (buffer) tf.tidy(() => buffer.assign(tf.mul(buffer, keep)));
  }

  dispose(): void {
    for (const buffer of this.momentum.values()) buffer.dispose();
    this.momentum.clear();
    this.learningRate?.tensor.dispose();
    this.learningRate = undefined;
  }
}
