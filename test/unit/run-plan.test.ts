// plan.json: written when a run is created from the resolved config and the dataset's real facts,
// with the schedule the updaters step by, and valid against the generated schema; the tfjs
// engine's run directory validates too, and the validator reports what is wrong.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { resolveConfigText } from '../../server/config/load.js';
import type { RunPlan } from '../../server/protocol.js';
import { readPlanFile } from '../../server/rundir/plan-file.js';
import { RunSchemas } from '../../server/rundir/schemas.js';
import { createRun } from '../../server/rundir/start.js';
import { applyFlopsTerm, stepTrainFlops } from '../../server/sparse/flops.js';
import { buildPlan } from '../../server/sparse/plan.js';
import { updateFraction } from '../../server/sparse/schedule.js';
import { createUpdater } from '../../server/sparse/updaters/index.js';
import { train } from '../../server/train/trainer.js';

const schemas = new RunSchemas();

function tempRoot(): string {
  return mkdtempSync(join(tmpdir(), 'rigl-plan-'));
}

test('an MNIST run gets plan.json: real data facts, the planned counts, every mask update with f(t), the FLOPs rule', async () => {
  const config = resolveConfigText('model: lenet-300-100\ndataset: { name: mnist, train_limit: 30000 }\nsparsity: { method: rigl, sparsity: 0.9, update: { delta_t: 100, t_end: 0.75 } }\ntraining: { epochs: 2, batch_size: 100 }\n', 'mnist.rigl.yaml');
  const root = tempRoot();
  try {
    const run = await createRun(root, config);
    const plan = readPlanFile(run.path('plan'));
    assert.deepEqual(schemas.check('plan', plan), []);
    assert.equal(plan.runId, run.runId);
    assert.deepEqual(plan.config, config);
    assert.deepEqual({ ...plan.data, path: undefined, files: undefined }, { name: 'mnist', path: undefined, files: undefined, inputShape: [28, 28, 1], numClasses: 10, trainSize: 30000, testSize: 10000 });
    for (const file of Object.values(plan.data.files!)) assert.ok(existsSync(file), file);
    const nominal = buildPlan(config);
    assert.deepEqual(plan.layers.map((l) => [l.name, l.nnz]), nominal.layers.map((l) => [l.name, l.nnz]));
    assert.equal(plan.totals.nnz, plan.layers.reduce((a, l) => a + l.nnz, 0));
    // 30 000 examples: 300 steps an epoch (the nominal 60 000 would give 600).
    assert.equal(plan.schedule.stepsPerEpoch, 300);
    assert.equal(plan.schedule.totalSteps, 600);
    assert.equal(plan.schedule.endStep, 450);
    assert.deepEqual(plan.schedule.maskUpdates.map((u) => u.step), [100, 200, 300, 400]);
    for (const update of plan.schedule.maskUpdates) assert.equal(update.fraction, updateFraction('cosine', 0.3, update.step, 450));
    const fD = 1000;
    const fS = 100;
    assert.equal(applyFlopsTerm(plan.flopsRule.update, fD, fS), stepTrainFlops('rigl', fD, fS, true));
    assert.equal(applyFlopsTerm(plan.flopsRule.step, fD, fS), stepTrainFlops('rigl', fD, fS, false));
    assert.equal(applyFlopsTerm(plan.flopsRule.dense, fD, fS), stepTrainFlops('dense', fD, fS, false));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

for (const method of ['rigl', 'set', 'snfs', 'gmp', 'static', 'dense'] as const) {
  test(`${method}: the plan's mask-update steps are exactly the steps its updater updates at`, async () => {
    const config = resolveConfigText(`model: lenet-300-100\ndataset: { name: synthetic, synthetic_size: 640 }\nsparsity: { method: ${method}, update: { delta_t: 7, t_end: 0.8, t_start: 0.15 } }\ntraining: { epochs: 3, batch_size: 16 }\n`, 't.rigl.yaml');
    const root = tempRoot();
    try {
      const plan: RunPlan = readPlanFile((await createRun(root, config)).path('plan'));
      const { totalSteps } = plan.schedule;
      assert.equal(totalSteps, 120);
      const updater = createUpdater(method, config.sparsity, { totalSteps, seed: 0, layers: plan.layers.map((l) => ({ name: l.name, shape: l.shape, density: l.density })) });
      const expected: number[] = [];
      for (let t = 1; t <= totalSteps; t++) if (updater.isUpdateStep(t)) expected.push(t);
      updater.dispose();
      assert.deepEqual(plan.schedule.maskUpdates.map((u) => u.step), expected);
      if (method === 'gmp') {
        const last = plan.schedule.maskUpdates.at(-1)!;
        assert.equal(last.step, plan.schedule.endStep);
        assert.deepEqual(last.nnz, plan.layers.map((l) => l.nnz), 'gmp reaches the planned counts at t1');
        for (let i = 1; i < plan.schedule.maskUpdates.length; i++) {
          plan.schedule.maskUpdates[i].nnz!.forEach((n, l) => assert.ok(n <= plan.schedule.maskUpdates[i - 1].nnz![l], 'gmp only removes'));
        }
      }
      assert.deepEqual(schemas.check('plan', plan), []);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
}

test('a dataset that cannot be opened refuses the run and leaves no run directory', async () => {
  const config = resolveConfigText('model: cnn-small\ndataset: { name: cifar10, path: /nonexistent/cifar }\n', 'c.rigl.yaml');
  const root = tempRoot();
  try {
    await assert.rejects(createRun(root, config), /CIFAR-10: \/nonexistent\/cifar does not exist/);
    assert.deepEqual(readdirSync(root), []);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a tfjs run directory validates against the generated schemas; a bad event line is reported with its line', async () => {
  const config = resolveConfigText('model: lenet-300-100\ndataset: { name: synthetic, synthetic_size: 96 }\nsparsity: { method: rigl, update: { delta_t: 3 } }\ntraining: { epochs: 1, batch_size: 8, log_every: 4, eval_batch_size: 32 }\nbackend: cpu\n', 't.rigl.yaml');
  const root = tempRoot();
  try {
    const run = await createRun(root, config);
    const summary = await train({ run });
    assert.equal(summary.state, 'completed', summary.message);
    assert.deepEqual(schemas.checkRunDirectory(run.dir), []);
    const events = run.readEvents();
    const running = events.find((e) => e.type === 'status' && e.state === 'running');
    assert.ok(running?.type === 'status' && running.info?.schedule);
    assert.deepEqual(running.info.schedule.updateSteps, readPlanFile(run.path('plan')).schedule.maskUpdates.map((u) => u.step));
    assert.deepEqual(events.filter((e) => e.type === 'mask' && e.step > 0).map((e) => e.step), running.info.schedule.updateSteps);
    const lines = readFileSync(run.path('events'), 'utf8').split('\n').filter(Boolean).length;
    appendFileSync(run.path('events'), JSON.stringify({ type: 'train', step: 1, epoch: 0, time: 0, loss: 'high' }) + '\n');
    const problems = schemas.checkRunDirectory(run.dir);
    assert.ok(problems.length > 0 && problems.every((p) => p.startsWith(`events.jsonl:${lines + 1}:`)), problems.join('\n'));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
