// The run-directory resume contract (docs/engines.md) on the PyTorch engine: a run SIGKILLed before
// its first checkpoint, mid-checkpoint, between a checkpoint and latest.json, mid-event-line and
// mid-summary lists as killed each time, resumes from the newest complete checkpoint (or step 0),
// and completes with the latest attempt's events in order and the losses of an uninterrupted run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { resolveConfigText } from '../../server/config/load.js';
import { listRuns, RunDirectory } from '../../server/rundir/store.js';
import { RunSchemas } from '../../server/rundir/schemas.js';
import type { RunEvent, StatusEvent } from '../../server/protocol.js';
import { createTorchRun } from './plan-fixture.js';
import { PYTHON, readEvents, runEngine, type EngineResult } from './engine-process.js';

const cliPath = join(__dirname, '..', '..', '..', 'bin', 'rigl-studio.js');
const LIVE_STATES = new Set(['queued', 'starting', 'running', 'stopping']);

// 96 steps: 3 epochs of 32, a checkpoint per epoch, mask updates every 4 steps until step 72.
const config = () => resolveConfigText(`
name: torch-kills
engine: pytorch
pytorch: { python: ${PYTHON} }
model: lenet-300-100
dataset: { name: synthetic, synthetic_size: 256 }
sparsity: { method: rigl, sparsity: 0.9, update: { delta_t: 4, t_end: 0.75 } }
training: { epochs: 3, batch_size: 8, log_every: 2, optimizer: { lr: 0.02, momentum: 0.9 } }
reference: { top1: 0.5, source: a made-up figure for this test }
`, 'torch-kills.rigl.yaml');

/** Steps never go back, and per event type they strictly increase. */
function assertStepsIncrease(events: RunEvent[]): void {
  const last = new Map<string, number>();
  let previous = -1;
  for (const event of events) {
    assert.ok(event.step >= previous, `step ${event.step} after ${previous} (${event.type})`);
    previous = event.step;
    if (event.type === 'status') continue;
    const before = last.get(event.type);
    assert.ok(before === undefined || event.step > before, `${event.type} at step ${event.step} after ${before}`);
    last.set(event.type, event.step);
  }
}

const starting = (result: EngineResult) => result.messages.flatMap((m) => (m.type === 'event' && m.event.type === 'status' && m.event.state === 'starting' ? [m.event] : []))[0];
const metrics = (events: RunEvent[]) => events.flatMap((e) => (e.type === 'train' ? [[e.step, e.loss, e.accuracy, e.lr]] : e.type === 'eval' ? [[e.step, e.loss, e.top1]] : []));
const temporaries = (dir: string) => [...readdirSync(dir), ...readdirSync(join(dir, 'checkpoints'))].filter((f) => f.includes('.tmp-'));

test('pytorch: SIGKILLed at five points (one before the first checkpoint), each resume continues from the newest complete checkpoint and the run completes as if never killed', { timeout: 10 * 60_000 }, async () => {
  const root = mkdtempSync(join(tmpdir(), 'rigl-torch-kills-'));
  const { run: straight } = await createTorchRun(join(root, 'straight'), config());
  assert.equal((await runEngine(straight.dir, { keepStdin: true })).code, 0);

  const out = join(root, 'runs');
  const { run } = await createTorchRun(out, config());
  const listed = () => {
    const runs = listRuns(out);
    assert.equal(runs.length, 1);
    return runs[0];
  };
  const killed = (result: EngineResult, where: string) => {
    assert.equal(result.signal, 'SIGKILL', `${where}: the engine was killed (exit ${result.code}; ${result.stderr.slice(-400)})`);
    const state = listed().state;
    assert.ok(!LIVE_STATES.has(state), `${where}: listed as ${state} after its engine was killed`);
  };

  // 1. Before the first checkpoint: killed from outside on the train event of step 2 (30 steps before it).
  const first = await runEngine(run.dir, {
    keepStdin: true,
    onMessage: (message, _send, engine) => { if (message.type === 'event' && message.event.type === 'train' && message.event.step === 2) engine.signal('SIGKILL'); },
  });
  killed(first, 'kill at step 2');
  assert.deepEqual(readdirSync(run.path('checkpoints')), [], 'no checkpoint yet');

  // Each resume: where its starting event says it continues from, then the crash point it dies at.
  const attempts: { crashAt: string; resumedFrom: number; leaves?: RegExp }[] = [
    // No checkpoint: step 0 under the same run id; dies half-way through writing step 32's checkpoint.
    { crashAt: 'partial-write:checkpoint#1', resumedFrom: 0, leaves: /^step-00000032\.pt\.tmp-\d+-[0-9a-f]+$/ },
    // The half-written file is removed; dies with step 32's checkpoint renamed but latest.json not yet written.
    { crashAt: 'before-write:latest.json#1', resumedFrom: 0 },
    // The whole step-32 file latest.json does not name is the newest complete one; dies mid-line of its 5th event.
    { crashAt: 'partial-append:events.jsonl#5', resumedFrom: 32 },
    // Its first event closes the torn line; dies writing its 3rd summary (after step 64's checkpoint).
    { crashAt: 'partial-write:summary.json#3', resumedFrom: 32, leaves: /^summary\.json\.tmp-\d+-[0-9a-f]+$/ },
  ];
  for (const [index, attempt] of attempts.entries()) {
    const result = await runEngine(run.dir, { resume: true, keepStdin: true, env: { RIGL_TEST_CRASH_AT: attempt.crashAt } });
    const where = `resume ${index + 1} (${attempt.crashAt})`;
    killed(result, where);
    assert.equal(starting(result)?.resumedFrom, attempt.resumedFrom, `${where}: resumedFrom`);
    if (attempt.leaves) assert.ok(temporaries(run.dir).some((f) => attempt.leaves!.test(f)), `${where}: left ${temporaries(run.dir).join(', ') || 'no temporary'}`);
  }

  // The last resume through the CLI, as a user would: from step 64, to the end.
  const cli = spawnSync(process.execPath, [cliPath, 'resume', run.dir], { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1' }, timeout: 300_000 });
  assert.equal(cli.status, 0, `${cli.stdout}\n${cli.stderr}`);
  assert.match(cli.stdout, /completed: completed 96 steps/);
  const item = listed();
  assert.equal(item.state, 'completed');
  assert.equal(item.step, 96);
  assert.equal(item.referenceTop1, 0.5);

  const lines = readFileSync(run.path('events'), 'utf8').split('\n').filter((l) => l.trim());
  const unparsable = lines.filter((l) => { try { JSON.parse(l); return false; } catch { return true; } });
  assert.equal(unparsable.length, 1, 'only the torn fragment is not an event: the next attempt started a line of its own');
  const startings = lines.filter((l) => !unparsable.includes(l)).map((l) => JSON.parse(l) as RunEvent).filter((e): e is StatusEvent => e.type === 'status' && e.state === 'starting');
  assert.deepEqual(startings.map((e) => e.resumedFrom), [undefined, 0, 0, 32, 32, 64], 'every attempt recorded where it started');

  const events = new RunDirectory(run.dir).readEvents();
  assertStepsIncrease(events);
  assert.deepEqual(events.filter((e) => e.type === 'eval').map((e) => e.step), [32, 64, 96]);
  assert.deepEqual(metrics(events), metrics(readEvents(straight.dir)), 'the latest attempt of every step trained exactly as the uninterrupted run');
  const masks = (list: RunEvent[]) => list.filter((e) => e.type === 'mask').map(({ time: _t, ...rest }) => rest);
  assert.deepEqual(masks(events), masks(readEvents(straight.dir)), 'the same masks at every update');
  const running = events.filter((e): e is StatusEvent => e.type === 'status' && e.state === 'running').pop();
  assert.deepEqual(running?.info?.reference, { top1: 0.5, source: 'a made-up figure for this test' }, 'RunInfo carries the config\'s reference');
  assert.deepEqual(temporaries(run.dir), [], 'nothing half-written is left');
  const schemas = new RunSchemas();
  assert.deepEqual(schemas.checkRunDirectory(straight.dir), []);
  const torn = lines.indexOf(unparsable[0]);
  const all = readFileSync(run.path('events'), 'utf8').split('\n');
  assert.deepEqual(schemas.checkRunDirectory(run.dir), [`events.jsonl:${all.indexOf(lines[torn]) + 1}: not JSON`], 'valid but for the torn fragment');
});
