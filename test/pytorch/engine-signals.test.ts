// Stopping an ImageNet-folder run (torchvision ImageFolder, 2 DataLoader workers) mid-epoch: a
// SIGTERM to its process group (the server's stop) and the server going away (end of stdin, its
// channel closed) each end in a checkpoint and state `stopped`; a rank SIGKILLed outright takes
// its workers with it. In every case no process of the engine is left behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { resolveConfigText } from '../../server/config/load.js';
import type { RunSummary, TrainerMessage } from '../../server/protocol.js';
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
