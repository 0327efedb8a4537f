// Local sweeps: the sweep folder, re-running a half-done sweep (exactly the unfinished runs start
// or resume, through the run manager's queue), the runs listing, and the CLI's sweep and results.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { RunManager } from '../../server/runs/manager.js';
import { listRuns } from '../../server/rundir/store.js';
import type { RunState, StatusEvent } from '../../server/protocol.js';
import { prepareSweep } from '../../server/sweeps/prepare.js';
import { submitLocal } from '../../server/sweeps/local.js';
import { sweepGridOf } from '../../server/sweeps/spec.js';
import { readSweepResults } from '../../server/sweeps/results.js';
import { readSweepRecord } from '../../server/sweeps/record.js';

const root = join(__dirname, '..', '..', '..');
const FAKE_TRAINER = join(root, 'test', 'fixtures', 'fake-trainer.js');
const cliPath = join(root, 'bin', 'rigl-studio.js');
const WAIT_LIMIT_MS = 30_000;

const RAW = parseYaml(`name: fake-sweep
model: lenet-300-100
dataset: { name: synthetic, synthetic_size: 64 }
training: { epochs: 1, batch_size: 8 }
sweep:
  grid:
    sparsity.method: [rigl, static]
  seeds: [0, 1]
`) as Record<string, unknown>;

/** A manager over the fake trainer whose listener resolves when every given run reached a final state. */
function fakeManager(runsRoot: string) {
  const statuses: { runId: string; event: StatusEvent }[] = [];
  const waiters: { ids: Set<string>; done: () => void }[] = [];
  const manager = new RunManager(
    { runsRoot, trainerPath: FAKE_TRAINER, env: { ...process.env, FAKE_TRAINER_STEPS: '20' }, batchIntervalMs: 20 },
    {
      onStatus: (runId, event) => {
        statuses.push({ runId, event });
        if (['completed', 'stopped', 'failed', 'killed'].includes(event.state)) {
          for (const waiter of waiters) if (waiter.ids.delete(runId) && waiter.ids.size === 0) waiter.done();
        }
      },
      onMetrics: () => undefined,
      onMask: () => undefined,
    },
  );
  const finished = (ids: string[]) => new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`runs not finished: ${[...waiter.ids].join(', ')}`)), WAIT_LIMIT_MS);
    const waiter = { ids: new Set(ids), done: () => { clearTimeout(timer); resolve(); } };
    waiters.push(waiter);
  });
  return { manager, statuses, finished };
}

function writeJson(file: string, value: unknown): void {
  writeFileSync(file, JSON.stringify(value));
}

test('re-running a half-done sweep starts or resumes exactly its unfinished runs', async () => {
  const runsRoot = mkdtempSync(join(tmpdir(), 'rigl-sweep-'));
  const sweepDir = join(runsRoot, 'fake-sweep-sweep');
  try {
    const grid = sweepGridOf(RAW);
    const first = await prepareSweep(sweepDir, RAW, grid);
    assert.deepEqual(first.runs.map((r) => `${r.point.runId}:${r.action}`), ['p0-rigl-s0:start', 'p0-rigl-s1:start', 'p1-static-s0:start', 'p1-static-s1:start']);
    assert.deepEqual(readSweepRecord(sweepDir).runs.map((r) => [r.runId, r.seed]), [['p0-rigl-s0', 0], ['p0-rigl-s1', 1], ['p1-static-s0', 0], ['p1-static-s1', 1]]);
    assert.equal(first.runs[1].config.training.seed, 1);
    assert.equal(first.runs[2].config.sparsity.method, 'static');

    const pass1 = fakeManager(runsRoot);
    const started1 = await submitLocal(pass1.manager, first);
    assert.deepEqual(started1.started, first.runs.map((r) => `fake-sweep-sweep/${r.point.runId}`));
    await pass1.finished(started1.started);
    await pass1.manager.shutdown(1_000);

    // Leave the sweep half done, as an interrupted session would: one run stopped with a
    // checkpoint at step 7, one failed before its first checkpoint, one whose trainer died (killed).
    const run = (id: string) => join(sweepDir, id);
    const summary = (id: string) => JSON.parse(readFileSync(join(run(id), 'summary.json'), 'utf8'));
    writeJson(join(run('p0-rigl-s1'), 'summary.json'), { ...summary('p0-rigl-s1'), state: 'stopped', step: 7 });
    writeJson(join(run('p0-rigl-s1'), 'checkpoints', 'latest.json'), { step: 7 });
    writeJson(join(run('p1-static-s0'), 'summary.json'), { ...summary('p1-static-s0'), state: 'failed', step: 3 });
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    writeJson(join(run('p1-static-s1'), 'summary.json'), { ...summary('p1-static-s1'), state: 'running', step: 5, pid: dead });
    const completedEvents = readFileSync(join(run('p0-rigl-s0'), 'events.jsonl'), 'utf8');

    const second = await prepareSweep(sweepDir, RAW, grid);
    assert.deepEqual(second.runs.map((r) => `${r.point.runId}:${r.state}:${r.action}`), [
      'p0-rigl-s0:completed:skip-completed',
      'p0-rigl-s1:stopped:resume',
      'p1-static-s0:failed:start',
      'p1-static-s1:killed:start',
    ]);
    const pass2 = fakeManager(runsRoot);
    const started2 = await submitLocal(pass2.manager, second);
    assert.deepEqual(started2.started, ['fake-sweep-sweep/p0-rigl-s1', 'fake-sweep-sweep/p1-static-s0', 'fake-sweep-sweep/p1-static-s1']);
    assert.deepEqual(started2.skipped, [{ runId: 'p0-rigl-s0', why: 'completed' }]);
    await pass2.finished(started2.started);
    await pass2.manager.shutdown(1_000);
    const seen = (id: string) => pass2.statuses.filter((s) => s.runId === `fake-sweep-sweep/${id}`).map((s) => `${s.event.state}${s.event.message === 'resuming' ? '(resuming)' : ''}`);
    assert.deepEqual(seen('p0-rigl-s0'), [], 'the completed run is not touched');
    const starts = (id: string) => seen(id).filter((state) => state.startsWith('starting'));
    assert.deepEqual(starts('p0-rigl-s1'), ['starting(resuming)']);
    // Runs that had started are resumed (the engine continues from the newest complete checkpoint,
    // here none, so from step 0 under the same run id: README, Run directories).
    assert.deepEqual(starts('p1-static-s0'), ['starting(resuming)']);
    assert.deepEqual(starts('p1-static-s1'), ['starting(resuming)']);
    assert.equal(readFileSync(join(run('p0-rigl-s0'), 'events.jsonl'), 'utf8'), completedEvents);
    // The resumed run continued from its checkpoint: its first step after resuming is 8.
    const resumedSteps = readFileSync(join(run('p0-rigl-s1'), 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l))
      .filter((e) => e.type === 'train').map((e) => e.step);
    assert.ok(resumedSteps.includes(8) && resumedSteps.filter((s) => s === 8).length === 2, 'steps 1–20 once, then 8–20 again');

    const states: RunState[] = readSweepResults(sweepDir).runs.map((r) => r.state);
    assert.deepEqual(states, ['completed', 'completed', 'completed', 'completed']);
    // The runs listing shows the sweep's runs under their sweep.
    const listed = listRuns(runsRoot);
    assert.deepEqual(listed.map((r) => r.runId).sort(), started1.started.slice().sort());
    assert.ok(listed.every((r) => r.sweep === 'fake-sweep-sweep'));
    // A third time: nothing to do.
    assert.ok((await prepareSweep(sweepDir, RAW, grid)).runs.every((r) => r.action === 'skip-completed'));
  } finally {
    rmSync(runsRoot, { recursive: true, force: true });
  }
});

test('a sweep folder made from another config is refused, naming the difference', async () => {
  const runsRoot = mkdtempSync(join(tmpdir(), 'rigl-sweep-'));
  try {
    const sweepDir = join(runsRoot, 's');
    await prepareSweep(sweepDir, RAW, sweepGridOf(RAW));
    const edited = { ...RAW, training: { epochs: 2, batch_size: 8 } };
    await assert.rejects(prepareSweep(sweepDir, edited, sweepGridOf(edited)), /made from a different config \(training\.epochs: 1 on disk, 2 now\)/);
  } finally {
    rmSync(runsRoot, { recursive: true, force: true });
  }
});

test('CLI: sweep trains the grid with real runs, results prints it as text, JSON, CSV and Markdown', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rigl-sweep-cli-'));
  try {
    mkdirSync(join(dir, 'cfg'));
    writeFileSync(join(dir, 'cfg', 'tiny.rigl.yaml'), `name: tiny
model: lenet-300-100
dataset: { name: synthetic, synthetic_size: 256 }
sparsity: { method: rigl, sparsity: 0.9, update: { delta_t: 2 } }
training: { epochs: 1, batch_size: 16, log_every: 2, optimizer: { lr: 0.02 } }
backend: cpu
sweep:
  grid:
    sparsity.method: [rigl, set]
`);
    const cli = (...args: string[]) => spawnSync(process.execPath, [cliPath, ...args], { cwd: dir, encoding: 'utf8' });
    const bad = cli('sweep', 'cfg/tiny.rigl.yaml', '--grid', 'sparsity.sparsity=0.5,1.2');
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /^cfg\/tiny\.rigl\.yaml \(with --grid\/--seeds\):\d+:\d+: error grid-value-invalid sweep\.grid sparsity\.sparsity\[1\]: `sparsity\.sparsity` = 1\.2 is outside \[0, 1\)\./m);

    const result = cli('sweep', 'cfg/tiny.rigl.yaml', '--seeds', '0,1', '--max-steps', '4', '--parallel', '2', '--out', 'out');
    assert.equal(result.status, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /^sweep tiny: 4 runs \(2 grid points × 2 seeds\)/m);
    assert.match(result.stdout, /^\[4\/4\] tiny-sweep\/p\d-\w+-s\d completed {2}top-1 \d+\.\d\d%$/m);
    const sweepDir = join(dir, 'out', 'tiny-sweep');
    const json = JSON.parse(cli('results', sweepDir, '--json').stdout);
    assert.deepEqual(json.rows.map((r: { label: string; completed: number; finalTop1: { n: number } }) => [r.label, r.completed, r.finalTop1.n]), [['sparsity.method=rigl', 2, 2], ['sparsity.method=set', 2, 2]]);
    for (const row of json.rows) {
      const finals = json.runs.filter((r: { pointIndex: number }) => r.pointIndex === row.pointIndex).map((r: { finalTop1: number }) => r.finalTop1);
      assert.ok(Math.abs(row.finalTop1.mean - (finals[0] + finals[1]) / 2) < 1e-12);
      assert.ok(Math.abs(row.finalTop1.std - Math.abs(finals[0] - finals[1]) / Math.SQRT2) < 1e-12);
      assert.ok(Math.abs(row.sparsity.mean - 0.9) < 0.005);
    }
    const csv = cli('results', sweepDir, '--csv').stdout.trim().split('\n');
    assert.equal(csv.length, 3);
    assert.match(csv[0], /^sparsity\.method,runs,completed,final_top1_mean,final_top1_std,/);
    assert.match(csv[1], /^rigl,2,2,0\.\d+,/);
    const markdown = cli('results', sweepDir, '--markdown').stdout.trim().split('\n');
    assert.match(markdown[0], /^\| sparsity\.method \| runs \| final top-1 \| best top-1 \|/);
    assert.match(markdown[2], /^\| rigl \| 2\/2 \| \d+\.\d\d ± \d+\.\d\d% \|/);
    // The same command again has nothing left to train.
    const again = cli('sweep', 'cfg/tiny.rigl.yaml', '--seeds', '0,1', '--max-steps', '4', '--out', 'out');
    assert.equal(again.status, 0);
    assert.match(again.stdout, /to start 0, to resume 0, completed 4, training elsewhere 0/);
    assert.match(cli('runs', 'out').stdout, /^tiny-sweep\/p1-set-s1\s+completed\s+4\/16/m);
    assert.equal(cli('results', join(dir, 'out')).status, 2, 'a folder without sweep.json');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
