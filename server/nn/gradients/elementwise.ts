// Gradients of the element-wise kernels training uses (arithmetic, activations, casts), ported
// from tfjs-core 4.22's src/gradients (Apache-2.0) because its Node build does not register them.
import * as tf from '@tensorflow/tfjs-core';
import { deviceScalar } from '../device-scalars.js';

type Saved = tf.Tensor[];

/** Sums a broadcast gradient back down to the input's shape. */
function unbroadcast(grad: tf.Tensor, inputShape: number[], outShape: number[]): tf.Tensor {
  const axes = tf.backend_util.getReductionAxes(inputShape, outShape);
  return tf.reshape(axes.length > 0 ? tf.sum(grad, axes) : grad, inputShape);
}

function binary(kernelName: string, derivatives: (dy: tf.Tensor, a: tf.Tensor, b: tf.Tensor) => [() => tf.Tensor, () => tf.Tensor]): tf.GradConfig {
  return {
    kernelName,
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, saved) => {
      const [a, b] = saved as Saved;
      const outShape = tf.backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
      const [derA, derB] = derivatives(dy as tf.Tensor, a, b);
      return { a: () => unbroadcast(derA(), a.shape, outShape), b: () => unbroadcast(derB(), b.shape, outShape) };
    },
  };
}

/** A unary kernel whose gradient reads its input x. */
function unaryOfInput(kernelName: string, der: (dy: tf.Tensor, x: tf.Tensor, attrs: tf.NamedAttrMap) => tf.Tensor): tf.GradConfig {
  return { kernelName, inputsToSave: ['x'], gradFunc: (dy, saved, attrs) => ({ x: () => der(dy as tf.Tensor, (saved as Saved)[0], attrs) }) };
}

/** A unary kernel whose gradient reads its output y. */
function unaryOfOutput(kernelName: string, der: (dy: tf.Tensor, y: tf.Tensor) => tf.Tensor): tf.GradConfig {
  return { kernelName, outputsToSave: [true], gradFunc: (dy, saved) => ({ x: () => der(dy as tf.Tensor, (saved as Saved)[0]) }) };
}

const f32 = (t: tf.Tensor): tf.Tensor => tf.cast(t, 'float32');

export const elementwiseGradients: tf.GradConfig[] = [
  binary(tf.Add, (dy) => [() => dy, () => dy]),
  binary(tf.Sub, (dy) => [() => dy, () => tf.neg(dy)]),
  binary(tf.Multiply, (dy, a, b) => [() => tf.mul(dy, f32(b)), () => tf.mul(dy, f32(a))]),
  binary(tf.RealDiv, (dy, a, b) => [() => tf.div(dy, f32(b)), () => tf.neg(tf.div(tf.mul(dy, f32(a)), f32(tf.square(b))))]),
  binary(tf.SquaredDifference, (dy, a, b) => [() => tf.mul(dy, tf.mul(2, tf.sub(a, b))), () => tf.mul(dy, tf.mul(2, tf.sub(b, a)))]),
  binary(tf.Maximum, (dy, a, b) => [() => tf.mul(dy, f32(tf.greaterEqual(a, b))), () => tf.mul(dy, f32(tf.less(a, b)))]),
  binary(tf.Minimum, (dy, a, b) => [() => tf.mul(dy, f32(tf.lessEqual(a, b))), () => tf.mul(dy, f32(tf.greater(a, b)))]),
  {
    kernelName: tf.Pow,
    inputsToSave: ['a', 'b'],
    outputsToSave: [true],
    gradFunc: (dy, saved) => {
      const [base, exponent, y] = saved as Saved;
      const g = dy as tf.Tensor;
      const outShape = tf.backend_util.assertAndGetBroadcastShape(base.shape, exponent.shape);
      return {
        a: () => unbroadcast(tf.mul(g, tf.mul(f32(exponent), tf.pow(base, tf.sub(f32(exponent), deviceScalar(1))))), base.shape, outShape),
        b: () => {
          const logBase = tf.where(tf.greater(base, 0), tf.log(base), tf.zerosLike(base));
          return unbroadcast(tf.mul(g, tf.mul(y, logBase)), exponent.shape, outShape);
        },
      };
    },
  },
  {
    kernelName: tf.AddN,
    saveAllInputs: true,
    gradFunc: (dy, saved) => Object.fromEntries((saved as Saved).map((_, i) => [i, () => (dy as tf.Tensor).clone()])),
  },
  { kernelName: tf.Neg, gradFunc: (dy) => ({ x: () => tf.neg(dy as tf.Tensor) }) },
  { kernelName: tf.Cast, gradFunc: (dy) => ({ x: () => (dy as tf.Tensor).clone() }) },
  { kernelName: tf.Identity, gradFunc: (dy) => ({ x: () => f32(dy as tf.Tensor) }) },
  { kernelName: tf.Step, gradFunc: (dy) => ({ x: () => tf.zerosLike(dy as tf.Tensor) }) },
  { kernelName: tf.ZerosLike, gradFunc: (dy) => ({ x: () => tf.zerosLike(dy as tf.Tensor) }) },
  { kernelName: tf.OnesLike, gradFunc: (dy) => ({ x: () => tf.zerosLike(dy as tf.Tensor) }) },
  unaryOfInput(tf.Square, (dy, x) => tf.mul(dy, tf.mul(f32(x), deviceScalar(2)))),
  unaryOfInput(tf.Sqrt, (dy, x) => tf.div(dy, tf.mul(tf.sqrt(f32(x)), deviceScalar(2)))),
  unaryOfInput(tf.Rsqrt, (dy, x) => tf.neg(tf.div(dy, tf.mul(tf.pow(x, deviceScalar(1.5)), deviceScalar(2))))),
  unaryOfInput(tf.Reciprocal, (dy, x) => tf.div(dy, tf.neg(tf.square(x)))),
  unaryOfInput(tf.Log, (dy, x) => tf.div(dy, f32(x))),
  unaryOfInput(tf.Abs, (dy, x) => tf.mul(dy, tf.step(f32(x), -1))),
  unaryOfInput(tf.Relu, (dy, x) => tf.mul(dy, f32(tf.step(x)))),
  unaryOfInput(tf.Relu6, (dy, x) => tf.mul(dy, f32(tf.mul(tf.lessEqual(x, deviceScalar(6)), tf.step(x))))),
  unaryOfInput(tf.LeakyRelu, (dy, x, attrs) => tf.where(tf.greater(x, deviceScalar(0)), dy, tf.mul(dy, deviceScalar(attrs.alpha as number)))),
  unaryOfInput(tf.ClipByValue, (dy, x, attrs) =>
    tf.where(tf.logicalAnd(tf.greaterEqual(x, attrs.clipValueMin as number), tf.lessEqual(x, attrs.clipValueMax as number)), dy, tf.zerosLike(dy))),
  unaryOfOutput(tf.Exp, (dy, y) => tf.mul(dy, y)),
  unaryOfOutput(tf.Sigmoid, (dy, y) => tf.mul(dy, tf.mul(y, tf.sub(1, y)))),
  unaryOfOutput(tf.Tanh, (dy, y) => tf.mul(tf.sub(1, tf.square(y)), dy)),
  {
    kernelName: tf.Select,
    inputsToSave: ['condition'],
    gradFunc: (dy, saved) => {
      const [condition] = saved as Saved;
      const g = dy as tf.Tensor;
      return {
        condition: () => f32(tf.zerosLike(condition)),
        t: () => tf.mul(g, tf.cast(condition, g.dtype)),
        e: () => tf.mul(g, tf.cast(tf.logicalNot(condition), g.dtype)),
      };
    },
  },
];
