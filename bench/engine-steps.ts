// Prints the step time of each training engine's own loop, tfjs (wasm) and PyTorch, on the same
// run config (rigl, 90% ERK, synthetic data): LeNet-300-100, cnn-small and ResNet-50 at 224².
// Run: node esbuild.mjs && node dist/bench/engine-steps.cjs [--models=lenet-300-100,cnn-small,resnet50] [--threads=N]
// (default: the engine's own choice of CPU threads, as in a real run; it prints the load average)
// Step time = batch / imagesPerSec of each train event, median over the events after the first
// (which holds the warm-up); no mask update falls inside the timed steps (ΔT is beyond the run).
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { loadavg, tmpdir } from 'node:os';
import { resolveConfigText } from '../server/config/load.js';
import { createRun } from '../server/rundir/start.js';
import { train } from '../server/train/trainer.js';
import type { RunEvent, TrainEvent } from '../server/protocol.js';
import { createTorchRun } from '../test/pytorch/plan-fixture.js';
import { readEvents, runEngine } from '../test/pytorch/engine-process.js';

interface Workload { model: string; batch: number; steps: number; logEvery: number; dataset: string }

const WORKLOADS: Workload[] = [
  { model: 'lenet-300-100', batch: 100, steps: 30, logEvery: 5, dataset: '{ name: synthetic, synthetic_size: 3000 }' },
  { model: 'cnn-small', batch: 32, steps: 30, logEvery: 5, dataset: '{ name: synthetic, synthetic_size: 960 }' },
  { model: 'resnet50', batch: 2, steps: 8, logEvery: 1, dataset: '{ name: synthetic, synthetic_size: 16, image_size: 224 }' },
];

function option(name: string, fallback: string): string {
  const prefix = `--${name}=`;
  return process.argv.find((a) => a.startsWith(prefix))?.slice(prefix.length) ?? fallback;
}

function configFor(w: Workload, backend: string) {
  return resolveConfigText(`
name: bench-${w.model}
model: ${w.model}
dataset: ${w.dataset}
sparsity: { method: rigl, sparsity: 0.9, distribution: erk, update: { delta_t: 100000 } }
training: { epochs: 1, batch_size: ${w.batch}, log_every: ${w.logEvery}, eval_batch_size: 50, optimizer: { lr: 0.01 } }
backend: ${backend}
`, `bench-${w.model}.rigl.yaml`);
}

function msPerStep(events: RunEvent[], batch: number): number {
  const times = events.filter((e): e is TrainEvent => e.type === 'train').slice(1).map((e) => (1000 * batch) / e.imagesPerSec).sort((a, b) => a - b);
  if (times.length === 0) throw new Error('no timed train events');
  const mid = times.length >> 1;
  return times.length % 2 ? times[mid] : (times[mid - 1] + times[mid]) / 2;
}

async function tfjsStep(w: Workload): Promise<number> {
  const config = configFor(w, 'wasm');
  const run = await createRun(mkdtempSync(join(tmpdir(), 'rigl-bench-tfjs-')), config);
  const events: RunEvent[] = [];
  const summary = await train({ run, onEvent: (e) => events.push(e) });
  if (summary.state !== 'completed') throw new Error(`tfjs ${w.model}: ${summary.state}: ${summary.message}`);
  return msPerStep(events, w.batch);
}

async function torchStep(w: Workload, threads: string | undefined): Promise<{ ms: number; engine: string }> {
  const config = configFor(w, 'auto');
  const { run } = await createTorchRun(mkdtempSync(join(tmpdir(), 'rigl-bench-torch-')), config);
  // Without --threads the engine picks its threads as in a real run (an undefined variable is not passed on).
  const result = await runEngine(run.dir, { keepStdin: true, env: { OMP_NUM_THREADS: threads } as Record<string, string> });
  if (result.code !== 0) throw new Error(`pytorch ${w.model}: exit ${result.code}: ${result.stderr.trim().split('\n').pop()}`);
  const events = readEvents(run.dir);
  const running = events.find((e) => e.type === 'status' && e.state === 'running');
  const engine = running && running.type === 'status' ? running.info?.backendReason ?? '' : '';
  return { ms: msPerStep(events, w.batch), engine };
}

async function main(): Promise<void> {
  const wanted = option('models', WORKLOADS.map((w) => w.model).join(',')).split(',');
  const threads = option('threads', '') || undefined;
  console.log(`load average at start: ${loadavg().map((l) => l.toFixed(2)).join(', ')}`);
  const rows: string[] = [];
  let engine = '';
  for (const w of WORKLOADS.filter((x) => wanted.includes(x.model))) {
    const tfjs = await tfjsStep(w);
    const torch = await torchStep(w, threads);
    engine = torch.engine;
    console.log(`  ${w.model}: tfjs wasm ${tfjs.toFixed(1)} ms, pytorch ${torch.ms.toFixed(1)} ms`);
    rows.push([`${w.model} (${w.batch})`.padEnd(22), tfjs.toFixed(1).padStart(12), torch.ms.toFixed(1).padStart(12), `${(tfjs / torch.ms).toFixed(2)}×`.padStart(12)].join(''));
  }
  console.log(`load average at end: ${loadavg().map((l) => l.toFixed(2)).join(', ')}`);
  console.log('\nms per training step of each engine\'s own loop (rigl, 90% ERK, synthetic data; median over train events after warm-up)');
  console.log(`tfjs: wasm backend (single-threaded, SIMD); pytorch: ${engine}`);
  console.log(['model (batch)'.padEnd(22), 'tfjs wasm'.padStart(12), 'pytorch'.padStart(12), 'tfjs÷torch'.padStart(12)].join(''));
  for (const row of rows) console.log(row);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
