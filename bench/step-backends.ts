// Prints the time of one training step (forward + backward + SGD update; median after warm-up)
// per model and backend, side by side. Run: node esbuild.mjs && node dist/bench/step-backends.cjs
// Options: --backends=cpu,wasm  --models=lenet-300-100,cnn-small,resnet50  --steps=10  --warmup=3
// --budget=30 (seconds per cell: a slow backend, e.g. cpu on a CNN, times fewer steps, at least 3)
// --no-torch (skip bench/torch_anchor.py, which otherwise runs the same workloads in PyTorch)
import * as tf from '@tensorflow/tfjs-core';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { probeBackends, selectBackend, type ConcreteBackend } from '../server/train/backend.js';
import { createModel } from '../server/nn/models/index.js';
import { getModelSpec } from '../server/nn/specs.js';
import { isModelName } from '../server/nn/specs.js';
import type { ModelName } from '../server/nn/spec.js';

/** The workloads of ARCHITECTURE §6's PyTorch anchor (bench/torch_anchor.py runs the same). */
const WORKLOADS: Partial<Record<ModelName, { batch: number; input: [number, number, number]; classes: number }>> = {
  'lenet-300-100': { batch: 100, input: [28, 28, 1], classes: 10 },
  'cnn-small': { batch: 32, input: [32, 32, 3], classes: 10 },
  resnet20: { batch: 32, input: [32, 32, 3], classes: 10 },
  resnet50: { batch: 2, input: [224, 224, 3], classes: 1000 },
};

function option(name: string, fallback: string): string {
  const prefix = `--${name}=`;
  return process.argv.find((a) => a.startsWith(prefix))?.slice(prefix.length) ?? fallback;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

interface Timing {
  msPerStep: number;
  steps: number;
}

/** Median ms per step of up to `steps` timed steps after `warmup` untimed ones, within `budgetMs`. */
async function timeSteps(name: ModelName, steps: number, warmup: number, budgetMs: number): Promise<Timing> {
  const workload = WORKLOADS[name]!;
  const model = createModel(getModelSpec(name, { inputShape: workload.input, numClasses: workload.classes }), 0);
  const x = tf.randomNormal([workload.batch, ...workload.input], 0, 1, 'float32', 1);
  const labels = tf.oneHot(tf.tensor1d(Array.from({ length: workload.batch }, (_, i) => i % workload.classes), 'int32'), workload.classes);
  const params = [...model.maskedWeights.map((w) => w.variable), ...model.otherParams];
  const step = async (): Promise<number> => {
    const started = performance.now();
    let updates: [tf.Variable, tf.Tensor][] = [];
    const { value, grads } = tf.valueAndGrads((...args: tf.Tensor[]) => {
      const output = model.forward(x, args.slice(0, model.maskedWeights.length), true);
      updates = output.bufferUpdates.map(([v, u]) => [v, tf.keep(u)]);
      return tf.neg(tf.mean(tf.sum(tf.mul(labels, tf.logSoftmax(output.logits)), 1))) as tf.Scalar;
    })(params);
    tf.tidy(() => params.forEach((p, i) => p.assign(tf.sub(p, tf.mul(grads[i], 0.01)))));
    for (const [variable, update] of updates) variable.assign(update);
    await value.data(); // waits for the device (webgpu) before the clock stops
    const elapsed = performance.now() - started;
    tf.dispose([value, ...grads, ...updates.map(([, u]) => u)]);
    return elapsed;
  };
  const first = await step();
  // A backend slow enough to blow the budget warms up once and times as many steps as fit (≥ 3).
  const affordable = Math.max(3, Math.floor(budgetMs / first) - warmup);
  const timedSteps = Math.min(steps, affordable);
  for (let t = 1; t < (timedSteps < steps ? 1 : warmup); t++) await step();
  const times: number[] = [];
  for (let t = 0; t < timedSteps; t++) times.push(await step());
  tf.dispose([x, labels]);
  model.dispose();
  return { msPerStep: median(times), steps: timedSteps };
}

async function main(): Promise<void> {
  const models = option('models', 'lenet-300-100,cnn-small').split(',').filter((m): m is ModelName => isModelName(m) && m in WORKLOADS);
  const steps = Number(option('steps', '10'));
  const warmup = Number(option('warmup', '3'));
  const budgetMs = 1000 * Number(option('budget', '30'));
  const probes = await probeBackends();
  const backends: ConcreteBackend[] = [];
  for (const name of option('backends', 'cpu,wasm,webgpu,tensorflow').split(',')) {
    const probe = probes.find((p) => p.name === name);
    if (!probe) continue;
    console.log(`${probe.name.padEnd(10)} ${probe.available ? 'available' : 'unavailable'}: ${probe.reason}`);
    if (probe.available) backends.push(probe.name);
  }
  const results = new Map<string, string>();
  for (const backend of backends) {
    await selectBackend(backend);
    for (const model of models) {
      const timing = await timeSteps(model, steps, warmup, budgetMs);
      results.set(`${model}/${backend}`, timing.msPerStep.toFixed(1));
      console.log(`  ${backend} ${model}: ${timing.msPerStep.toFixed(1)} ms/step (median of ${timing.steps})`);
    }
  }
  const torch = torchAnchor();
  const columns = torch ? [...backends, 'torch'] : backends;
  console.log(`\nms per training step (forward + backward + SGD update), median of up to ${steps} steps after warm-up`);
  if (torch) console.log(`torch: ${torch.header}; "÷ torch" is the fastest tfjs backend over PyTorch`);
  console.log(['model (batch)'.padEnd(22), ...columns.map((b) => b.padStart(10)), ...(torch ? ['÷ torch'.padStart(10)] : [])].join(''));
  for (const model of models) {
    const label = `${model} (${WORKLOADS[model]!.batch})`;
    const cells = backends.map((b) => results.get(`${model}/${b}`));
    const torchMs = torch?.msPerStep.get(label);
    const fastest = Math.min(...cells.filter((c): c is string => c !== undefined).map(Number));
    const row = [label.padEnd(22), ...cells.map((c) => (c ?? '-').padStart(10))];
    if (torch) row.push((torchMs !== undefined ? torchMs.toFixed(1) : '-').padStart(10), (torchMs ? `${(fastest / torchMs).toFixed(2)}×` : '-').padStart(10));
    console.log(row.join(''));
  }
}

/**
 * The same workloads in PyTorch (bench/torch_anchor.py) when a Python with torch is installed
 * (Debian: python3-torch), so both sides are measured in one run; undefined otherwise.
 */
function torchAnchor(): { header: string; msPerStep: Map<string, number> } | undefined {
  if (process.argv.includes('--no-torch')) return undefined;
  const script = join(__dirname, '..', '..', 'bench', 'torch_anchor.py');
  for (const python of ['/usr/bin/python3', 'python3']) {
    const run = spawnSync(python, [script], { encoding: 'utf8', timeout: 600_000 });
    if (run.status !== 0) continue;
    const lines = run.stdout.trim().split('\n');
    const msPerStep = new Map<string, number>();
    for (const line of lines) {
      const match = /^(.+\(\d+\))\s+([\d.]+)$/.exec(line.trim());
      if (match) msPerStep.set(match[1].trim(), Number(match[2]));
    }
    return { header: lines[0] ?? 'torch', msPerStep };
  }
  console.log('torch: no Python with torch found (apt-get install python3-torch); tfjs figures only');
  return undefined;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
