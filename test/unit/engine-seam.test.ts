// The engine seam with the pytorch engine's launcher and channel (python -m rigl_torch, PYTHONPATH,
// JSON lines on fd 3, commands on stdin, SIGTERM, process-group kill) against a fake package
// (test/fixtures/fake-pytorch) that needs no torch; and how its failures read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { pytorchEngine, tfjsEngine } from '../../server/runs/engines.js';
import { RunManager, type MetricEvent } from '../../server/runs/manager.js';
import { PythonProbes } from '../../server/runs/python-interpreter.js';
import type { RunState, RunSummary, StatusEvent } from '../../server/protocol.js';

const root = join(__dirname, '..', '..', '..');
const FAKE_PACKAGE = join(root, 'test', 'fixtures', 'fake-pytorch');
const PYTHON = 'python3';
const config = (python = PYTHON) => `name: fake-torch\nmodel: lenet-300-100\ndataset: { name: synthetic, synthetic_size: 64 }\ntraining: { epochs: 1, batch_size: 8 }\nengine: pytorch\npytorch: { python: ${python}, device: cpu }\n`;

function setup(mode: string, options: { stopTimeoutMs?: number; steps?: number } = {}) {
  const runsRoot = mkdtempSync(join(tmpdir(), 'rigl-seam-'));
  const statuses: { runId: string; event: StatusEvent }[] = [];
  const metrics: MetricEvent[] = [];
  let waiters: (() => boolean)[] = [];
  const manager = new RunManager({
    runsRoot, pytorchPackageRoot: FAKE_PACKAGE, batchIntervalMs: 20, stopTimeoutMs: options.stopTimeoutMs ?? 20_000,
    env: { ...process.env, FAKE_ENGINE_MODE: mode, FAKE_ENGINE_STEPS: String(options.steps ?? 20) },
    // The configured interpreter is used as it is; nothing to probe.
    pythonProbes: new PythonProbes(1000, async (python) => ({ python, runs: true })),
  }, {
    onStatus: (runId, event) => { statuses.push({ runId, event }); waiters = waiters.filter((settled) => !settled()); },
    onMetrics: (_runId, events) => { metrics.push(...events); },
    onMask: () => undefined,
  });
  const waitFor = (runId: string, state: RunState) => new Promise<StatusEvent>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${runId} never reached ${state}; saw ${statuses.filter((s) => s.runId === runId).map((s) => s.event.state).join(', ')}`)), 30_000);
    const settled = () => {
      const found = statuses.find((s) => s.runId === runId && s.event.state === state);
      if (found) { clearTimeout(timer); resolve(found.event); }
      return found !== undefined;
    };
    if (!settled()) waiters.push(settled);
  });
  const cleanup = async () => {
    await manager.shutdown(2_000);
    rmSync(runsRoot, { recursive: true, force: true });
  };
  return { manager, statuses, metrics, waitFor, cleanup };
}

/** Alive and not a zombie (an orphan may wait for a reaper that a container's init never is). */
function isRunning(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

const summaryOf = (dir: string) => JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as RunSummary;

test('launch: an argument array, never a shell; the package on PYTHONPATH; fd-3 channel in its own process group', () => {
  const run = { runDir: '/runs/a b; rm -rf ~', resume: true, maxSteps: 7, cwd: '/w', env: { PYTHONPATH: '/mine' }, python: '/opt/py/bin/python3' };
  const launch = pytorchEngine('/pkg').launch(run);
  assert.equal(launch.command, '/opt/py/bin/python3');
  assert.deepEqual(launch.args, ['-m', 'rigl_torch', '--run', '/runs/a b; rm -rf ~', '--resume', '--max-steps', '7']);
  assert.equal(launch.env.PYTHONPATH, ['/pkg', '/mine'].join(delimiter));
  assert.equal(launch.channel, 'jsonl-fd3');
  assert.equal(launch.processGroup, true);
  const tfjs = tfjsEngine('/dist/trainer.js').launch({ ...run, resume: false, maxSteps: undefined });
  assert.deepEqual([tfjs.command, ...tfjs.args], [process.execPath, '/dist/trainer.js', '--run', '/runs/a b; rm -rf ~']);
  assert.equal(tfjs.channel, 'node-ipc');
});

test('a pytorch run streams over fd 3 like a tfjs run: starting, running, every metric, completed', async () => {
  const { manager, statuses, metrics, waitFor, cleanup } = setup('complete', { steps: 25 });
  try {
    const { runId, dir } = await manager.start({ configText: config() });
    await waitFor(runId, 'completed');
    assert.deepEqual(statuses.filter((s) => s.runId === runId).map((s) => s.event.state), ['starting', 'running', 'completed']);
    assert.deepEqual(metrics.filter((e) => e.type === 'train').map((e) => e.step), Array.from({ length: 25 }, (_, i) => i + 1));
    assert.equal(summaryOf(dir).state, 'completed');
  } finally {
    await cleanup();
  }
});

test('stop reaches the engine on stdin: it checkpoints and reports stopped; resume continues from the checkpoint', async () => {
  const { manager, metrics, waitFor, cleanup } = setup('complete', { steps: 100_000 });
  try {
    const { runId, dir } = await manager.start({ configText: config() });
    await waitFor(runId, 'running');
    assert.deepEqual(manager.stop(runId), { accepted: true });
    const stopped = await waitFor(runId, 'stopped');
    assert.match(stopped.message ?? '', /stop requested/);
    const checkpoint = JSON.parse(readFileSync(join(dir, 'checkpoints', 'latest.json'), 'utf8')) as { step: number };
    assert.equal(checkpoint.step, summaryOf(dir).step);
    metrics.length = 0;
    await manager.resume(runId, {});
    await waitFor(runId, 'running');
    manager.stop(runId);
    await new Promise<void>((resolve) => { const poll = setInterval(() => { if (manager.liveState(runId) === undefined) { clearInterval(poll); resolve(); } }, 20); });
    assert.ok(metrics.filter((e) => e.type === 'train').every((e) => e.step > checkpoint.step), 'the resumed engine continued after the checkpoint');
  } finally {
    await cleanup();
  }
});

test('an engine that ignores stop and SIGTERM is killed with its ranks (the process group) and marked killed', async () => {
  const { manager, waitFor, cleanup } = setup('hang', { stopTimeoutMs: 300 });
  try {
    const { runId, dir } = await manager.start({ configText: config() });
    await waitFor(runId, 'running');
    const rankPid = Number(readFileSync(join(dir, 'rank.pid'), 'utf8'));
    manager.stop(runId);
    const killed = await waitFor(runId, 'killed');
    assert.match(killed.message ?? '', /did not stop within/);
    assert.equal(isRunning(rankPid), false, 'the rank the engine started is gone too');
  } finally {
    await cleanup();
  }
});

test('a Python exception fails the run with the traceback\'s last lines', async () => {
  const { manager, waitFor, cleanup } = setup('raise');
  try {
    const { runId, dir } = await manager.start({ configText: config() });
    const failed = await waitFor(runId, 'failed');
    assert.match(failed.message ?? '', /exited with code 1 without reporting a final state; last lines of its stderr:\n[\s\S]*Traceback[\s\S]*RuntimeError: CUDA error: an illegal memory access was encountered/);
    assert.equal(summaryOf(dir).state, 'failed');
  } finally {
    await cleanup();
  }
});

test('missing torch and a bad interpreter path fail the run with what to do', async () => {
  const noTorch = setup('no-torch');
  try {
    const { runId } = await noTorch.manager.start({ configText: config() });
    const failed = await noTorch.waitFor(runId, 'failed');
    assert.match(failed.message ?? '', /python3 has no torch; install it: python3 -m pip install torch/);
    assert.match(failed.message ?? '', /ModuleNotFoundError: No module named 'torch'/);
  } finally {
    await noTorch.cleanup();
  }
  const badPath = setup('complete');
  try {
    const { runId, dir } = await badPath.manager.start({ configText: config('/nonexistent/bin/python3') });
    const failed = await badPath.waitFor(runId, 'failed');
    assert.match(failed.message ?? '', /could not start the trainer: the Python interpreter \/nonexistent\/bin\/python3 was not found; set pytorch.python/);
    assert.equal(summaryOf(dir).state, 'failed');
  } finally {
    await badPath.cleanup();
  }
});
