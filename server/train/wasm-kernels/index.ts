// Registers the training kernels the wasm backend lacks or runs slowly: Conv2DBackpropFilter
// (missing), and Conv2DBackpropInput, MaxPoolGrad and transposed BatchMatMul (each ~10× slower
// in wasm than what replaces it). The wasm package must be loaded first: importing it registers
// its own kernels, which would override ours.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { batchMatMulKernel } from './batch-mat-mul.js';
import { conv2dBackpropFilterKernel } from './conv2d-backprop-filter.js';
import { conv2dBackpropInputKernel } from './conv2d-backprop-input.js';
import { maxPoolGradKernel } from './max-pool-grad.js';

const WASM = 'wasm';
/** Marks our kernel functions so registering twice is a no-op. */
const OURS = Symbol.for('rigl-studio.wasmTrainingKernel');

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };

export interface WasmKernelReplacement {
  kernelName: string;
  why: string;
  /** Builds our kernel; `original` is wasm's own registration, when it has one. */
  create(original: tf.KernelConfig | undefined): (args: KernelArgs) => tf.TensorInfo;
}

export const WASM_TRAINING_KERNELS: readonly WasmKernelReplacement[] = [
  { kernelName: tf.Conv2DBackpropFilter, why: 'missing on wasm: convolution weights get no gradient', create: () => conv2dBackpropFilterKernel },
  { kernelName: tf.Conv2DBackpropInput, why: "wasm's own is a direct loop, ~10× slower than the convolutions that replace it", create: () => conv2dBackpropInputKernel },
  { kernelName: tf.MaxPoolGrad, why: "wasm's own is several times slower than a JavaScript pass over the heap", create: () => maxPoolGradKernel },
  {
    kernelName: tf.BatchMatMul,
    why: "wasm's transposed products (every dense layer's backward pass) are ~10× slower than transposing first",
    create: (original) => {
      if (!original) throw new Error('the wasm backend registered no BatchMatMul');
      return batchMatMulKernel(original);
    },
  },
];

function isOurs(config: tf.KernelConfig | undefined): boolean {
  return config != null && (config.kernelFunc as unknown as Record<symbol, boolean>)[OURS] === true;
}

/**
 * Installs the kernels for the 'wasm' backend. Safe before or after the backend initialises
 * (kernels are looked up per call; a wrapped kernel keeps wasm's setup function) and when called
 * again. Returns the kernel names it installed.
 */
export function registerWasmTrainingKernels(): string[] {
  const installed: string[] = [];
  for (const replacement of WASM_TRAINING_KERNELS) {
    const existing = tf.getKernel(replacement.kernelName, WASM);
    if (isOurs(existing)) continue;
    const kernelFunc = replacement.create(existing) as unknown as tf.KernelFunc;
    (kernelFunc as unknown as Record<symbol, boolean>)[OURS] = true;
    if (existing) tf.unregisterKernel(replacement.kernelName, WASM);
    tf.registerKernel({ kernelName: replacement.kernelName, backendName: WASM, kernelFunc, setupFunc: existing?.setupFunc, disposeFunc: existing?.disposeFunc });
    installed.push(replacement.kernelName);
  }
  return installed;
}
