// The distributed path on CPU: pytorch.processes: 2 starts two gloo ranks of LeNet-300-100 that
// hold identical masks after every RigL update and whose losses match one process running the
// same global batch to 1e-4; only rank 0 writes the run directory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { resolveConfigText } from '../../server/config/load.js';
import type { RunSummary, TrainEvent } from '../../server/protocol.js';
import { createTorchRun } from './plan-fixture.js';
import { readEvents, readTrace, runEngine } from './engine-process.js';

const config = () => resolveConfigText(`
model: lenet-300-100
dataset: { name: synthetic, synthetic_size: 512 }
sparsity: { method: rigl, sparsity: 0.9, distribution: erk, update: { delta_t: 4, t_end: 0.9 } }
training: { epochs: 1, batch_size: 16, log_every: 1, eval_batch_size: 64, optimizer: { lr: 0.05 } }
`, 'ddp.rigl.yaml');

test('pytorch: 2 gloo ranks hold identical masks and match 1 process to 1e-4', async () => {
  const root = mkdtempSync(join(tmpdir(), 'rigl-torch-ddp-'));
  const { run: single } = await createTorchRun(root, config());
  const one = await runEngine(single.dir, { keepStdin: true });
  assert.equal(one.code, 0, one.stderr);

  const { run: double, plan } = await createTorchRun(root, config(), { pytorch: { processes: 2 } });
  const trace = join(double.dir, 'trace');
  const two = await runEngine(double.dir, { keepStdin: true, env: { RIGL_TORCH_TRACE: trace } });
  assert.equal(two.code, 0, two.stderr);
  const summary = JSON.parse(readFileSync(double.path('summary'), 'utf8')) as RunSummary;
  assert.equal(summary.state, 'completed', summary.message);

  const rank0 = readTrace(trace, 0);
  const rank1 = readTrace(trace, 1);
  assert.equal(rank0.length, plan.schedule.totalSteps);
  assert.equal(rank1.length, plan.schedule.totalSteps);
  const updates = rank0.filter((r) => r.update);
  assert.equal(updates.length, plan.schedule.maskUpdates.length);
  assert.ok(updates.length >= 5);
  rank0.forEach((r, i) => {
    assert.deepEqual(rank1[i].digests, r.digests, `step ${r.step}: the ranks' masks differ`);
    assert.deepEqual(r.nnz, plan.layers.map((l) => l.nnz));
    assert.equal(r.maskedWeightMax, 0);
    assert.equal(rank1[i].maskedMomentumMax, 0);
  });

  const losses = (dir: string) => readEvents(dir).filter((e): e is TrainEvent => e.type === 'train').map((e) => [e.step, e.loss] as const);
  const a = losses(single.dir);
  const b = losses(double.dir);
  assert.equal(b.length, a.length);
  a.forEach(([step, loss], i) => {
    assert.equal(b[i][0], step);
    assert.ok(Math.abs(b[i][1] - loss) <= 1e-4, `step ${step}: 2 ranks ${b[i][1]} vs 1 process ${loss}`);
  });
  // Only rank 0 writes: one status sequence, one event per step.
  const states = readEvents(double.dir).filter((e) => e.type === 'status').map((e) => (e as { state: string }).state);
  assert.deepEqual(states, ['starting', 'running', 'completed']);
});

test('pytorch: a stop command reaches both ranks, which end on the same step with one checkpoint', async () => {
  const root = mkdtempSync(join(tmpdir(), 'rigl-torch-ddp-stop-'));
  const { run, plan } = await createTorchRun(root, config(), { pytorch: { processes: 2 } });
  const trace = join(run.dir, 'trace');
  let asked = false;
  const result = await runEngine(run.dir, {
    keepStdin: true, env: { RIGL_TORCH_TRACE: trace },
    onMessage: (message, send) => {
      if (!asked && message.type === 'event' && message.event.type === 'train' && message.event.step >= 5) {
        asked = true;
        send({ type: 'stop', reason: 'test' });
      }
    },
  });
  assert.equal(result.code, 0, result.stderr);
  const summary = JSON.parse(readFileSync(run.path('summary'), 'utf8')) as RunSummary;
  assert.equal(summary.state, 'stopped', summary.message);
  assert.ok(summary.step < plan.schedule.totalSteps);
  assert.equal(readTrace(trace, 0).pop()?.step, summary.step, 'rank 0 ended on the stop step');
  assert.equal(readTrace(trace, 1).pop()?.step, summary.step, 'rank 1 ended on the same step');
  const checkpoints = readdirSync(join(run.dir, 'checkpoints')).filter((f) => f.endsWith('.pt'));
  assert.deepEqual(checkpoints, [`step-${String(summary.step).padStart(8, '0')}.pt`]);
});
