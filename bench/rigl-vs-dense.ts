// Prints the training-step time of RigL against dense training of the same model through the
// real training loop (mask updates amortised over ΔT), on each CPU backend that loads here.
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { resolveConfigText } from '../server/config/load.js';
import { createRun } from '../server/rundir/start.js';
import { train } from '../server/train/trainer.js';

interface Case { model: string; batch: number; steps: number }

const cases: Case[] = [
  { model: 'lenet-300-100', batch: 100, steps: 300 },
  { model: 'cnn-small', batch: 32, steps: 200 },
];
const backends = (process.env.BENCH_BACKENDS ?? 'wasm,cpu').split(',');
const methods = ['dense', 'rigl'] as const;

/** Median milliseconds per step after the first 10 (warm-up), mask-update steps included. */
async function timeSteps(model: string, batch: number, steps: number, method: string, backend: string): Promise<{ msPerStep: number; updates: number }> {
  const dataset = model === 'lenet-300-100' ? '{ name: mnist }' : `{ name: synthetic, synthetic_size: ${batch * steps} }`;
  const config = resolveConfigText(`
model: ${model}
dataset: ${dataset}
sparsity: { method: ${method}, sparsity: 0.9, distribution: erk, update: { delta_t: 100 } }
training: { epochs: 1, batch_size: ${batch}, log_every: 50, eval_batch_size: 1000 }
backend: ${backend}
`, 'bench.rigl.yaml');
  const root = mkdtempSync(join(tmpdir(), 'rigl-bench-'));
  const stamps: number[] = [];
  let updates = 0;
  try {
    await train({
      run: await createRun(root, config), maxSteps: steps,
      onEvent: (e) => { if (e.type === 'mask' && e.step > 0) updates++; },
      afterStep: () => { stamps.push(performance.now()); },
    });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  // Mean over the steady part: ΔT-spaced mask updates are spread over the steps they serve.
  const steady = stamps.slice(10);
  return { msPerStep: (steady.at(-1)! - steady[0]) / (steady.length - 1), updates };
}

async function main(): Promise<void> {
  console.log('RigL vs dense training-step time (ms/step, mean over steps 11..N, mask updates every 100 steps amortised)');
  console.log('model            batch  backend  dense ms  rigl ms  rigl/dense  mask updates');
  for (const { model, batch, steps } of cases) {
    for (const backend of backends) {
      const results: Record<string, { msPerStep: number; updates: number }> = {};
      for (const method of methods) results[method] = await timeSteps(model, batch, steps, method, backend);
      const ratio = results.rigl.msPerStep / results.dense.msPerStep;
      console.log(`${model.padEnd(16)} ${String(batch).padStart(5)}  ${backend.padEnd(7)}  ${results.dense.msPerStep.toFixed(1).padStart(8)}  ${results.rigl.msPerStep.toFixed(1).padStart(7)}  ${ratio.toFixed(2).padStart(10)}  ${String(results.rigl.updates).padStart(12)}`);
    }
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
