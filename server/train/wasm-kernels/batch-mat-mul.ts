// BatchMatMul for the wasm backend: operands to transpose are transposed on the heap first, then
// wasm's own product runs untransposed. Its transposed paths are ~10× slower, and every backward
// pass of a dense layer uses them (dX = dY·Wᵀ, dW = Xᵀ·dY).
import * as tf from '@tensorflow/tfjs-core';
import { heapView, wasmBackend, type BackendWasm } from './heap.js';

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };
type KernelParams = Parameters<tf.KernelFunc>[0];

/** Wraps wasm's own BatchMatMul (kept from before we replaced it). */
export function batchMatMulKernel(original: tf.KernelConfig): (args: KernelArgs) => tf.TensorInfo {
  return (args) => {
    const attrs = (args.attrs ?? {}) as { transposeA?: boolean; transposeB?: boolean };
    const { a, b } = args.inputs;
    if ((!attrs.transposeA && !attrs.transposeB) || a?.dtype !== 'float32' || b?.dtype !== 'float32') {
      return original.kernelFunc(args as unknown as KernelParams) as tf.TensorInfo;
    }
    const backend = wasmBackend(args.backend);
    const temporaries: tf.TensorInfo[] = [];
    const operand = (info: tf.TensorInfo, transpose: boolean | undefined) => {
      if (!transpose) return info;
      const transposed = transposeLastTwo(backend, info);
      temporaries.push(transposed);
      return transposed;
    };
    try {
      const inputs = { a: operand(a, attrs.transposeA), b: operand(b, attrs.transposeB) };
      return original.kernelFunc({ inputs, backend: backend as object, attrs: { ...attrs, transposeA: false, transposeB: false } } as KernelParams) as tf.TensorInfo;
    } finally {
      for (const temporary of temporaries) backend.disposeData(temporary.dataId);
    }
  };
}

/** Tiles: 32 source rows × 8 columns, so at most 8 destination rows (a power of two apart, same cache set) are live. */
const ROW_BLOCK = 32;
const COL_BLOCK = 8;

/** [..., r, c] → [..., c, r] on the heap, in cache-sized blocks. */
function transposeLastTwo(backend: BackendWasm, info: tf.TensorInfo): tf.TensorInfo {
  const rank = info.shape.length;
  const rows = info.shape[rank - 2];
  const cols = info.shape[rank - 1];
  const batches = tf.util.sizeFromShape(info.shape.slice(0, -2));
  const out = backend.makeOutput([...info.shape.slice(0, -2), cols, rows], 'float32');
  const src = heapView(backend, info);
  const dst = heapView(backend, out);
  for (let batch = 0; batch < batches; batch++) {
    const offset = batch * rows * cols;
    for (let r0 = 0; r0 < rows; r0 += ROW_BLOCK) {
      const r1 = Math.min(rows, r0 + ROW_BLOCK);
      for (let c0 = 0; c0 < cols; c0 += COL_BLOCK) {
        const c1 = Math.min(cols, c0 + COL_BLOCK);
        for (let r = r0; r < r1; r++) {
          const srcRow = offset + r * cols;
          for (let c = c0; c < c1; c++) dst[offset + c * rows + r] = src[srcRow + c];
        }
      }
    }
  }
  return out;
}
