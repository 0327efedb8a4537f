// Gradients of the reshaping, slicing and reducing kernels training uses (and softmax), ported
// from tfjs-core 4.22's src/gradients (Apache-2.0) because its Node build does not register them.
import * as tf from '@tensorflow/tfjs-core';
import { deviceScalar } from '../device-scalars.js';

type Saved = tf.Tensor[];

/** dy of a reduction, broadcast back over the reduced axes of x. */
function expandOverAxes(dy: tf.Tensor, x: tf.Tensor, axes: number[]): tf.Tensor {
  const expandedShape = x.shape.slice();
  for (const axis of axes) expandedShape[axis] = 1;
  return tf.broadcastTo(tf.reshape(dy, expandedShape), x.shape);
}

/** Max and Min route the gradient to every position equal to the extreme value. */
function extremeGradient(kernelName: string, axisAttr: string): tf.GradConfig {
  return {
    kernelName,
    inputsToSave: ['x'],
    outputsToSave: [true],
    gradFunc: (dy, saved, attrs) => {
      const [x, y] = saved as Saved;
      const axes = tf.util.parseAxisParam(attrs[axisAttr] as number | number[], x.shape);
      const keep = (t: tf.Tensor) => (t.rank < x.rank ? tf.reshape(t, tf.backend_util.expandShapeToKeepDim(t.shape, axes)) : t);
      const g = keep(dy as tf.Tensor);
      return { x: () => tf.mul(g, tf.cast(tf.equal(x, keep(y)), g.dtype)) };
    },
  };
}

export const shapeGradients: tf.GradConfig[] = [
  {
    kernelName: tf.Sum,
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved as Saved;
      const axes = tf.util.parseAxisParam(attrs.axis as number | number[], x.shape);
      return { x: () => expandOverAxes(dy as tf.Tensor, x, axes) };
    },
  },
  {
    kernelName: tf.Mean,
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved as Saved;
      const axes = tf.util.parseAxisParam(attrs.axis as number | number[], x.shape);
      const reduceSize = tf.util.sizeFromShape(tf.backend_util.computeOutAndReduceShapes(x.shape, axes)[1]);
      return { x: () => tf.mul(expandOverAxes(dy as tf.Tensor, x, axes), deviceScalar(1 / reduceSize)) };
    },
  },
  extremeGradient(tf.Max, 'reductionIndices'),
  extremeGradient(tf.Min, 'axis'),
  {
    kernelName: tf.Reshape,
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => ({ x: () => tf.reshape(dy as tf.Tensor, (saved as Saved)[0].shape) }),
  },
  {
    kernelName: tf.ExpandDims,
    inputsToSave: ['input'],
    gradFunc: (dy, saved) => ({ input: () => tf.reshape(dy as tf.Tensor, (saved as Saved)[0].shape) }),
  },
  {
    kernelName: tf.Transpose,
    gradFunc: (dy, _saved, attrs) => ({ x: () => tf.transpose(dy as tf.Tensor, tf.backend_util.getUndoAxesPermutation(attrs.perm as number[])) }),
  },
  {
    kernelName: tf.PadV2,
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const begin = (attrs.paddings as Array<[number, number]>).map((p) => p[0]);
      return { x: () => tf.slice(dy as tf.Tensor, begin, (saved as Saved)[0].shape) };
    },
  },
  {
    kernelName: tf.Slice,
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved as Saved;
      const [begin, size] = tf.slice_util.parseSliceParams(x, attrs.begin as number[], attrs.size as number[]);
      const paddings = x.shape.map((dim, i): [number, number] => [begin[i], dim - begin[i] - size[i]]);
      return { x: () => tf.pad(dy as tf.Tensor, paddings) };
    },
  },
  {
    kernelName: tf.Concat,
    saveAllInputs: true,
    gradFunc: (dy, saved, attrs) => {
      const inputs = saved as Saved;
      const axis = tf.util.parseAxisParam(attrs.axis as number, inputs[0].shape)[0];
      const parts = tf.split(dy as tf.Tensor, inputs.map((t) => t.shape[axis]), axis);
      return Object.fromEntries(parts.map((part, i) => [i, () => part]));
    },
  },
  {
    kernelName: tf.Pack,
    saveAllInputs: true,
    gradFunc: (dy, _saved, attrs) => Object.fromEntries(tf.unstack(dy as tf.Tensor, attrs.axis as number).map((part, i) => [i, () => part])),
  },
  {
    kernelName: tf.SplitV,
    gradFunc: (dy, _saved, attrs) => ({ x: () => tf.concat(dy as tf.Tensor[], attrs.axis as number) }),
  },
  {
    kernelName: tf.Reverse,
    gradFunc: (dy, _saved, attrs) => {
      const g = dy as tf.Tensor;
      return { x: () => tf.reverse(g, tf.util.parseAxisParam(attrs.dims as number | number[], g.shape)) };
    },
  },
  {
    kernelName: tf.BroadcastTo,
    gradFunc: (dy, _saved, attrs) => {
      const inputShape = attrs.inputShape as number[];
      const outputShape = attrs.shape as number[];
      // Broadcasting aligns trailing dimensions; every output axis the input did not fill is summed.
      const offset = outputShape.length - inputShape.length;
      const axes = outputShape.map((_, i) => i).filter((i) => i < offset || (inputShape[i - offset] === 1 && outputShape[i] !== 1));
      return { x: () => tf.reshape(tf.sum(dy as tf.Tensor, axes, true), inputShape) };
    },
  },
  {
    kernelName: tf.Tile,
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved as Saved;
      const reps = attrs.reps as number[];
      // Split every tiled axis into [reps, size] and sum over the reps.
      const splitShape = x.shape.flatMap((size, i) => [reps[i], size]);
      const repAxes = x.shape.map((_, i) => 2 * i);
      return { x: () => tf.reshape(tf.sum(tf.reshape(dy as tf.Tensor, splitShape), repAxes), x.shape) };
    },
  },
  {
    kernelName: tf.Softmax,
    outputsToSave: [true],
    gradFunc: (dy, saved, attrs) => {
      const [y] = saved as Saved;
      const dyTimesY = tf.mul(dy as tf.Tensor, y);
      return { logits: () => tf.sub(dyTimesY, tf.mul(tf.sum(dyTimesY, [attrs.dim as number], true), y)) };
    },
  },
  {
    kernelName: tf.LogSoftmax,
    outputsToSave: [true],
    gradFunc: (dy, saved, attrs) => {
      const [logProbs] = saved as Saved;
      const g = dy as tf.Tensor;
      return { logits: () => tf.sub(g, tf.mul(tf.sum(g, attrs.axis as number, true), tf.exp(logProbs))) };
    },
  },
];
