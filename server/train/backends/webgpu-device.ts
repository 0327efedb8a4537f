// The GPUDevice behind tfjs's webgpu backend, made by us rather than by tfjs: created with the
// adapter's real limits, watched for validation errors and loss, guarded against synchronous
// reads, and drained and destroyed before the process exits.
import * as tf from '@tensorflow/tfjs-core';

/* Minimal structural types of what we use from WebGPU (the DOM typings are not in this build). */
export interface GpuAdapterLike {
  limits: Record<string, unknown>;
  features: { has(name: string): boolean };
  info?: { vendor?: string; architecture?: string; description?: string; isFallbackAdapter?: boolean };
  isFallbackAdapter?: boolean;
  requestDevice(descriptor?: unknown): Promise<GpuDeviceLike>;
}
export interface GpuDeviceLike {
  limits: Record<string, number>;
  queue: { onSubmittedWorkDone(): Promise<void> };
  lost: Promise<{ reason?: string; message?: string }>;
  onuncapturederror: ((event: { error?: { message?: string; constructor?: { name?: string } } }) => void) | null;
  destroy(): void;
}
interface WebgpuBackendLike extends tf.KernelBackend {
  device: GpuDeviceLike;
  tensorMap: { get(dataId: object): { values?: unknown; dtype: string } | undefined };
}

/** Raised for a WebGPU device fault: the run must fail with it rather than train on a dropped command buffer. */
export class WebgpuDeviceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebgpuDeviceError';
  }
}

let device: GpuDeviceLike | undefined;
let fault: string | undefined;
let destroying = false;

/**
 * Every numeric limit the adapter offers, requested as it is: the WebGPU defaults (8 storage
 * buffers per shader stage, 128 MiB bindings) are lower than any real GPU's and made tfjs
 * kernels with many inputs fail to compile.
 */
export function adapterLimits(adapter: GpuAdapterLike): Record<string, number> {
  const limits: Record<string, number> = {};
  // GPUSupportedLimits exposes its values as prototype getters: for…in sees them, Object.keys does not.
  for (const key in adapter.limits) {
    const value = adapter.limits[key];
    if (typeof value === 'number') limits[key] = value;
  }
  return limits;
}

/** Creates the device and remembers it; any uncaptured error or device loss becomes the run's fault. */
export async function createDevice(adapter: GpuAdapterLike): Promise<GpuDeviceLike> {
  // tfjs times kernels with timestamp queries where the adapter has them (its profiler).
  const requiredFeatures = adapter.features.has('timestamp-query') ? ['timestamp-query'] : [];
  const created = await adapter.requestDevice({ requiredFeatures, requiredLimits: adapterLimits(adapter) });
  fault = undefined;
  destroying = false;
  created.onuncapturederror = (event) => {
    const kind = event.error?.constructor?.name ?? 'GPUError';
    fault ??= `WebGPU ${kind}: ${(event.error?.message ?? 'unknown error').trim()}`;
  };
  void created.lost.then((info) => {
    if (!destroying) fault ??= `the WebGPU device was lost (${info.reason ?? 'unknown'}: ${info.message ?? ''})`;
  });
  device = created;
  return created;
}

/** Throws the first WebGPU error seen since the device was made (no-op on other backends). */
export function assertWebgpuHealthy(): void {
  if (fault !== undefined) throw new WebgpuDeviceError(fault);
}

/**
 * tfjs-backend-webgpu's synchronous read (dataSync, arraySync, bufferSync) stages through an
 * OffscreenCanvas, which Node does not have: it fails with "OffscreenCanvas is not defined" at
 * best. Any such read of a tensor that lives on the GPU now fails at once and says what to use;
 * reads of values still on the host (small inputs tfjs keeps on the CPU) go through.
 */
export function guardSynchronousReads(backend: tf.KernelBackend): void {
  const webgpu = backend as WebgpuBackendLike;
  const readSync = webgpu.readSync.bind(webgpu);
  webgpu.readSync = (dataId: object) => {
    const data = webgpu.tensorMap.get(dataId);
    if (data && data.values == null && data.dtype !== 'string') {
      throw new WebgpuDeviceError('a synchronous read (dataSync/arraySync/bufferSync) of a tensor on the GPU: on the webgpu backend every read must be `await tensor.data()`');
    }
    return readSync(dataId);
  };
}

/**
 * Waits for the GPU to finish what was submitted, then destroys the device, so the process never
 * exits (or Dawn is never torn down) with work in flight. Idempotent.
 */
export async function releaseDevice(): Promise<void> {
  const current = device;
  if (!current) return;
  device = undefined;
  try {
    await current.queue.onSubmittedWorkDone();
  } finally {
    destroying = true;
    current.destroy();
  }
}
