// RunManager against a fake trainer script (test/fixtures/fake-trainer.js): lifecycle, queue,
// stop and kill, crash detection, resume, listing, and batching of metrics.
import { test, mock } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KeyedBatcher } from '../../server/runs/batcher.js';
import { RunManager, type MetricEvent, type RunManagerOptions } from '../../server/runs/manager.js';
import type { MaskEvent, RunState, RunSummary, StatusEvent } from '../../server/protocol.js';

const root = join(__dirname, '..', '..', '..');
const FAKE_TRAINER = join(root, 'test', 'fixtures', 'fake-trainer.js');
const CONFIG = 'name: fake-run\nmodel: lenet-300-100\ndataset:\n  name: synthetic\n  synthetic_size: 64\ntraining:\n  epochs: 1\n  batch_size: 8\n';
const WAIT_LIMIT_MS = 20_000;

/** Records what the manager reports and lets a test wait until a run has reached a state n times. */
class Recorder {
  readonly statuses: { runId: string; event: StatusEvent }[] = [];
  readonly metrics: { runId: string; events: MetricEvent[] }[] = [];
  readonly masks: { runId: string; events: MaskEvent[] }[] = [];
  private waiters: (() => boolean)[] = [];

  readonly listener = {
    onStatus: (runId: string, event: StatusEvent) => {
      this.statuses.push({ runId, event });
      this.waiters = this.waiters.filter((settled) => !settled());
    },
    onMetrics: (runId: string, events: MetricEvent[]) => { this.metrics.push({ runId, events }); },
    onMask: (runId: string, events: MaskEvent[]) => { this.masks.push({ runId, events }); },
  };

  states(runId: string): RunState[] {
    return this.statuses.filter((s) => s.runId === runId).map((s) => s.event.state);
  }

  /** Resolves with the n-th status event of the run in that state. */
  waitFor(runId: string, state: RunState, nth = 1): Promise<StatusEvent> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`run ${runId} never reached ${state} (${nth}×); saw ${this.states(runId).join(', ')}`)), WAIT_LIMIT_MS);
      const settled = () => {
        const matches = this.statuses.filter((s) => s.runId === runId && s.event.state === state);
        if (matches.length < nth) return false;
        clearTimeout(timer);
        resolve(matches[nth - 1].event);
        return true;
      };
      if (!settled()) this.waiters.push(settled);
    });
  }
}

function setup(options: Partial<RunManagerOptions> & { mode?: string; steps?: number } = {}) {
  const runsRoot = mkdtempSync(join(tmpdir(), 'rigl-manager-'));
  const recorder = new Recorder();
  const env = { ...process.env, FAKE_TRAINER_MODE: options.mode ?? 'complete', FAKE_TRAINER_STEPS: String(options.steps ?? 20) };
  const manager = new RunManager({ runsRoot, trainerPath: FAKE_TRAINER, env, batchIntervalMs: 50, ...options }, recorder.listener);
  const cleanup = async () => {
    await manager.shutdown(2_000);
    rmSync(runsRoot, { recursive: true, force: true });
  };
  return { runsRoot, recorder, manager, cleanup };
}

const readSummary = (dir: string) => JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as RunSummary;

test('a run goes starting → running → completed; every train, eval and mask event arrives, in order, before completed', async () => {
  const { recorder, manager, cleanup } = setup({ steps: 20 });
  try {
    const { runId, dir, queued } = await manager.start({ configText: CONFIG });
    assert.equal(queued, false);
    await recorder.waitFor(runId, 'completed');
    assert.deepEqual(recorder.states(runId), ['starting', 'running', 'completed']);
    const metricSteps = recorder.metrics.flatMap((m) => m.events).filter((e) => e.type === 'train').map((e) => e.step);
    assert.deepEqual(metricSteps, Array.from({ length: 20 }, (_, i) => i + 1));
    assert.ok(recorder.metrics.flatMap((m) => m.events).some((e) => e.type === 'eval'));
    assert.deepEqual(recorder.masks.flatMap((m) => m.events).map((e) => e.step), [5, 10, 15, 20]);
    assert.equal(readSummary(dir).state, 'completed');
    const history = manager.history(runId);
    assert.equal(history.summary?.state, 'completed');
    assert.equal(history.events.filter((e) => e.type === 'train').length, 20);
    assert.equal(manager.liveState(runId), undefined);
  } finally {
    await cleanup();
  }
});

test('with maxConcurrentRuns 1 the second run waits in the queue (on disk too) and starts when the first ends', async () => {
  const { recorder, manager, cleanup } = setup({ steps: 30, maxConcurrentRuns: 1 });
  try {
    const first = await manager.start({ configText: CONFIG });
    const second = await manager.start({ configText: CONFIG });
    const third = await manager.start({ configText: CONFIG });
    assert.equal(first.queued, false);
    assert.equal(second.queued, true);
    assert.equal(third.queued, true);
    assert.equal(readSummary(second.dir).state, 'queued');
    assert.deepEqual(recorder.states(second.runId), ['queued']);
    const listed = manager.list();
    assert.equal(listed.find((r) => r.runId === second.runId)?.state, 'queued');
    assert.equal(listed.length, 3);
    const firstDone = await recorder.waitFor(first.runId, 'completed');
    const secondStarting = await recorder.waitFor(second.runId, 'starting');
    assert.ok(secondStarting.time >= firstDone.time, 'the queued run starts only after the first one ended');
    await recorder.waitFor(second.runId, 'completed');
    await recorder.waitFor(third.runId, 'completed');
    // FIFO: the second run started before the third.
    const order = recorder.statuses.filter((s) => s.event.state === 'starting').map((s) => s.runId);
    assert.deepEqual(order, [first.runId, second.runId, third.runId]);
  } finally {
    await cleanup();
  }
});

test('stop: the trainer checkpoints and reports stopped; resume continues from the checkpoint', async () => {
  const { recorder, manager, cleanup } = setup({ steps: 100_000 });
  try {
    const { runId, dir } = await manager.start({ configText: CONFIG });
    await recorder.waitFor(runId, 'running');
    assert.equal(manager.list().find((r) => r.runId === runId)?.state, 'running');
    assert.deepEqual(manager.stop(runId), { accepted: true });
    await recorder.waitFor(runId, 'stopping');
    const stopped = await recorder.waitFor(runId, 'stopped');
    assert.ok(existsSync(join(dir, 'checkpoints', 'latest.json')));
    assert.equal(readSummary(dir).state, 'stopped');
    assert.deepEqual(manager.stop(runId), { accepted: false }, 'a finished run cannot be stopped');

    const resumed = await manager.resume(runId);
    assert.equal(resumed.queued, false);
    const resumedRunning = await recorder.waitFor(runId, 'running', 2);
    assert.equal(resumedRunning.step, stopped.step, 'the resumed trainer starts from the checkpointed step');
    manager.stop(runId);
    await recorder.waitFor(runId, 'stopped', 2);
  } finally {
    await cleanup();
  }
});

test('stopping a queued run removes it from the queue; it never starts', async () => {
  const { recorder, manager, cleanup } = setup({ steps: 40 });
  try {
    const first = await manager.start({ configText: CONFIG });
    const second = await manager.start({ configText: CONFIG });
    assert.equal(second.queued, true);
    assert.deepEqual(manager.stop(second.runId), { accepted: true });
    const stopped = await recorder.waitFor(second.runId, 'stopped');
    assert.match(stopped.message ?? '', /queue/);
    assert.equal(readSummary(second.dir).state, 'stopped');
    await recorder.waitFor(first.runId, 'completed');
    assert.deepEqual(recorder.states(second.runId), ['queued', 'stopped']);
    // A run that never started resumes from scratch (no --resume, no checkpoint needed).
    await manager.resume(second.runId);
    await recorder.waitFor(second.runId, 'completed');
  } finally {
    await cleanup();
  }
});

test('a trainer that ignores stop is killed after the timeout and marked killed on disk', async () => {
  const { recorder, manager, cleanup } = setup({ mode: 'hang', stopTimeoutMs: 300 });
  try {
    const { runId, dir } = await manager.start({ configText: CONFIG });
    await recorder.waitFor(runId, 'running');
    manager.stop(runId);
    const killed = await recorder.waitFor(runId, 'killed');
    assert.match(killed.message ?? '', /killed/);
    assert.equal(readSummary(dir).state, 'killed');
    assert.equal(readSummary(dir).pid, undefined);
    const lastStatus = manager.history(runId).events.filter((e) => e.type === 'status').pop();
    assert.equal(lastStatus?.type === 'status' && lastStatus.state, 'killed');
  } finally {
    await cleanup();
  }
});

test('a trainer that crashes without a final status marks its run failed with the tail of its stderr', async () => {
  const { recorder, manager, cleanup } = setup({ mode: 'crash' });
  try {
    const { runId, dir } = await manager.start({ configText: CONFIG });
    const failed = await recorder.waitFor(runId, 'failed');
    const message = failed.message ?? '';
    assert.match(message, /exited with code 1/);
    assert.match(message, /JavaScript heap out of memory/);
    assert.match(message, /fake stderr line 30/);
    assert.doesNotMatch(message, /fake stderr line 11\n/, 'only the last 20 lines');
    assert.equal(readSummary(dir).state, 'failed');
    assert.equal(manager.list().find((r) => r.runId === runId)?.state, 'failed');
  } finally {
    await cleanup();
  }
});

test('a final status that reached the disk but not the IPC channel is still reported', async () => {
  const { recorder, manager, cleanup } = setup({ mode: 'silent-final', steps: 5 });
  try {
    const { runId } = await manager.start({ configText: CONFIG });
    await recorder.waitFor(runId, 'completed');
    assert.ok(!recorder.states(runId).includes('failed'));
  } finally {
    await cleanup();
  }
});

test('a missing trainer script fails the run with node\'s error, and the next queued run still starts', async () => {
  const { recorder, manager, cleanup } = setup({ trainerPath: join(root, 'test', 'fixtures', 'no-such-trainer.js') });
  try {
    const first = await manager.start({ configText: CONFIG });
    const second = await manager.start({ configText: CONFIG });
    assert.match((await recorder.waitFor(first.runId, 'failed')).message ?? '', /Cannot find module/);
    await recorder.waitFor(second.runId, 'failed');
  } finally {
    await cleanup();
  }
});

test('a broken config rejects with file:line:col messages and creates no run', async () => {
  const { manager, runsRoot, cleanup } = setup();
  try {
    await assert.rejects(manager.start({ configText: 'model: lenet-300-100\ndataset:\n  name: mnist\nsparsity:\n  method: rigll\n', configFile: 'broken.rigl.yaml' }), (error: Error) => {
      assert.match(error.message, /^broken\.rigl\.yaml:5:11: error invalid-enum/);
      return true;
    });
    assert.deepEqual(manager.list(), []);
    assert.ok(!existsSync(runsRoot) || manager.list().length === 0);
    assert.throws(() => manager.history('../etc'), /invalid run id/);
    await assert.rejects(manager.resume('no-such-run'), /not a run directory/);
  } finally {
    await cleanup();
  }
});

test('shutdown asks running trainers to stop and waits for them to checkpoint', async () => {
  const { recorder, manager, cleanup } = setup({ steps: 100_000 });
  try {
    const { runId, dir } = await manager.start({ configText: CONFIG });
    const queued = await manager.start({ configText: CONFIG });
    await recorder.waitFor(runId, 'running');
    await manager.shutdown(10_000);
    assert.equal(readSummary(dir).state, 'stopped');
    assert.ok(existsSync(join(dir, 'checkpoints', 'latest.json')));
    assert.equal(readSummary(queued.dir).state, 'stopped');
    await assert.rejects(manager.start({ configText: CONFIG }), /shutting down/);
  } finally {
    await cleanup();
  }
});

test('KeyedBatcher: the first item goes out at once, later ones at most once per interval, per key, in order', () => {
  mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 1_000 });
  try {
    const delivered: { key: string; items: number[]; at: number }[] = [];
    const batcher = new KeyedBatcher<number>((key, items) => delivered.push({ key, items, at: Date.now() }), 250);
    batcher.add('a', 1);
    batcher.add('b', 100);
    mock.timers.tick(0);
    assert.deepEqual(delivered.map((d) => [d.key, d.items]), [['a', [1]], ['b', [100]]]);
    for (let i = 2; i <= 40; i++) {
      batcher.add('a', i);
      mock.timers.tick(10);
    }
    batcher.flush('a');
    const aBatches = delivered.filter((d) => d.key === 'a');
    assert.deepEqual(aBatches.flatMap((d) => d.items), Array.from({ length: 40 }, (_, i) => i + 1));
    for (let i = 1; i < aBatches.length - 1; i++) assert.ok(aBatches[i].at - aBatches[i - 1].at >= 250, 'timer deliveries keep the interval');
    assert.ok(aBatches.length <= 4, `40 items over 390 ms in at most 4 batches, got ${aBatches.length}`);
    batcher.add('b', 101);
    batcher.close('b');
    assert.deepEqual(delivered.filter((d) => d.key === 'b').flatMap((d) => d.items), [100, 101]);
  } finally {
    mock.timers.reset();
  }
});
