// Kernel fixes for tfjs-backend-webgpu: its AddN binds every input as a storage buffer in one
// shader, so a sum of more inputs than the device's per-stage limit fails to compile. We register
// an AddN that sums in groups small enough for any device.
import * as tf from '@tensorflow/tfjs-core';

interface WebgpuBackendLike extends tf.KernelBackend {
  device: { limits: Record<string, number> };
}

/** Inputs per AddN shader: the WebGPU default limit is 8 storage buffers, one of them the output. */
const DEFAULT_GROUP = 7;

/** Replaces webgpu's AddN by one whose every shader has at most the device's limit of inputs. Idempotent. */
export function registerBoundedAddN(): void {
  const original = tf.getKernel('AddN', 'webgpu');
  if (!original || (original.kernelFunc as { bounded?: boolean }).bounded) return;
  const kernelFunc = ((args: { inputs: tf.TensorInfo[] | Record<string, tf.TensorInfo>; backend: tf.KernelBackend; attrs?: tf.NamedAttrMap }) => {
    const backend = args.backend as WebgpuBackendLike;
    const limit = backend.device?.limits?.maxStorageBuffersPerShaderStage;
    const group = Math.max(2, Math.min(DEFAULT_GROUP, (limit ?? DEFAULT_GROUP + 1) - 1));
    let level = Object.values(args.inputs) as tf.TensorInfo[];
    const intermediates: tf.TensorInfo[] = [];
    while (level.length > group) {
      const next: tf.TensorInfo[] = [];
      for (let i = 0; i < level.length; i += group) {
        const part = level.slice(i, i + group);
        if (part.length === 1) {
          next.push(part[0]);
          continue;
        }
        const sum = original.kernelFunc({ ...args, inputs: part as unknown as tf.NamedTensorInfoMap }) as tf.TensorInfo;
        intermediates.push(sum);
        next.push(sum);
      }
      level = next;
    }
    const result = original.kernelFunc({ ...args, inputs: level as unknown as tf.NamedTensorInfoMap }) as tf.TensorInfo;
    for (const info of intermediates) backend.disposeData(info.dataId);
    return result;
  }) as tf.KernelFunc & { bounded?: boolean };
  kernelFunc.bounded = true;
  tf.unregisterKernel('AddN', 'webgpu');
  tf.registerKernel({ ...original, kernelFunc });
}
