// Direct access to the wasm backend's heap for the kernels written in JavaScript: new outputs,
// Float32Array views of tensors (no copies), and outputs wrapped as Tensors a tidy can dispose.
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

export type { BackendWasm };

/** Kernels receive the backend untyped; ours are registered for 'wasm' only. */
export function wasmBackend(backend: unknown): BackendWasm {
  const candidate = backend as Partial<BackendWasm> | null;
  if (!candidate || typeof candidate.makeOutput !== 'function' || typeof candidate.typedArrayFromHeap !== 'function') {
    throw new Error('wasm training kernel called with a backend that is not wasm');
  }
  return candidate as BackendWasm;
}

/**
 * A view of a float32 tensor's data on the heap. Any allocation may grow (and so detach) the
 * heap: take views only after the last makeOutput of a kernel, and do not keep them.
 */
export function heapView(backend: BackendWasm, info: tf.TensorInfo): Float32Array {
  if (info.dtype !== 'float32') throw new Error(`wasm training kernel: expected float32, got ${info.dtype}`);
  return backend.typedArrayFromHeap(info) as Float32Array;
}

/** A fresh float32 output on the heap, owned by a Tensor of the current scope (tidy disposes it). */
export function heapTensor<R extends tf.Rank>(backend: BackendWasm, shape: number[]): { info: tf.TensorInfo; tensor: tf.Tensor<R> } {
  const info = backend.makeOutput(shape, 'float32');
  return { info, tensor: tf.engine().makeTensorFromTensorInfo(info) as tf.Tensor<R> };
}
