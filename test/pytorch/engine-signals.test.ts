// Stopping an ImageNet-folder run (torchvision ImageFolder, 2 DataLoader workers) mid-epoch: a
// SIGTERM to its process group (the server's stop) and the server going away (end of stdin, its
// channel closed) each end in a checkpoint and state `stopped`; a rank SIGKILLed outright takes
// its workers with it. In every case no process of the engine is left behind. A stop during the
// evaluation cuts it short; the resumed run evaluates first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { resolveConfigText } from '../../server/config/load.js';
import type { RunEvent, RunSummary, TrainerMessage } from '../../server/protocol.js';
import { RunDirectory } from '../../server/rundir/store.js';
import { createTorchRun } from './plan-fixture.js';
import { groupGone, processesInGroup, runEngine, type EngineControl } from './engine-process.js';
import { writeImageFolder } from './data-fixtures.js';

const summaryOf = (dir: string) => JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as RunSummary;
const trainStep = (message: TrainerMessage) => (message.type === 'event' && message.event.type === 'train' ? message.event.step : undefined);

let folder: string | undefined;
/** 3 classes × 16 JPEGs: 12 steps of 4 per epoch. */
async function imagenetRun() {
  folder ??= await writeImageFolder(mkdtempSync(join(tmpdir(), 'rigl-torch-signals-data-')), ['n01', 'n02', 'n03'], 16);
  const config = resolveConfigText(`
model: resnet18
dataset: { name: imagenet, path: ${folder}, image_size: 32 }
sparsity: { method: rigl, sparsity: 0.9, update: { delta_t: 5 } }
training: { epochs: 2, batch_size: 4, log_every: 1, eval_batch_size: 8 }
`, 'signals.rigl.yaml');
  const { run, plan } = await createTorchRun(mkdtempSync(join(tmpdir(), 'rigl-torch-signals-')), config, { pytorch: { workers: 2 } });
  return { run, stepsPerEpoch: plan.schedule.stepsPerEpoch };
}

function assertStoppedMidEpoch(dir: string, stepsPerEpoch: number, reason: RegExp): void {
  const summary = summaryOf(dir);
  assert.equal(summary.state, 'stopped', summary.message);
  assert.match(summary.message ?? '', reason);
  assert.ok(summary.step % stepsPerEpoch !== 0, `stopped mid-epoch (step ${summary.step})`);
  const latest = JSON.parse(readFileSync(join(dir, 'checkpoints', 'latest.json'), 'utf8')) as { step: number };
  assert.equal(latest.step, summary.step, 'checkpointed where it stopped');
}

/** Runs the engine in its own process group; at the train event of step 3 it is acted on, with its DataLoader workers seen running. */
async function actMidEpoch(dir: string, act: (engine: EngineControl) => void) {
  let group = 0;
  let workers: number[] = [];
  let acted = false;
  const result = await runEngine(dir, {
    keepStdin: true, processGroup: true, onStart: (pid) => { group = pid; },
    onMessage: (message, _send, engine) => {
      if (!acted && trainStep(message) === 3) {
        workers = processesInGroup(group).filter((pid) => pid !== group);
        acted = true;
        act(engine);
      }
    },
  });
  assert.ok(workers.length >= 2, `the DataLoader workers were running (${workers.length} seen)`);
  return { result, group, workers };
}

test('pytorch ImageNet folder: SIGTERM to the process group mid-epoch checkpoints, stops, and leaves no process behind', { timeout: 180_000 }, async () => {
  const { run, stepsPerEpoch } = await imagenetRun();
  const { result, group } = await actMidEpoch(run.dir, (engine) => engine.signal('SIGTERM', 'group'));
  assert.equal(result.code, 0, result.stderr);
  assertStoppedMidEpoch(run.dir, stepsPerEpoch, /received SIGTERM/);
  assert.deepEqual(await groupGone(group, 10_000), [], 'no process of the engine is left');
});

test('pytorch ImageNet folder: the server going away (stdin ends, channel closed) stops the run with a checkpoint and no process left', { timeout: 180_000 }, async () => {
  const { run, stepsPerEpoch } = await imagenetRun();
  const { result, group } = await actMidEpoch(run.dir, (engine) => engine.serverGone());
  assert.equal(result.code, 0, result.stderr);
  assertStoppedMidEpoch(run.dir, stepsPerEpoch, /end of stdin/);
  assert.deepEqual(await groupGone(group, 10_000), [], 'no process of the engine is left');
});

test('pytorch ImageNet folder: a rank SIGKILLed mid-epoch takes its DataLoader workers with it', { timeout: 180_000 }, async () => {
  const { run } = await imagenetRun();
  const { result, group } = await actMidEpoch(run.dir, (engine) => engine.signal('SIGKILL', 'process'));
  assert.equal(result.signal, 'SIGKILL');
  // torch's own watchdog looks for a dead parent only every 5 s, and a worker blocked on a full
  // result queue never exits; the engine's workers are SIGKILLed with their rank (PR_SET_PDEATHSIG).
  assert.deepEqual(await groupGone(group, 4_000), [], 'no DataLoader worker outlives its rank');
});

test('pytorch ImageNet folder: a stop during the evaluation cuts it short with a checkpoint; the resumed run evaluates first', { timeout: 180_000 }, async () => {
  // 12 training images, 240 to evaluate two at a time: the evaluation is most of each epoch.
  const data = await writeImageFolder(mkdtempSync(join(tmpdir(), 'rigl-torch-eval-stop-data-')), ['n01', 'n02', 'n03'], 4, 80);
  const config = resolveConfigText(`
model: resnet18
dataset: { name: imagenet, path: ${data}, image_size: 32 }
sparsity: { method: static, sparsity: 0.9 }
training: { epochs: 2, batch_size: 4, log_every: 1, eval_batch_size: 2 }
`, 'eval-stop.rigl.yaml');
  const { run, plan } = await createTorchRun(mkdtempSync(join(tmpdir(), 'rigl-torch-eval-stop-')), config, { pytorch: { workers: 2 } });
  const epochEnd = plan.schedule.stepsPerEpoch;
  let asked = false;
  const first = await runEngine(run.dir, {
    keepStdin: true,
    // The train event of an epoch's last step comes just before its evaluation.
    onMessage: (message, send) => {
      if (!asked && trainStep(message) === epochEnd) {
        asked = true;
        send({ type: 'stop', reason: 'test' });
      }
    },
  });
  assert.equal(first.code, 0, first.stderr);
  const stopped = summaryOf(run.dir);
  assert.equal(stopped.state, 'stopped', stopped.message);
  assert.match(stopped.message ?? '', new RegExp(`stopped at step ${epochEnd} during its evaluation: test`));
  const evalSteps = (events: RunEvent[]) => events.filter((e) => e.type === 'eval').map((e) => e.step);
  assert.deepEqual(evalSteps(new RunDirectory(run.dir).readEvents()), [], 'nothing recorded of the cut evaluation');
  assert.equal((JSON.parse(readFileSync(join(run.dir, 'checkpoints', 'latest.json'), 'utf8')) as { step: number }).step, epochEnd);

  const second = await runEngine(run.dir, { resume: true, keepStdin: true });
  assert.equal(second.code, 0, second.stderr);
  assert.equal(summaryOf(run.dir).state, 'completed');
  const events = new RunDirectory(run.dir).readEvents();
  assert.deepEqual(evalSteps(events), [epochEnd, 2 * epochEnd], 'the resumed run evaluated the cut epoch before training on');
  const firstTrain = events.findIndex((e) => e.type === 'train' && e.step > epochEnd);
  assert.ok(events.findIndex((e) => e.type === 'eval') < firstTrain, 'evaluation before the next training step');
});
