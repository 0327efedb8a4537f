// The PyTorch engine with every method on a tiny synthetic set: the planned nonzeros at every
// update, masked weights and momentum exactly zero after every step, mask/train/eval events and
// summary written, and the same messages on fd 3 as in events.jsonl.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { resolveConfigText } from '../../server/config/load.js';
import type { MaskEvent, RunSummary, StatusEvent } from '../../server/protocol.js';
import { createTorchRun } from './plan-fixture.js';
import { readEvents, readTrace, runEngine } from './engine-process.js';
import { RunSchemas } from '../../server/rundir/schemas.js';

const schemas = new RunSchemas();

export const tinyConfig = (method: string, extra: string[] = []) => resolveConfigText(`
model: lenet-300-100
dataset: { name: synthetic, synthetic_size: 256 }
sparsity: { method: ${method}, sparsity: 0.9, distribution: erk, update: { delta_t: 5, t_end: 0.75, t_start: 0.1 } }
training: { epochs: 2, batch_size: 8, log_every: 4, eval_batch_size: 64, optimizer: { lr: 0.05 } }
`, 'tiny.rigl.yaml', extra);

for (const method of ['rigl', 'set', 'snfs', 'static', 'gmp', 'dense'] as const) {
  test(`pytorch ${method}: planned nonzeros at every update, zeros stay zero, events written`, async () => {
    const config = tinyConfig(method);
    const { run, plan } = await createTorchRun(mkdtempSync(join(tmpdir(), 'rigl-torch-')), config);
    const trace = join(run.dir, 'trace');
    const result = await runEngine(run.dir, { env: { RIGL_TORCH_TRACE: trace }, keepStdin: true, onMessage: () => undefined });
    assert.equal(result.code, 0, result.stderr);
    const summary = JSON.parse(readFileSync(run.path('summary'), 'utf8')) as RunSummary;
    assert.equal(summary.state, 'completed', summary.message);
    assert.equal(summary.step, plan.schedule.totalSteps);
    assert.equal(summary.backend, 'pytorch-cpu');
    const events = readEvents(run.dir);
    // Every event on disk also went out on fd 3, in order.
    assert.deepEqual(result.messages.filter((m) => m.type === 'event').map((m) => (m as { event: unknown }).event), events);
    const states = events.filter((e): e is StatusEvent => e.type === 'status').map((e) => e.state);
    assert.deepEqual(states, ['starting', 'running', 'completed']);
    assert.ok(events.some((e) => e.type === 'train') && events.some((e) => e.type === 'eval'));
    assert.deepEqual(schemas.checkRunDirectory(run.dir), [], 'plan.json, summary.json and events.jsonl match the generated schemas');
    const running = events.find((e): e is StatusEvent => e.type === 'status' && e.state === 'running')!;
    assert.deepEqual(running.info?.schedule?.updateSteps, plan.schedule.maskUpdates.map((u) => u.step));
    const steps = readTrace(trace);
    assert.equal(steps.length, plan.schedule.totalSteps);
    for (const record of steps) {
      assert.equal(record.maskedWeightMax, 0, `step ${record.step}: weights where the mask is 0`);
      assert.equal(record.maskedMomentumMax, 0, `step ${record.step}: momentum where the mask is 0`);
    }
    const masks = events.filter((e): e is MaskEvent => e.type === 'mask');
    const updates = masks.filter((e) => e.step > 0);
    const plannedSteps = plan.schedule.maskUpdates.map((u) => u.step);
    assert.deepEqual(updates.map((u) => u.step), plannedSteps, 'a mask event at every planned update');
    if (method === 'dense') {
      assert.equal(masks.length, 0);
      assert.equal(plannedSteps.length, 0);
      return;
    }
    assert.equal(masks[0].step, 0, 'the initial mask statistics come first');
    const planned = plan.layers.map((l) => l.nnz);
    if (method === 'gmp') {
      assert.ok(plannedSteps.length > 2);
      for (const update of updates) {
        const target = plan.schedule.maskUpdates.find((u) => u.step === update.step)!.nnz!;
        assert.deepEqual(update.layers.map((l) => l.active), target, `gmp step ${update.step}: the plan's pruning targets`);
        assert.deepEqual(steps.find((r) => r.step === update.step)!.nnz, target);
      }
      assert.deepEqual(updates[updates.length - 1].layers.map((l) => l.active), planned, 'gmp ends at the plan');
      return;
    }
    for (const record of steps) assert.deepEqual(record.nnz, planned, `step ${record.step}: nonzeros = plan`);
    if (method === 'static') {
      assert.equal(updates.length, 0);
      return;
    }
    assert.ok(updates.length >= 3, 'several updates in this schedule');
    for (const update of updates) {
      const fraction = plan.schedule.maskUpdates.find((u) => u.step === update.step)!.fraction!;
      assert.equal(update.updateFraction, fraction);
      update.layers.forEach((layer, i) => {
        assert.equal(layer.active, planned[i]);
        // A dense layer has nothing inactive to explore: it is left as it is.
        const k = planned[i] === plan.layers[i].params ? 0 : Math.floor(fraction * planned[i] + 1e-9 * Math.max(1, fraction * planned[i]));
        assert.equal(layer.dropped, k, `${layer.name}: k = floor(f·n)`);
        assert.equal(layer.grown, layer.dropped);
        assert.ok(layer.grownBack >= 0 && layer.grownBack <= layer.grown);
        assert.ok(layer.itop >= layer.density);
      });
    }
    assert.ok(updates[updates.length - 1].global.itop > updates[0].global.density, 'exploration raises ITOP above the density');
  });
}
