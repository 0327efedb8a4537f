// Restart recovery: run directories a dead server or trainer left `queued` or `running` list
// truthfully (killed) in a new run manager and resume to the end; live or finished ones are refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConfigText } from '../../server/config/load.js';
import { createRun } from '../../server/rundir/start.js';
import type { RunDirectory } from '../../server/rundir/store.js';
import { RunManager } from '../../server/runs/manager.js';
import type { RunState, StatusEvent } from '../../server/protocol.js';

const root = join(__dirname, '..', '..', '..');
const FAKE_TRAINER = join(root, 'test', 'fixtures', 'fake-trainer.js');
const CONFIG = resolveConfigText('name: left\nmodel: lenet-300-100\ndataset: { name: synthetic, synthetic_size: 64 }\ntraining: { epochs: 1, batch_size: 8 }\n', 'left.rigl.yaml');

/** The id of a process that has exited (its pid is not reused within the test). */
function deadPid(): number {
  const pid = spawnSync(process.execPath, ['-e', '']).pid;
  assert.ok(pid !== undefined);
  return pid;
}

/** What a server or trainer leaves behind when it dies in `state`: its summary naming it, and events if it got that far. */
async function leftBehind(runsRoot: string, state: RunState, pid: number | undefined, events: boolean): Promise<RunDirectory> {
  const run = await createRun(runsRoot, CONFIG);
  if (events) run.appendEvent({ type: 'status', step: 0, epoch: 0, time: Date.now(), state: state === 'queued' ? 'queued' : 'running', message: 'before the crash' });
  run.writeSummary({
    runId: run.runId, name: 'left', state, model: 'lenet-300-100', method: 'rigl', backend: 'cpu', step: 0, totalSteps: 8, epoch: 0,
    startedAt: Date.now(), updatedAt: Date.now(), sparsity: { global: 0.9, layers: [] }, ...(pid !== undefined ? { pid } : {}),
  });
  return run;
}

test('runs left queued or running by a dead server list as killed (or queued if never started) and resume to completion; live and completed ones are refused', async () => {
  const runsRoot = mkdtempSync(join(tmpdir(), 'rigl-recovery-'));
  const alive = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  const finals = new Map<string, StatusEvent>();
  let settle: () => void = () => undefined;
  const env = { ...process.env, FAKE_TRAINER_MODE: 'complete', FAKE_TRAINER_STEPS: '8' };
  const manager = new RunManager({ runsRoot, trainerPath: FAKE_TRAINER, env, maxConcurrentRuns: 2, batchIntervalMs: 50 }, {
    onStatus: (runId, event) => {
      if (['completed', 'stopped', 'failed', 'killed'].includes(event.state)) finals.set(runId, event);
      settle();
    },
    onMetrics: () => undefined,
    onMask: () => undefined,
  });
  try {
    const queuedByDeadServer = await leftBehind(runsRoot, 'queued', deadPid(), true);
    const runningByDeadTrainer = await leftBehind(runsRoot, 'running', deadPid(), true);
    const stoppingNoPid = await leftBehind(runsRoot, 'stopping', undefined, true);
    const neverStarted = await createRun(runsRoot, CONFIG);
    const runningByLiveProcess = await leftBehind(runsRoot, 'running', alive.pid, true);
    const completed = await leftBehind(runsRoot, 'completed', undefined, true);

    const listed = new Map(manager.list().map((item) => [item.runId, item.state]));
    assert.equal(listed.get(queuedByDeadServer.runId), 'killed');
    assert.equal(listed.get(runningByDeadTrainer.runId), 'killed');
    assert.equal(listed.get(stoppingNoPid.runId), 'killed');
    assert.equal(listed.get(neverStarted.runId), 'queued');
    assert.equal(listed.get(runningByLiveProcess.runId), 'running', 'a run a live process holds is not declared dead');
    assert.equal(listed.get(completed.runId), 'completed');

    await assert.rejects(manager.resume(runningByLiveProcess.runId), /still running \(process \d+\)/);
    await assert.rejects(manager.resume(completed.runId), /already completed; nothing to resume/);

    const resumable = [queuedByDeadServer, runningByDeadTrainer, stoppingNoPid, neverStarted];
    for (const run of resumable) await manager.resume(run.runId);
    await new Promise<void>((done) => {
      settle = () => { if (resumable.every((run) => finals.has(run.runId))) done(); };
      settle();
    });
    for (const run of resumable) assert.equal(finals.get(run.runId)?.state, 'completed', run.runId);
    const after = new Map(manager.list().map((item) => [item.runId, item.state]));
    for (const run of resumable) assert.equal(after.get(run.runId), 'completed');
    assert.equal(after.get(runningByLiveProcess.runId), 'running');
  } finally {
    alive.kill('SIGKILL');
    await manager.shutdown(2_000);
    rmSync(runsRoot, { recursive: true, force: true });
  }
});

test('a run whose trainer is a zombie (exited, not yet reaped by the init that inherited it) lists as killed', { skip: process.platform !== 'linux' && 'reads /proc' }, async () => {
  const runsRoot = mkdtempSync(join(tmpdir(), 'rigl-zombie-'));
  // The short sleep exits after its shell became the long `sleep`, which never reaps it: a zombie.
  const parent = spawn('sh', ['-c', 'sleep 0.2 & echo $!; exec sleep 30'], { stdio: ['ignore', 'pipe', 'ignore'] });
  try {
    const zombie = Number(await new Promise<string>((done) => parent.stdout.once('data', (chunk: Buffer) => done(chunk.toString()))));
    while (!/^\d+ \(.*\) Z/s.test(readFileSync(`/proc/${zombie}/stat`, 'utf8'))) await new Promise((done) => setTimeout(done, 10));
    process.kill(zombie, 0); // the pid still answers signals
    const run = await leftBehind(runsRoot, 'running', zombie, true);
    assert.equal(run.listItem()?.state, 'killed');
  } finally {
    parent.kill('SIGKILL');
    rmSync(runsRoot, { recursive: true, force: true });
  }
});
