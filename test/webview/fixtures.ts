// Event streams for the dashboard tests: a recorded run (test/fixtures/run-events.jsonl) when the
// repository has one, else a generated, realistic RigL run of ResNet-50 (54 masked layers).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { LayerMaskStats, MaskEvent, RunEvent, RunInfo } from '../../server/protocol.js';
import type { LayerSpec, ModelName } from '../../server/nn/spec.js';
import { getModelSpec } from '../../server/nn/specs.js';

export const RECORDED_EVENTS = 'test/fixtures/run-events.jsonl';

export interface StreamOptions {
  runId?: string;
  name?: string;
  model?: ModelName;
  method?: 'rigl' | 'set';
  sparsity?: number;
  totalSteps?: number;
  stepsPerEpoch?: number;
  /** A train event every this many steps (RIGL-SPEC §3's ΔT for mask events is maskEvery). */
  trainEvery?: number;
  maskEvery?: number;
  /** T_end as a fraction of the total steps. */
  tEndFraction?: number;
  alpha?: number;
  /** End the stream here with the run still 'running' (a live run); default: run to completion. */
  stopAtStep?: number;
  seed?: number;
  startTime?: number;
  batchSize?: number;
}

/** The repository root: the nearest folder above this file with the project's package.json. */
export function repoRoot(): string {
  let dir = __dirname;
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === 'rigl-studio') return dir;
    const parent = dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
}

/** The recorded run when present, otherwise a generated live ResNet-50 run. */
export function loadRunEvents(): { events: RunEvent[]; source: string } {
  const file = join(repoRoot(), RECORDED_EVENTS);
  if (existsSync(file)) {
    const events = readFileSync(file, 'utf8').split('\n').filter((line) => line.trim()).map((line) => JSON.parse(line) as RunEvent);
    return { events, source: file };
  }
  return { events: generateRunEvents({ stopAtStep: 4000 }), source: 'generated (resnet50, 5000 steps, stopped live at step 4000)' };
}

export function runIdOf(events: readonly RunEvent[], fallback = 'run'): string {
  for (const event of events) if (event.type === 'status' && event.info) return event.info.runId;
  return fallback;
}

/** Deterministic uniform numbers in [0, 1) (mulberry32). */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gaussian(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

/** ERK densities (RIGL-SPEC §2), every layer participating. */
function erkDensities(layers: readonly LayerSpec[], sparsity: number): number[] {
  const raw = layers.map((layer) => layer.shape.reduce((a, b) => a + b, 0) / layer.params);
  const dense = new Set<number>();
  for (;;) {
    let ones = 0;
    let denseZeros = 0;
    let scaled = 0;
    layers.forEach((layer, i) => {
      const zeros = Math.floor(sparsity * layer.params);
      if (dense.has(i)) denseZeros += zeros;
      else {
        ones += layer.params - zeros;
        scaled += raw[i] * layer.params;
      }
    });
    const epsilon = (ones - denseZeros) / scaled;
    const candidates = layers.map((_, i) => i).filter((i) => !dense.has(i));
    const maxRaw = Math.max(...candidates.map((i) => raw[i]));
    if (epsilon * maxRaw <= 1) return layers.map((_, i) => (dense.has(i) ? 1 : epsilon * raw[i]));
    for (const i of candidates) if (raw[i] === maxRaw) dense.add(i);
  }
}

export function generateRunEvents(options: StreamOptions = {}): RunEvent[] {
  const model = options.model ?? 'resnet50';
  const totalSteps = options.totalSteps ?? 5000;
  const stepsPerEpoch = options.stepsPerEpoch ?? 500;
  const trainEvery = options.trainEvery ?? 20;
  const maskEvery = options.maskEvery ?? 100;
  const tEnd = Math.round((options.tEndFraction ?? 0.75) * totalSteps);
  const alpha = options.alpha ?? 0.3;
  const sparsity = options.sparsity ?? 0.9;
  const batchSize = options.batchSize ?? 64;
  const method = options.method ?? 'rigl';
  const seed = options.seed ?? 1;
  const rand = random(seed);
  const runId = options.runId ?? `20260101-120000-${model}-${method}`;
  const spec = getModelSpec(model);
  const densities = erkDensities(spec.layers, sparsity);
  const active = spec.layers.map((layer, i) => layer.params - Math.floor((1 - densities[i]) * layer.params));
  const everActive = [...active];
  const totalParams = spec.layers.reduce((sum, layer) => sum + layer.params, 0);
  const denseFlops = spec.layers.reduce((sum, layer) => sum + layer.flops, 0);
  const inferenceFlopsFactor = spec.layers.reduce((sum, layer, i) => sum + layer.flops * densities[i], 0) / denseFlops;
  // RigL's training cost (paper, appendix H): sparse steps plus a dense gradient every ΔT steps.
  const trainFlopsFactor = (3 * inferenceFlopsFactor * maskEvery + 2 * inferenceFlopsFactor + 1) / (3 * (maskEvery + 1));
  // How often a grown weight is one just dropped: more in small, dense-ish layers (layer-specific, fixed).
  const regrowShare = spec.layers.map((_, i) => (densities[i] >= 1 ? 1 : 0.03 + 0.25 * rand() * densities[i] + 0.02 * (i % 3)));
  // Sparser runs are a little faster on the wasm backend here (fewer active weights to update).
  const throughput = 420 + 100 * sparsity;
  const msPerStep = (batchSize / throughput) * 1000;
  const startTime = options.startTime ?? Date.UTC(2026, 0, 1, 12, 0, 0);
  const epochOf = (step: number) => step / stepsPerEpoch;
  const timeOf = (step: number) => Math.round(startTime + 4000 + step * msPerStep * (1 + 0.05 * Math.sin(step / 700)));

  const info: RunInfo = {
    runId,
    name: options.name ?? `${model}-imagenet-${method}-${Math.round(sparsity * 100)}`,
    model,
    dataset: 'imagenet',
    method,
    distribution: 'erk',
    sparsity,
    backend: 'wasm',
    backendReason: 'webgpu: no GPU adapter found (no Vulkan driver); tensorflow: @tensorflow/tfjs-node-gpu not installed; using wasm',
    totalSteps,
    stepsPerEpoch,
    batchSize,
    layers: spec.layers.map((layer, i) => ({ name: layer.name, shape: layer.shape, params: layer.params, density: densities[i] })),
    flopsDense: denseFlops,
    inferenceFlopsFactor,
    trainFlopsFactor,
    schedule: { deltaT: maskEvery, endStep: tEnd, updateSteps: Array.from({ length: Math.max(0, Math.ceil(tEnd / maskEvery) - 1) }, (_, i) => (i + 1) * maskEvery) },
  };
  const events: RunEvent[] = [
    { type: 'status', state: 'queued', step: 0, epoch: 0, time: startTime },
    { type: 'status', state: 'starting', step: 0, epoch: 0, time: startTime + 1000 },
    { type: 'status', state: 'running', step: 0, epoch: 0, time: startTime + 4000, info },
  ];

  const lastStep = Math.min(totalSteps, options.stopAtStep ?? totalSteps);
  const peakLr = 0.1 * (batchSize / 256);
  const warmupSteps = stepsPerEpoch;
  const denseStepFlops = 3 * denseFlops * batchSize;
  let lossSum = 0;
  let accuracySum = 0;
  let since = 0;
  for (let step = 1; step <= lastStep; step++) {
    const progress = step / totalSteps;
    // Sparser networks end a little higher (RigL paper, table 2), which keeps compared runs apart.
    const meanLoss = 1.45 + 0.3 * (sparsity / 0.9) ** 3 + 5.16 * Math.exp(-5 * progress);
    lossSum += meanLoss + 0.35 * gaussian(rand) * (0.4 + meanLoss / 7);
    const finalAccuracy = 0.77 - 0.03 * (sparsity / 0.9) ** 3;
    accuracySum += Math.min(1, Math.max(0, finalAccuracy * (1 - Math.exp(-4 * progress)) + 0.06 * gaussian(rand)));
    since++;
    if (step % maskEvery === 0 && step < tEnd) events.push(maskEvent(step));
    if (step % trainEvery === 0) {
      const lr = peakLr * Math.min(1, step / warmupSteps) * 0.5 * (1 + Math.cos((Math.PI * step) / totalSteps));
      events.push({
        type: 'train', step, epoch: epochOf(step), time: timeOf(step),
        loss: lossSum / since, accuracy: accuracySum / since, lr,
        imagesPerSec: throughput * (1 + 0.03 * gaussian(rand)),
        trainFlops: trainFlopsFactor * denseStepFlops * step, denseTrainFlops: denseStepFlops * step,
      });
      lossSum = 0;
      accuracySum = 0;
      since = 0;
    }
    if (step % stepsPerEpoch === 0) {
      const top1 = Math.min(0.99, (0.745 - 0.035 * (sparsity / 0.9) ** 3) * (1 - Math.exp(-4 * progress)) + 0.004 * gaussian(rand));
      events.push({
        type: 'eval', step, epoch: epochOf(step), time: timeOf(step) + 1500,
        loss: 1.9 + 5 * Math.exp(-4.5 * progress) + 0.02 * gaussian(rand), top1, top5: Math.min(0.999, top1 + 0.19 * (1 - 0.3 * progress) + 0.01 * rand()),
      });
    }
  }
  if (lastStep === totalSteps) {
    events.push({ type: 'status', state: 'completed', step: totalSteps, epoch: epochOf(totalSteps), time: timeOf(totalSteps) + 3000, message: 'finished all steps' });
  }
  return events;

  function maskEvent(step: number): MaskEvent {
    const fraction = method === 'rigl' || method === 'set' ? (alpha / 2) * (1 + Math.cos((Math.PI * step) / tEnd)) : 0;
    const layers: LayerMaskStats[] = spec.layers.map((layer, i) => {
      const n = active[i];
      const k = Math.floor(fraction * n);
      const grownBack = Math.min(k, Math.round(k * regrowShare[i]));
      const inactive = layer.params - n;
      // Newly grown weights that were never active before, in proportion to the never-active pool.
      if (inactive > 0) everActive[i] = Math.min(layer.params, everActive[i] + ((k - grownBack) * (layer.params - everActive[i])) / inactive);
      return {
        name: layer.name, targetDensity: densities[i], density: n / layer.params, active: n,
        dropped: k, grown: k, grownBack, churn: n > 0 ? k / n : 0, itop: everActive[i] / layer.params,
      };
    });
    const activeTotal = active.reduce((a, b) => a + b, 0);
    return {
      type: 'mask', step, epoch: epochOf(step), time: timeOf(step), updateFraction: fraction, layers,
      global: {
        sparsity: 1 - activeTotal / totalParams, density: activeTotal / totalParams,
        itop: everActive.reduce((a, b) => a + b, 0) / totalParams, active: activeTotal, params: totalParams, inferenceFlopsFactor,
      },
    };
  }
}

export const LARGE_POINTS = 100_000;

/**
 * A run with a train event every step: LARGE_POINTS points in each train series in `snapshot`,
 * then `extraSteps` more steps of events in `live`.
 */
export function largeStream(extraSteps = 2000): { runId: string; snapshot: RunEvent[]; live: RunEvent[] } {
  const events = generateRunEvents({ totalSteps: LARGE_POINTS + extraSteps, stepsPerEpoch: 5000, trainEvery: 1, maskEvery: 100 });
  const split = events.findIndex((event) => event.type === 'train' && event.step === LARGE_POINTS) + 1;
  return { runId: runIdOf(events), snapshot: events.slice(0, split), live: events.slice(split) };
}

/**
 * How many points a series of these steps keeps once resumed runs' repeated steps replace the
 * earlier ones (the dashboard's rule): a step at or before the last drops the points from it on.
 */
export function keptPoints(steps: readonly number[]): number {
  const kept: number[] = [];
  for (const step of steps) {
    while (kept.length > 0 && kept[kept.length - 1] >= step) kept.pop();
    kept.push(step);
  }
  return kept.length;
}

export interface ExpectedCounts {
  train: number;
  eval: number;
  top5: number;
  mask: number;
  layers: number;
  model?: string;
}

export function expectedCounts(events: readonly RunEvent[]): ExpectedCounts {
  const stepsOf = (type: RunEvent['type'], keep: (event: RunEvent) => boolean = () => true) =>
    events.filter((event) => event.type === type && keep(event)).map((event) => event.step);
  const info = events.find((event): event is Extract<RunEvent, { type: 'status' }> => event.type === 'status' && event.info !== undefined)?.info;
  return {
    train: keptPoints(stepsOf('train')),
    eval: keptPoints(stepsOf('eval')),
    top5: keptPoints(stepsOf('eval', (event) => event.type === 'eval' && event.top5 !== undefined)),
    mask: keptPoints(stepsOf('mask')),
    layers: info?.layers.length ?? 0,
    model: info?.model,
  };
}
