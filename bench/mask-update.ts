// Benchmark: one full RigL mask update of ResNet-50's 54 weight tensors at ERK 90 % on a backend
// (cpu by default, `--backend=wasm`), median of 3 after a warm-up, the 5 slowest layers, top-k.
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../server/train/backend.js';
import type { BackendName } from '../server/config/types.js';
import type { SparsityConfig } from '../server/config/types.js';
import { getModelSpec } from '../server/nn/specs.js';
import { layerDensities } from '../server/sparse/distribution.js';
import { activeCount, sizeOf } from '../server/sparse/masks.js';
import { topKMaskDirect, topKMaskPrefiltered } from '../server/sparse/topk.js';
import { createInitialMasks, createUpdater, type UpdaterLayer } from '../server/sparse/updaters/index.js';

const SPARSITY = 0.9;
const STEP = 100; // the first update of a run: f(t) is near α, the most work an update ever does
const REPEATS = 3;

const config: SparsityConfig = {
  method: 'rigl', sparsity: SPARSITY, distribution: 'erk', erk_power: 1, dense_first_layer: false, dense_last_layer: false, overrides: {},
  update: { delta_t: 100, alpha: 0.3, t_end: 0.75, t_start: 0, schedule: 'cosine', grad_accumulation: 1, ema_decay: 0.9, at_step_zero: false },
};

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

interface LayerTensors { layer: UpdaterLayer; mask: tf.Tensor; active: number; weight: tf.Tensor; gradient: tf.Tensor }

/** Times updater.update over `subset` with a fresh updater (its gradient sums are consumed by an update). */
async function timeUpdate(subset: readonly LayerTensors[], allLayers: readonly UpdaterLayer[]): Promise<number> {
  const updater = createUpdater('rigl', config, { totalSteps: 100_000, seed: 0, layers: allLayers });
  updater.observeGradients(STEP, new Map(subset.map((t) => [t.layer.name, t.gradient])));
  const start = performance.now();
  // update() ends with its one batched read of the counts, so the time includes the device's work.
  const updates = await updater.update({ step: STEP, layers: subset.map((t) => ({ name: t.layer.name, weight: t.weight, mask: t.mask, active: t.active })) });
  const elapsed = performance.now() - start;
  tf.dispose(updates.flatMap((u) => [u.mask, u.keep]));
  updater.dispose();
  return elapsed;
}

async function main(): Promise<void> {
  const requested = (process.argv.find((a) => a.startsWith('--backend='))?.slice('--backend='.length) ?? 'cpu') as BackendName;
  const backend = (await selectBackend(requested)).name;
  const spec = getModelSpec('resnet50');
  const densities = layerDensities(spec.layers, {
    sparsity: SPARSITY, distribution: 'erk', erkPower: 1, denseFirstLayer: false, denseLastLayer: false, overrides: {},
  });
  const layers: UpdaterLayer[] = spec.layers.map((l, i) => ({ name: l.name, shape: l.shape, density: densities[i].density }));
  const masks = createInitialMasks('rigl', layers, 0);
  const tensors: LayerTensors[] = layers.map((layer, i) => {
    const mask = masks.get(layer.name)!;
    return {
      layer, mask, active: activeCount(layer.density, sizeOf(layer.shape)),
      weight: tf.tidy(() => tf.mul(tf.randomNormal(layer.shape as number[], 0, 0.05, 'float32', 2 * i), mask)),
      gradient: tf.randomNormal(layer.shape as number[], 0, 1e-3, 'float32', 2 * i + 1),
    };
  });
  const params = spec.layers.reduce((a, l) => a + l.params, 0);
  console.log(`ResNet-50: ${layers.length} layers, ${(params / 1e6).toFixed(2)} M weights, ERK ${SPARSITY}, ${backend} backend, update at t = ${STEP}`);

  await timeUpdate(tensors, layers); // warm-up
  const totals: number[] = [];
  for (let r = 0; r < REPEATS; r++) totals.push(await timeUpdate(tensors, layers));
  console.log(`full RigL mask update: median ${median(totals).toFixed(0)} ms (runs: ${totals.map((t) => t.toFixed(0)).join(', ')} ms)`);

  const perLayer: { name: string; size: number; density: number; ms: number }[] = [];
  for (const t of tensors) {
    const runs: number[] = [];
    for (let r = 0; r < REPEATS; r++) runs.push(await timeUpdate([t], layers));
    perLayer.push({ name: t.layer.name, size: t.mask.size, density: t.layer.density, ms: median(runs) });
  }
  console.log('slowest layers (median of 3):');
  for (const l of [...perLayer].sort((a, b) => b.ms - a.ms).slice(0, 5)) {
    console.log(`  ${l.name.padEnd(22)} ${String(l.size).padStart(8)} weights, density ${l.density.toFixed(3)}: ${l.ms.toFixed(0)} ms`);
  }

  // The selection strategies on the largest 3×3 convolution's grow step (k = f·n of its density).
  const big = tensors.find((t) => t.layer.name === 'layer4.0.conv2')!;
  const active = Math.round(big.layer.density * big.mask.size);
  const k = Math.floor(0.3 * active);
  const scores = tf.tidy(() => tf.reshape(tf.where(tf.greater(big.mask, 0), tf.fill(big.mask.shape, -Infinity), tf.abs(big.gradient)), [-1]) as tf.Tensor1D);
  for (const [name, select] of [['tf.topk', topKMaskDirect], ['prefiltered', topKMaskPrefiltered]] as const) {
    tf.dispose(select(scores, k));
    const runs = Array.from({ length: REPEATS }, () => {
      const start = performance.now();
      tf.dispose(select(scores, k));
      return performance.now() - start;
    });
    console.log(`top-k of ${k} among ${big.mask.size} (${name}): median ${median(runs).toFixed(0)} ms`);
  }
  scores.dispose();
  tf.dispose(tensors.flatMap((t) => [t.mask, t.weight, t.gradient]));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
