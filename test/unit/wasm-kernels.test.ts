// The wasm training kernels against the cpu backend's numbers: Conv2DBackprop{Filter,Input} (strides
// 1 and 2, kernels 1/3/7, same/valid/explicit padding, NHWC and NCHW), MaxPoolGrad, BatchMatMul.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../server/train/backend.js';
import { registerWasmTrainingKernels } from '../../server/train/wasm-kernels/index.js';

type Pad = 'same' | 'valid' | number | tf.backend_util.ExplicitPadding;
interface Case {
  x: [number, number, number, number];
  filter: [number, number, number, number];
  strides: number | [number, number];
  pad: Pad;
}

const CASES: Case[] = [
  { x: [2, 8, 8, 3], filter: [3, 3, 3, 4], strides: 1, pad: 'same' },
  { x: [2, 8, 8, 3], filter: [3, 3, 3, 4], strides: 1, pad: 'valid' },
  { x: [2, 8, 8, 4], filter: [3, 3, 4, 6], strides: 2, pad: 'same' }, // even size: tf pads 0 above, 1 below
  { x: [2, 9, 9, 4], filter: [3, 3, 4, 6], strides: 2, pad: 'same' },
  { x: [2, 8, 8, 4], filter: [3, 3, 4, 6], strides: 2, pad: 1 }, // PyTorch-style symmetric, as the models use
  { x: [2, 7, 7, 3], filter: [3, 3, 3, 5], strides: 2, pad: 'valid' },
  { x: [2, 8, 8, 5], filter: [1, 1, 5, 7], strides: 1, pad: 'valid' },
  { x: [2, 9, 9, 5], filter: [1, 1, 5, 7], strides: 2, pad: 0 }, // kernel smaller than stride: phases with no tap
  { x: [1, 12, 12, 3], filter: [7, 7, 3, 8], strides: 2, pad: 3 },
  { x: [1, 11, 11, 3], filter: [7, 7, 3, 8], strides: 2, pad: 'valid' },
  { x: [1, 13, 13, 3], filter: [7, 7, 3, 4], strides: 1, pad: 'same' },
  { x: [2, 5, 5, 2], filter: [7, 7, 2, 3], strides: 1, pad: 'same' }, // filter larger than the image
  { x: [1, 9, 7, 3], filter: [3, 2, 3, 4], strides: [2, 1], pad: [[0, 0], [2, 0], [0, 1], [0, 0]] }, // asymmetric everything
  { x: [3, 6, 6, 16], filter: [3, 3, 16, 16], strides: 1, pad: 1 },
];

function hostValues(size: number, seed: number): Float32Array {
  const values = new Float32Array(size);
  let state = seed >>> 0;
  for (let i = 0; i < size; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    values[i] = state / 2147483648 - 1;
  }
  return values;
}

const sizeOf = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
const describeCase = (c: Case) => `x ${c.x} filter ${c.filter} strides ${c.strides} pad ${JSON.stringify(c.pad)}`;

/** Runs one kernel on `backend` from host data; returns the host result. */
async function runOn(backend: string, kernelName: string, inputs: Record<string, { shape: number[]; values: Float32Array }>, attrs: object): Promise<{ shape: number[]; values: Float32Array }> {
  await tf.setBackend(backend);
  const tensors = Object.fromEntries(Object.entries(inputs).map(([name, v]) => [name, tf.tensor(v.values, v.shape)]));
  const before = tf.memory().numTensors;
  const out = tf.engine().runKernel(kernelName, tensors, attrs as tf.NamedAttrMap) as tf.Tensor;
  const result = { shape: out.shape, values: out.dataSync() as Float32Array };
  out.dispose();
  assert.equal(tf.memory().numTensors, before, `${kernelName} on ${backend} leaked tensors`);
  tf.dispose(Object.values(tensors));
  return result;
}

function assertClose(actual: { shape: number[]; values: Float32Array }, expected: { shape: number[]; values: Float32Array }, label: string): void {
  assert.deepEqual(actual.shape, expected.shape, `${label}: shape`);
  let worst = 0;
  let scale = 1e-6;
  for (let i = 0; i < expected.values.length; i++) {
    worst = Math.max(worst, Math.abs(actual.values[i] - expected.values[i]));
    scale = Math.max(scale, Math.abs(expected.values[i]));
  }
  assert.ok(worst <= 1e-5 * scale + 1e-5, `${label}: max |difference| ${worst} (largest value ${scale})`);
}

function outputShape(c: Case): number[] {
  const info = tf.backend_util.computeConv2DInfo(c.x, c.filter, c.strides, 1, c.pad);
  return [info.batchSize, info.outHeight, info.outWidth, info.outChannels];
}

before(async () => {
  await selectBackend('wasm');
});

test('registering the wasm training kernels is idempotent', () => {
  assert.deepEqual(registerWasmTrainingKernels(), [], 'selectBackend already installed them');
  for (const name of ['Conv2DBackpropFilter', 'Conv2DBackpropInput', 'MaxPoolGrad', 'BatchMatMul']) assert.ok(tf.getKernel(name, 'wasm'), name);
});

for (const [index, c] of CASES.entries()) {
  test(`Conv2DBackpropFilter matches cpu: ${describeCase(c)}`, async () => {
    const dyShape = outputShape(c);
    const inputs = { x: { shape: c.x, values: hostValues(sizeOf(c.x), 2 * index + 1) }, dy: { shape: dyShape, values: hostValues(sizeOf(dyShape), 2 * index + 2) } };
    const attrs = { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', filterShape: c.filter };
    assertClose(await runOn('wasm', 'Conv2DBackpropFilter', inputs, attrs), await runOn('cpu', 'Conv2DBackpropFilter', inputs, attrs), 'dW');
  });

  test(`Conv2DBackpropInput matches cpu: ${describeCase(c)}`, async () => {
    const dyShape = outputShape(c);
    const inputs = { dy: { shape: dyShape, values: hostValues(sizeOf(dyShape), 3 * index + 1) }, filter: { shape: c.filter, values: hostValues(sizeOf(c.filter), 3 * index + 2) } };
    const attrs = { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', inputShape: c.x };
    assertClose(await runOn('wasm', 'Conv2DBackpropInput', inputs, attrs), await runOn('cpu', 'Conv2DBackpropInput', inputs, attrs), 'dx');
  });
}

const POOLS: Array<{ x: [number, number, number, number]; filterSize: number; strides: number; pad: Pad }> = [
  { x: [2, 8, 8, 3], filterSize: 2, strides: 2, pad: 'valid' },
  { x: [2, 9, 9, 3], filterSize: 2, strides: 2, pad: 'valid' },
  { x: [2, 9, 10, 4], filterSize: 3, strides: 2, pad: 1 }, // torchvision's stem pool
  { x: [1, 7, 7, 2], filterSize: 3, strides: 1, pad: 'same' },
  { x: [1, 8, 8, 2], filterSize: 3, strides: 2, pad: 'same' },
];

for (const [index, pool] of POOLS.entries()) {
  test(`MaxPoolGrad matches cpu, ties included: x ${pool.x} filter ${pool.filterSize} stride ${pool.strides} pad ${pool.pad}`, async () => {
    // Rounded values, many zeros (as after ReLU): ties inside windows go to the first maximum.
    const x = hostValues(sizeOf(pool.x), 50 + index).map((v) => Math.max(0, Math.round(v * 3)));
    const y = await (async () => {
      await tf.setBackend('cpu');
      return tf.tidy(() => {
        const out = tf.maxPool(tf.tensor4d(x, pool.x), pool.filterSize, pool.strides, pool.pad as 'same');
        return { shape: out.shape, values: out.dataSync() as Float32Array };
      });
    })();
    const inputs = { dy: { shape: y.shape, values: hostValues(sizeOf(y.shape), 60 + index) }, input: { shape: pool.x, values: x }, output: y };
    const attrs = { filterSize: pool.filterSize, strides: pool.strides, pad: pool.pad };
    assertClose(await runOn('wasm', 'MaxPoolGrad', inputs, attrs), await runOn('cpu', 'MaxPoolGrad', inputs, attrs), 'dx');
  });
}

const PRODUCTS: Array<{ a: number[]; b: number[]; transposeA: boolean; transposeB: boolean }> = [
  { a: [5, 7], b: [7, 3], transposeA: false, transposeB: false },
  { a: [7, 5], b: [7, 3], transposeA: true, transposeB: false },
  { a: [5, 7], b: [3, 7], transposeA: false, transposeB: true },
  { a: [7, 5], b: [3, 7], transposeA: true, transposeB: true },
  { a: [100, 70], b: [100, 45], transposeA: true, transposeB: false }, // larger than one 32×32 block
  { a: [2, 6, 4], b: [2, 5, 6], transposeA: true, transposeB: true }, // batched
  { a: [2, 4, 6], b: [1, 5, 6], transposeA: false, transposeB: true }, // broadcast batch
];

for (const product of PRODUCTS) {
  test(`BatchMatMul matches cpu: a ${product.a}${product.transposeA ? 'ᵀ' : ''} × b ${product.b}${product.transposeB ? 'ᵀ' : ''}`, async () => {
    const inputs = { a: { shape: product.a, values: hostValues(sizeOf(product.a), 70) }, b: { shape: product.b, values: hostValues(sizeOf(product.b), 71) } };
    const attrs = { transposeA: product.transposeA, transposeB: product.transposeB };
    assertClose(await runOn('wasm', 'BatchMatMul', inputs, attrs), await runOn('cpu', 'BatchMatMul', inputs, attrs), 'product');
  });
}

test('a kernel called directly with bare TensorInfos leaves its inputs alive', async () => {
  await tf.setBackend('wasm');
  const x = tf.ones([1, 4, 4, 2]);
  const dy = tf.ones([1, 4, 4, 3]);
  const bare = (t: tf.Tensor): tf.TensorInfo => ({ dataId: t.dataId, shape: t.shape, dtype: t.dtype });
  const kernel = tf.getKernel('Conv2DBackpropFilter', 'wasm')!;
  const before = tf.memory().numTensors;
  const out = kernel.kernelFunc({ inputs: { x: bare(x), dy: bare(dy) }, backend: tf.backend(), attrs: { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 2, 3] } }) as tf.Tensor;
  // The centre tap sees all 16 positions of ones × ones.
  assert.equal(out.dataSync()[4 * 2 * 3], 16);
  out.dispose();
  assert.equal(tf.memory().numTensors, before);
  assert.deepEqual([...x.dataSync()], new Array(32).fill(1), 'x still readable');
  tf.dispose([x, dy]);
});

test('NCHW data format gives the same gradients as cpu', async () => {
  const x = [2, 4, 8, 8]; // [n, c, h, w]
  const filter = [3, 3, 4, 6];
  const dyShape = [2, 6, 4, 4];
  const common = { strides: 2, pad: 1, dataFormat: 'NCHW' };
  const dwInputs = { x: { shape: x, values: hostValues(sizeOf(x), 91) }, dy: { shape: dyShape, values: hostValues(sizeOf(dyShape), 92) } };
  const dwAttrs = { ...common, filterShape: filter };
  assertClose(await runOn('wasm', 'Conv2DBackpropFilter', dwInputs, dwAttrs), await runOn('cpu', 'Conv2DBackpropFilter', dwInputs, dwAttrs), 'dW');
  const dxInputs = { dy: dwInputs.dy, filter: { shape: filter, values: hostValues(sizeOf(filter), 93) } };
  const dxAttrs = { ...common, inputShape: x };
  assertClose(await runOn('wasm', 'Conv2DBackpropInput', dxInputs, dxAttrs), await runOn('cpu', 'Conv2DBackpropInput', dxInputs, dxAttrs), 'dx');
});

test('tf.grads of a strided conv + max-pool + batch norm matches cpu end to end', async () => {
  const xValues = hostValues(2 * 10 * 10 * 3, 7);
  const wValues = hostValues(3 * 3 * 3 * 8, 8);
  const gradientsOn = async (backend: string) => {
    await tf.setBackend(backend);
    return tf.tidy(() => {
      const x = tf.tensor4d(xValues, [2, 10, 10, 3]);
      const w = tf.tensor4d(wValues, [3, 3, 3, 8]);
      const [dx, dw] = tf.grads((xs: tf.Tensor, ws: tf.Tensor) => {
        const y = tf.conv2d(xs as tf.Tensor4D, ws as tf.Tensor4D, 2, 1);
        const { mean, variance } = tf.moments(y, [0, 1, 2]);
        const pooled = tf.maxPool(tf.relu(tf.batchNorm4d(y, mean as tf.Tensor1D, variance as tf.Tensor1D, tf.zeros([8]) as tf.Tensor1D, tf.fill([8], 1.5) as tf.Tensor1D, 1e-5)), 3, 2, 1);
        return tf.sum(tf.mul(pooled, tf.reshape(tf.range(0, pooled.size), pooled.shape)));
      })([x, w]);
      return [dx, dw].map((t) => ({ shape: t.shape, values: t.dataSync() as Float32Array }));
    });
  };
  const wasm = await gradientsOn('wasm');
  const cpu = await gradientsOn('cpu');
  assertClose(wasm[0], cpu[0], 'dx');
  assertClose(wasm[1], cpu[1], 'dW');
});
