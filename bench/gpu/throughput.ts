// GPU measurement (bench/gpu/README.md): ResNet-50 fp32 training images/s on the webgpu backend
// at several batches for RigL (ERK, 90 %) and dense, GPU memory, one mask update's time, shader
// compile time, and PyTorch's images/s for the same model, batch and precision, with ratios.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { resolveConfigText } from '../../server/config/load.js';
import { buildPlan } from '../../server/sparse/plan.js';
import { releaseBackend, selectBackend } from '../../server/train/backend.js';
import { MaskedSgd } from '../../server/train/optimizer.js';
import { SparseModel } from '../../server/train/sparse-model.js';
import { forwardBackward } from '../../server/train/step.js';

const { values: args } = parseArgs({
  options: {
    model: { type: 'string', default: 'resnet50' },
    'image-size': { type: 'string', default: '224' },
    batches: { type: 'string', default: '32,64,128' },
    methods: { type: 'string', default: 'rigl,dense' },
    steps: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '2' },
    backend: { type: 'string', default: 'webgpu' },
    python: { type: 'string', default: 'python3' },
    'torch-device': { type: 'string', default: 'cuda' },
    'no-torch': { type: 'boolean', default: false },
  },
});
const imageSize = Number(args['image-size']);
const batches = args.batches!.split(',').map(Number);
const steps = Number(args.steps);
const warmup = Math.max(1, Number(args.warmup));
const CLASSES = 1000;
/** The update step: far enough into a long run that RigL updates there (t mod ΔT = 0, t < T_end). */
const UPDATE_STEP = 100;

interface Row { method: string; batch: number; imagesPerSec: number; stepMs: number; firstStepMs: number; gpuBytes: number; gpuAllocatedBytes: number; maskUpdateMs?: number }

function configFor(method: string, batch: number) {
  return resolveConfigText(`model: ${args.model}
dataset: { name: synthetic, synthetic_size: 100000, image_size: ${imageSize} }
sparsity: { method: ${method}, sparsity: 0.9, distribution: erk, update: { delta_t: ${UPDATE_STEP}, alpha: 0.3, t_end: 0.75 } }
training: { epochs: 100, batch_size: ${batch}, optimizer: { lr: 0.1, momentum: 0.9, nesterov: true, weight_decay: 0.0001 } }
backend: ${args.backend}
`, 'bench-gpu.rigl.yaml');
}

/** Steps of the trainer's own loop body (upload the batch, forward, backward, SGD), synchronised once at the end. */
async function measure(method: string, batch: number): Promise<Row> {
  const config = configFor(method, batch);
  const plan = buildPlan(config, { inputShape: [imageSize, imageSize, 3], numClasses: CLASSES });
  const model = new SparseModel(config, plan, 1_000_000);
  const optimizer = new MaskedSgd(config.training.optimizer, model.parameters());
  const parameters = model.parameters();
  const hostX = new Float32Array(batch * imageSize * imageSize * 3).map((_, i) => Math.sin(i) * 0.5);
  const hostY = Int32Array.from({ length: batch }, (_, i) => i % CLASSES);
  const step = async (t: number, read: boolean) => {
    const x = tf.tensor4d(hostX, [batch, imageSize, imageSize, 3]);
    const labels = tf.tensor1d(hostY, 'int32');
    const effective = model.effectiveWeights();
    const result = forwardBackward(model.network, x, labels, effective.tensors, CLASSES, 0);
    model.observeGradients(t, result.denseGradients);
    optimizer.step(parameters, model.weightGradients(result.denseGradients, result.otherGradients), 0.1);
    for (const [variable, value] of result.bufferUpdates) variable.assign(value);
    tf.dispose([x, labels, ...effective.owned, ...result.denseGradients, ...result.otherGradients, ...result.bufferUpdates.map(([, v]) => v), result.correct]);
    if (read) await result.loss.data();
    result.loss.dispose();
  };
  let started = performance.now();
  await step(1, true);
  const firstStepMs = performance.now() - started;
  for (let i = 1; i < warmup; i++) await step(1 + i, true);
  started = performance.now();
  for (let i = 0; i < steps; i++) await step(1 + warmup + i, i === steps - 1);
  const stepMs = (performance.now() - started) / steps;
  const memory = tf.memory() as tf.MemoryInfo & { numBytesInGPU?: number; numBytesAllocatedInGPU?: number };
  let maskUpdateMs: number | undefined;
  if (method !== 'dense') {
    // One full mask update at t = ΔT: the dense gradient of that step, then drop/grow of every layer.
    await step(UPDATE_STEP, true);
    started = performance.now();
    await model.updateMasks(UPDATE_STEP, optimizer);
    maskUpdateMs = performance.now() - started;
  }
  optimizer.dispose();
  model.dispose();
  return {
    method, batch, imagesPerSec: (1000 * batch) / stepMs, stepMs, firstStepMs,
    gpuBytes: memory.numBytesInGPU ?? memory.numBytes, gpuAllocatedBytes: memory.numBytesAllocatedInGPU ?? memory.numBytes, maskUpdateMs,
  };
}

/** Shader compile time as the first step's excess over a steady one (noise can hide it on a slow device). */
function compileText(row: Row): string {
  const excess = row.firstStepMs - row.stepMs;
  return excess > 0 ? `so shader compile ≈ ${excess.toFixed(0)} ms` : 'no slower than a steady step (compile time not separable here)';
}

function torchRows(): Map<number, number> {
  const result = new Map<number, number>();
  if (args['no-torch']) return result;
  const script = [join(__dirname, 'torch_resnet50.py'), join(__dirname, '..', '..', '..', 'bench', 'gpu', 'torch_resnet50.py')].find(existsSync);
  if (!script || args.model !== 'resnet50') {
    console.log('pytorch: skipped (torch_resnet50.py not found next to this script, or the model is not resnet50)');
    return result;
  }
  const run = spawnSync(args.python!, [script, '--batches', batches.join(','), '--image-size', String(imageSize), '--steps', String(steps), '--warmup', String(warmup + 1), '--device', args['torch-device']!], { encoding: 'utf8' });
  if (run.status !== 0) {
    console.log(`pytorch: failed (${args.python} exit ${run.status}): ${(run.stderr || String(run.error ?? '')).trim().split('\n').slice(-3).join(' | ')}`);
    return result;
  }
  for (const line of run.stdout.trim().split('\n')) {
    const row = JSON.parse(line) as { batch: number; imagesPerSec: number; peakMemoryBytes: number | null; torch: string; device: string };
    result.set(row.batch, row.imagesPerSec);
    console.log(`pytorch ${row.torch} on ${row.device}: batch ${row.batch}: ${row.imagesPerSec.toFixed(1)} images/s${row.peakMemoryBytes ? `, peak memory ${(row.peakMemoryBytes / 2 ** 30).toFixed(2)} GiB` : ''}`);
  }
  return result;
}

function nvidiaMemory(): string | undefined {
  const query = spawnSync('nvidia-smi', ['--query-gpu=name,memory.used,memory.total', '--format=csv,noheader'], { encoding: 'utf8' });
  return query.status === 0 ? query.stdout.trim() : undefined;
}

async function main(): Promise<void> {
  const backend = await selectBackend(args.backend as 'webgpu');
  console.log(`${args.model} fp32, ${imageSize}×${imageSize}, batches ${batches.join('/')}, ${steps} timed steps after ${warmup} warm-up; backend ${backend.name} (${backend.reason})`);
  const rows: Row[] = [];
  for (const method of args.methods!.split(',')) {
    for (const batch of batches) {
      const row = await measure(method, batch);
      rows.push(row);
      const gib = (bytes: number) => (bytes / 2 ** 30).toFixed(2);
      console.log(`tfjs ${backend.name} ${method.padEnd(5)} batch ${String(batch).padStart(3)}: ${row.imagesPerSec.toFixed(1)} images/s (${row.stepMs.toFixed(0)} ms/step); first step ${row.firstStepMs.toFixed(0)} ms, ${compileText(row)}; GPU tensors ${gib(row.gpuBytes)} GiB, allocated ${gib(row.gpuAllocatedBytes)} GiB${row.maskUpdateMs !== undefined ? `; one mask update ${row.maskUpdateMs.toFixed(0)} ms` : ''}`);
      const smi = nvidiaMemory();
      if (smi) console.log(`  nvidia-smi: ${smi}`);
    }
  }
  const torch = torchRows();
  if (torch.size) {
    console.log('ratios (tfjs/webgpu images/s ÷ PyTorch images/s, same batch):');
    for (const row of rows) {
      const reference = torch.get(row.batch);
      if (reference) console.log(`  ${row.method.padEnd(5)} batch ${String(row.batch).padStart(3)}: ${(row.imagesPerSec / reference).toFixed(3)}×`);
    }
  }
  console.log(`JSON ${JSON.stringify({ rows, torch: Object.fromEntries(torch) })}`);
  await releaseBackend();
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
