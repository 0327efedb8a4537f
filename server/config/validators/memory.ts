// memory-exceeds-backend: a rough training-memory estimate against the backend's hard limit
// (the wasm heap is 4 GiB), so a run that would die with an allocation failure is flagged first.
import type { ConfigProblem } from '../problems.js';
import type { ModelSpec } from '../../nn/spec.js';
import type { ValidationContext } from './context.js';
import { firstWritten } from './context.js';

const GIB = 1024 ** 3;
export const WASM_HEAP_LIMIT_BYTES = 4 * GIB;
const BYTES_PER_FLOAT = 4;
// Forward activations kept for the backward pass, batch-norm/ReLU outputs of the same size, and
// their gradients: about three float copies of every layer output.
const COPIES_PER_ACTIVATION = 3;

/** ≈ bytes of activation memory one training step needs: batch × Σ layer outputs × 4 B × 3. */
export function trainingActivationBytes(spec: ModelSpec, batchSize: number): number {
  let outputsPerExample = 0;
  for (const layer of spec.layers) {
    const channels = layer.shape[layer.shape.length - 1];
    const [h, w] = layer.kind === 'conv' && layer.outputHW ? layer.outputHW : [1, 1];
    outputsPerExample += h * w * channels;
  }
  return batchSize * outputsPerExample * BYTES_PER_FLOAT * COPIES_PER_ACTIVATION;
}

/** The backend whose limit applies, with the words that explain it, or undefined when none is known. */
function limitedBackend(context: ValidationContext): { why: string } | undefined {
  const { backend } = context.config;
  if (backend === 'wasm') return { why: 'the wasm backend' };
  const probes = context.env.backends;
  if (backend !== 'auto' || !probes) return undefined;
  const gpu = probes.filter((p) => (p.name === 'tensorflow' || p.name === 'webgpu') && p.available);
  const wasm = probes.find((p) => p.name === 'wasm');
  if (gpu.length > 0 || (wasm && !wasm.available)) return undefined;
  return { why: 'the wasm backend, which `auto` picks here (no GPU backend loads)' };
}

export function memoryExceedsBackend(context: ValidationContext): ConfigProblem[] {
  // The limits are the tfjs backends'; the pytorch engine's memory is the device's.
  if (context.config.engine === 'pytorch') return [];
  const limited = limitedBackend(context);
  const plan = limited && context.plan();
  if (!limited || !plan) return [];
  const batch = context.config.training.batch_size;
  const estimate = trainingActivationBytes(plan.spec, batch);
  if (estimate <= WASM_HEAP_LIMIT_BYTES) return [];
  const perExample = estimate / batch;
  const maxBatchSize = Math.floor(WASM_HEAP_LIMIT_BYTES / perExample);
  const anchor = firstWritten(context, [['training', 'batch_size'], ['backend'], ['model']]) ?? [];
  const onBatch = anchor[1] === 'batch_size';
  return [{
    code: 'memory-exceeds-backend', severity: 'warning',
    message: `Training activations need about ${(estimate / GIB).toFixed(1)} GiB at batch ${batch}, beyond the 4 GiB heap of ${limited.why}.${maxBatchSize >= 1 ? ` A batch of at most ${maxBatchSize} fits.` : ''}`,
    path: [...anchor], range: anchor.length ? context.valueRange(anchor) : [0, 0],
    data: { estimateBytes: estimate, limitBytes: WASM_HEAP_LIMIT_BYTES, maxBatchSize, suggestion: onBatch && maxBatchSize >= 1 ? maxBatchSize : undefined },
  }];
}
