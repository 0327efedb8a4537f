// Exact resume on CPU: a RigL run stopped mid-epoch by a stop command on stdin, then resumed,
// takes the same steps with identical losses and masks as the same run left uninterrupted; an
// ImageNet folder run (random crops and flips, 2 DataLoader workers) too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { resolveConfigText } from '../../server/config/load.js';
import type { MaskEvent, RunEvent, RunSummary, TrainEvent } from '../../server/protocol.js';
import type { RiglConfig } from '../../server/config/types.js';
import { createTorchRun } from './plan-fixture.js';
import { readEvents, readTrace, runEngine } from './engine-process.js';
import { writeImageFolder } from './data-fixtures.js';

const config = () => resolveConfigText(`
model: lenet-300-100
dataset: { name: synthetic, synthetic_size: 256 }
sparsity: { method: rigl, sparsity: 0.9, distribution: erk, update: { delta_t: 5, t_end: 0.9, grad_accumulation: 2 } }
training: { epochs: 2, batch_size: 8, log_every: 1, eval_batch_size: 64, optimizer: { lr: 0.05, momentum: 0.9, nesterov: true, weight_decay: 0.0001 } }
`, 'resume.rigl.yaml');

const withoutTime = (events: RunEvent[]) => events.map(({ time: _time, ...rest }) => rest);
const trainLosses = (events: RunEvent[]) => events.filter((e): e is TrainEvent => e.type === 'train').map((e) => [e.step, e.loss, e.lr]);
const maskEvents = (events: RunEvent[]) => withoutTime(events.filter((e): e is MaskEvent => e.type === 'mask'));

test('pytorch: stop mid-epoch on a stop command, resume, identical losses and masks', async () => {
  const root = mkdtempSync(join(tmpdir(), 'rigl-torch-resume-'));
  const { run: straight } = await createTorchRun(root, config());
  const straightTrace = join(straight.dir, 'trace');
  const full = await runEngine(straight.dir, { keepStdin: true, env: { RIGL_TORCH_TRACE: straightTrace } });
  assert.equal(full.code, 0, full.stderr);

  const { run: broken, plan } = await createTorchRun(root, config());
  const brokenTrace = join(broken.dir, 'trace');
  let asked = false;
  const first = await runEngine(broken.dir, {
    keepStdin: true, env: { RIGL_TORCH_TRACE: brokenTrace },
    onMessage: (message, send) => {
      if (!asked && message.type === 'event' && message.event.type === 'train' && message.event.step >= 11) {
        asked = true;
        send({ type: 'stop', reason: 'test' });
      }
    },
  });
  assert.equal(first.code, 0, first.stderr);
  const stopped = JSON.parse(readFileSync(broken.path('summary'), 'utf8')) as RunSummary;
  assert.equal(stopped.state, 'stopped', stopped.message);
  assert.match(stopped.message ?? '', /stopped at step \d+: test/);
  const stopStep = stopped.step;
  assert.ok(stopStep % plan.schedule.stepsPerEpoch !== 0 && stopStep < plan.schedule.totalSteps, `stopped mid-epoch (step ${stopStep})`);
  const latest = JSON.parse(readFileSync(join(broken.dir, 'checkpoints', 'latest.json'), 'utf8')) as { file: string; step: number };
  assert.equal(latest.step, stopStep);
  assert.ok(existsSync(join(broken.dir, 'checkpoints', latest.file)));

  const second = await runEngine(broken.dir, { resume: true, keepStdin: true, env: { RIGL_TORCH_TRACE: brokenTrace } });
  assert.equal(second.code, 0, second.stderr);
  const resumed = JSON.parse(readFileSync(broken.path('summary'), 'utf8')) as RunSummary;
  assert.equal(resumed.state, 'completed', resumed.message);

  const a = readEvents(straight.dir);
  const b = readEvents(broken.dir);
  assert.deepEqual(trainLosses(b), trainLosses(a), 'the same loss and LR at every step');
  assert.deepEqual(maskEvents(b), maskEvents(a), 'the same mask statistics at every update');
  const ta = readTrace(straightTrace);
  const tb = readTrace(brokenTrace);
  assert.deepEqual(tb.map((r) => [r.step, r.loss, r.digests]), ta.map((r) => [r.step, r.loss, r.digests]), 'the same masks (digests) at every update');
  assert.deepEqual(resumed.best, (JSON.parse(readFileSync(straight.path('summary'), 'utf8')) as RunSummary).best);
});

/** A straight run and one stopped at the first train event at or after `stopAt` (mid-epoch) and resumed: both run directories. */
async function straightAndResumed(config: RiglConfig, stopAt: number, extraConfig: Record<string, unknown> = {}) {
  const root = mkdtempSync(join(tmpdir(), 'rigl-torch-resume-'));
  const { run: straight } = await createTorchRun(root, config, extraConfig);
  const full = await runEngine(straight.dir, { keepStdin: true });
  assert.equal(full.code, 0, full.stderr);
  const { run: broken, plan } = await createTorchRun(root, config, extraConfig);
  let asked = false;
  const first = await runEngine(broken.dir, {
    keepStdin: true,
    onMessage: (message, send) => {
      if (!asked && message.type === 'event' && message.event.type === 'train' && message.event.step >= stopAt) {
        asked = true;
        send({ type: 'stop', reason: 'test' });
      }
    },
  });
  assert.equal(first.code, 0, first.stderr);
  const stopped = JSON.parse(readFileSync(broken.path('summary'), 'utf8')) as RunSummary;
  assert.equal(stopped.state, 'stopped', stopped.message);
  assert.ok(stopped.step % plan.schedule.stepsPerEpoch !== 0, `stopped mid-epoch (step ${stopped.step})`);
  const second = await runEngine(broken.dir, { resume: true, keepStdin: true });
  assert.equal(second.code, 0, second.stderr);
  assert.equal((JSON.parse(readFileSync(broken.path('summary'), 'utf8')) as RunSummary).state, 'completed');
  return { straight: straight.dir, resumed: broken.dir };
}

test('pytorch: an ImageNet folder run stopped mid-epoch resumes at its batch with the same crops: identical losses and masks', async () => {
  const folder = await writeImageFolder(mkdtempSync(join(tmpdir(), 'rigl-torch-resume-imagenet-')), ['n01', 'n02', 'n03'], 8);
  const config = resolveConfigText(`
model: resnet18
dataset: { name: imagenet, path: ${folder}, image_size: 32 }
sparsity: { method: rigl, sparsity: 0.9, update: { delta_t: 2 } }
training: { epochs: 2, batch_size: 4, log_every: 1, eval_batch_size: 8, optimizer: { lr: 0.05, momentum: 0.9 } }
`, 'resume-imagenet.rigl.yaml');
  const { straight, resumed } = await straightAndResumed(config, 2, { pytorch: { workers: 2 } });
  const a = readEvents(straight);
  const b = readEvents(resumed);
  assert.deepEqual(trainLosses(b), trainLosses(a), 'the same loss and LR at every step');
  assert.deepEqual(maskEvents(b), maskEvents(a), 'the same mask statistics at every update');
});
