// Gradients of the network kernels (convolution, matrix product, pooling, batch norm), ported
// from tfjs-core 4.22's src/gradients (Apache-2.0) because its Node build does not register them.
import * as tf from '@tensorflow/tfjs-core';
import { deviceScalar } from '../device-scalars.js';

type Saved = tf.Tensor[];
type Pad = 'same' | 'valid' | number | tf.backend_util.ExplicitPadding;
type Pair = number | [number, number];

const run = (kernelName: string, inputs: tf.NamedTensorMap, attrs: tf.NamedAttrMap): tf.Tensor =>
  tf.engine().runKernel(kernelName, inputs, attrs) as tf.Tensor;

export function conv2dBackpropInput(inputShape: number[], dy: tf.Tensor, filter: tf.Tensor, strides: Pair, pad: Pad, dataFormat: string, dimRoundingMode?: string): tf.Tensor {
  return run(tf.Conv2DBackpropInput, { dy, filter }, { strides, pad, dataFormat, dimRoundingMode, inputShape } as unknown as tf.NamedAttrMap);
}

export function conv2dBackpropFilter(x: tf.Tensor, dy: tf.Tensor, filterShape: number[], strides: Pair, pad: Pad, dataFormat: string, dimRoundingMode?: string): tf.Tensor {
  return run(tf.Conv2DBackpropFilter, { x, dy }, { strides, pad, dataFormat, dimRoundingMode, filterShape } as unknown as tf.NamedAttrMap);
}

export const nnGradients: tf.GradConfig[] = [
  {
    kernelName: tf.Conv2D,
    inputsToSave: ['x', 'filter'],
    gradFunc: (dy, saved, attrs) => {
      const [x, filter] = saved as Saved;
      const { dilations, strides, pad, dataFormat, dimRoundingMode } = attrs as unknown as { dilations: Pair; strides: Pair; pad: Pad; dataFormat: string; dimRoundingMode?: string };
      if (!tf.backend_util.tupleValuesAreOne(dilations)) throw new Error(`conv2d gradient: dilation rates other than 1 are not supported (got ${dilations})`);
      const g = dy as tf.Tensor;
      return {
        x: () => conv2dBackpropInput(x.shape, g, filter, strides, pad, dataFormat, dimRoundingMode),
        filter: () => conv2dBackpropFilter(x, g, filter.shape, strides, pad, dataFormat, dimRoundingMode),
      };
    },
  },
  {
    kernelName: tf.Conv2DBackpropInput,
    inputsToSave: ['dy', 'filter'],
    gradFunc: (ddx, saved, attrs) => {
      const [dy, filter] = saved as Saved;
      const { strides, pad, dataFormat, dimRoundingMode } = attrs as unknown as { strides: Pair; pad: Pad; dataFormat: 'NHWC' | 'NCHW'; dimRoundingMode?: 'floor' | 'round' | 'ceil' };
      const g = ddx as tf.Tensor4D;
      return {
        dy: () => tf.conv2d(g, filter as tf.Tensor4D, strides, pad, dataFormat, 1, dimRoundingMode),
        filter: () => conv2dBackpropFilter(g, dy, filter.shape, strides, pad, dataFormat, dimRoundingMode),
      };
    },
  },
  {
    kernelName: tf.BatchMatMul,
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, saved, attrs) => {
      const [a, b] = saved as Saved;
      const g = dy as tf.Tensor;
      const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
      if (!transposeA && !transposeB) return { a: () => tf.matMul(g, b, false, true), b: () => tf.matMul(a, g, true, false) };
      if (!transposeA && transposeB) return { a: () => tf.matMul(g, b, false, false), b: () => tf.matMul(g, a, true, false) };
      if (transposeA && !transposeB) return { a: () => tf.matMul(b, g, false, true), b: () => tf.matMul(a, g, false, false) };
      return { a: () => tf.matMul(b, g, true, true), b: () => tf.matMul(g, a, true, true) };
    },
  },
  {
    kernelName: tf.MaxPool,
    inputsToSave: ['x'],
    outputsToSave: [true],
    gradFunc: (dy, saved, attrs) => {
      const [x, y] = saved as Saved;
      const { filterSize, strides, pad, dimRoundingMode } = attrs;
      return { x: () => run(tf.MaxPoolGrad, { dy: dy as tf.Tensor, input: x, output: y }, { filterSize, strides, pad, dimRoundingMode }) };
    },
  },
  {
    kernelName: tf.AvgPool,
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved as Saved;
      const { filterSize, strides, pad, dimRoundingMode } = attrs;
      return { x: () => run(tf.AvgPoolGrad, { dy: dy as tf.Tensor, input: x }, { filterSize, strides, pad, dimRoundingMode }) };
    },
  },
  {
    kernelName: tf.FusedBatchNorm,
    inputsToSave: ['x', 'mean', 'variance', 'scale'],
    gradFunc: (dy, saved, attrs) => {
      const [x, mean, variance, scale] = saved as Array<tf.Tensor | undefined>;
      if (!x || !mean || !variance) throw new Error('batchNorm gradient: missing saved inputs');
      const g = dy as tf.Tensor;
      const scaleValue = scale ?? deviceScalar(1);
      // Gradients of every per-channel input are summed over the axes it was broadcast along.
      const reductionAxes = tf.backend_util.getReductionAxes(mean.shape, x.shape);
      const reduce = (t: tf.Tensor) => tf.reshape(reductionAxes.length > 0 ? tf.sum(t, reductionAxes) : t, mean.shape);
      const inverseStd = tf.rsqrt(tf.add(variance, deviceScalar(attrs.varianceEpsilon as number)));
      const dyTimesScale = tf.mul(g, scaleValue);
      const xMinusMean = tf.sub(x, mean);
      return {
        x: () => tf.mul(dyTimesScale, inverseStd),
        mean: () => reduce(tf.neg(tf.mul(dyTimesScale, inverseStd))),
        variance: () => reduce(tf.mul(tf.mul(tf.pow(inverseStd, deviceScalar(3)), deviceScalar(-0.5)), tf.mul(xMinusMean, dyTimesScale))),
        scale: () => reduce(tf.mul(g, tf.mul(xMinusMean, inverseStd))),
        offset: () => reduce(g),
      };
    },
  },
];
