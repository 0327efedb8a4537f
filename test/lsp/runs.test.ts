// Real training runs through the built server and dist/trainer.js (synthetic data, cpu backend):
// status, metrics, mask and $/progress notifications; queue, stop with checkpoint, resume, list,
// history; and trainers that checkpoint and stop by themselves when the server dies.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WorkDoneProgressReport } from 'vscode-languageserver-protocol/node';
import {
  ListRunsRequest, ResumeRunRequest, RunHistoryRequest, RunMaskNotification, RunMetricsNotification, RunStatusNotification,
  StartRunRequest, StopRunRequest, FINAL_STATES, type RunState, type RunSummary, type StatusEvent,
} from '../../server/protocol.js';
import { processEnds, TestServer } from './lsp-client.js';

const config = (name: string, epochs: number) => [
  `name: ${name}`,
  'model: lenet-300-100',
  'dataset: {name: synthetic, synthetic_size: 256}',
  // A small learning rate: the long run must not diverge (and fail) before the test stops it.
  `training: {epochs: ${epochs}, batch_size: 8, log_every: 4, optimizer: {lr: 0.01}}`,
  'sparsity: {update: {delta_t: 5}}',
  'backend: cpu',
  '',
].join('\n');
const TINY = config('tiny', 1); // 32 steps
const LONG = config('long', 200); // stopped long before its 6,400 steps

let server: TestServer;
before(async () => {
  server = await TestServer.start({ initializationOptions: { maxConcurrentRuns: 1 } });
  await server.waitForStatus((s) => s.quiescent);
});
after(async () => {
  if (server) await server.stop();
  server?.removeWorkspace();
});

function statusOf(runId: string, state: RunState, nth = 1): Promise<StatusEvent> {
  return server.until(() => statuses(runId).filter((e) => e.state === state).length >= nth, `run ${runId} ${state} (${nth}×); saw ${statuses(runId).map((e) => e.state).join(', ')}`)
    .then(() => statuses(runId).filter((e) => e.state === state)[nth - 1]);
}
/** The n-th final status of a run, whichever it is, so that a wrong outcome fails at once with its message. */
async function finalStatusOf(runId: string, nth = 1): Promise<StatusEvent> {
  const finals = () => statuses(runId).filter((e) => FINAL_STATES.includes(e.state));
  await server.until(() => finals().length >= nth, `run ${runId} to end (${nth}×); saw ${statuses(runId).map((e) => e.state).join(', ')}`);
  return finals()[nth - 1];
}

function assertStopped(event: StatusEvent): void {
  assert.equal(event.state, 'stopped', `expected the run to stop by itself, but it ended ${event.state}: ${event.message}`);
}

const statuses = (runId: string) => server.received(RunStatusNotification.type).filter((n) => n.runId === runId).map((n) => n.event);
const metrics = (runId: string) => server.received(RunMetricsNotification.type).filter((n) => n.runId === runId).flatMap((n) => n.events);
const summaryOf = (dir: string) => JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as RunSummary;
const start = (text: string, name: string) => server.connection.sendRequest(StartRunRequest.type, { uri: `file://${join(server.workspace, name)}`, text });

const runs: Record<string, { runId: string; dir: string }> = {};

test('a tiny run reports starting, running, metrics, mask statistics, progress and completed', async () => {
  const started = await start(TINY, 'tiny.rigl.yaml');
  assert.equal(started.queued, false);
  assert.ok(started.dir.startsWith(server.runsDirectory));
  runs.tiny = started;
  const completed = await statusOf(started.runId, 'completed');
  assert.deepEqual(statuses(started.runId).map((e) => e.state), ['starting', 'running', 'completed']);
  const running = statuses(started.runId)[1];
  assert.equal(running.info?.totalSteps, 32);
  assert.equal(running.info?.backend, 'cpu');
  assert.equal(completed.step, 32);

  const trainSteps = metrics(started.runId).filter((e) => e.type === 'train').map((e) => e.step);
  assert.deepEqual(trainSteps, [4, 8, 12, 16, 20, 24, 28, 32]);
  assert.ok(metrics(started.runId).some((e) => e.type === 'eval' && e.top1 >= 0 && e.top1 <= 1));
  const maskSteps = server.received(RunMaskNotification.type).filter((n) => n.runId === started.runId).flatMap((n) => n.events).map((e) => e.step);
  assert.ok(maskSteps.includes(5) && maskSteps.includes(10), `mask updates every 5 steps: ${maskSteps.join(', ')}`);

  // $/progress: begin, reports whose percentage grows to 100, end.
  const progress = [...server.progress.values()].find((values) => values[0]?.kind === 'begin' && (values[0] as { title: string }).title.includes(started.runId));
  assert.ok(progress, 'a progress token for the run');
  await server.until(() => progress.at(-1)?.kind === 'end', 'the progress to end');
  const percentages = progress.filter((v): v is WorkDoneProgressReport => v.kind === 'report').map((v) => v.percentage ?? 0);
  assert.deepEqual(percentages, [...percentages].sort((a, b) => a - b));
  assert.equal(percentages.at(-1), 100);

  assert.equal(summaryOf(started.dir).state, 'completed');
  assert.ok(existsSync(join(started.dir, 'checkpoints', 'latest.json')));
});

test('with maxConcurrentRuns 1 a second run is queued; stopping the first checkpoints it and starts the queued one', async () => {
  const long = await start(LONG, 'long.rigl.yaml');
  const queued = await start(TINY, 'tiny.rigl.yaml');
  runs.long = long;
  runs.queued = queued;
  assert.equal(long.queued, false);
  assert.equal(queued.queued, true);
  await statusOf(queued.runId, 'queued');
  await server.waitForStatus((s) => s.runs.running === 1 && s.runs.queued === 1);
  assert.equal(summaryOf(queued.dir).state, 'queued');

  await statusOf(long.runId, 'running');
  await server.until(() => metrics(long.runId).length > 0, 'a first metrics batch of the long run');
  assert.deepEqual(await server.connection.sendRequest(StopRunRequest.type, { runId: long.runId }), { accepted: true });
  await statusOf(long.runId, 'stopping');
  const stopped = await finalStatusOf(long.runId);
  assertStopped(stopped);
  assert.ok(stopped.step > 0 && stopped.step < 6_400);
  assert.ok(existsSync(join(long.dir, 'checkpoints', 'latest.json')), 'the stopped run left a checkpoint');
  assert.equal(summaryOf(long.dir).state, 'stopped');

  const queuedStart = await statusOf(queued.runId, 'starting');
  assert.ok(queuedStart.time >= stopped.time, 'the queued run started after the first one stopped');
  await statusOf(queued.runId, 'completed');
});

test('listRuns shows every run on disk with its state, newest first', async () => {
  const { runs: listed } = await server.connection.sendRequest(ListRunsRequest.type, {});
  const stateOf = (runId: string) => listed.find((r) => r.runId === runId)?.state;
  assert.equal(listed.length, 3);
  assert.equal(stateOf(runs.tiny.runId), 'completed');
  assert.equal(stateOf(runs.long.runId), 'stopped');
  assert.equal(stateOf(runs.queued.runId), 'completed');
  assert.deepEqual(listed.map((r) => r.updatedAt), [...listed.map((r) => r.updatedAt)].sort((a, b) => b - a));
});

test('runHistory returns the recorded events and the summary', async () => {
  const history = await server.connection.sendRequest(RunHistoryRequest.type, { runId: runs.tiny.runId });
  assert.equal(history.summary?.state, 'completed');
  const types = new Set(history.events.map((e) => e.type));
  assert.deepEqual([...types].sort(), ['eval', 'mask', 'status', 'train']);
  assert.equal(history.events.filter((e) => e.type === 'train').length, metrics(runs.tiny.runId).filter((e) => e.type === 'train').length);
});

test('resume continues the stopped run from its checkpoint', async () => {
  const checkpointStep = summaryOf(runs.long.dir).step;
  const resumed = await server.connection.sendRequest(ResumeRunRequest.type, { runId: runs.long.runId });
  assert.deepEqual(resumed, { runId: runs.long.runId, queued: false });
  const running = await statusOf(runs.long.runId, 'running', 2);
  assert.equal(running.step, checkpointStep);
  await server.connection.sendRequest(StopRunRequest.type, { runId: runs.long.runId });
  const stopped = await finalStatusOf(runs.long.runId, 2);
  assertStopped(stopped);
  assert.ok(stopped.step > checkpointStep);
});

test('a config with errors is refused with file:line:col messages and no run is created', async () => {
  await assert.rejects(start(TINY.replace('lenet-300-100', 'lenet-5'), 'bad.rigl.yaml'), (error: Error) => {
    assert.match(error.message, /^bad\.rigl\.yaml:2:8: error invalid-enum/);
    return true;
  });
  const { runs: listed } = await server.connection.sendRequest(ListRunsRequest.type, {});
  assert.equal(listed.length, 3);
});

test('when the server dies, its trainer sees the channel close, checkpoints and stops by itself', async () => {
  const orphan = await start(LONG, 'long.rigl.yaml');
  await statusOf(orphan.runId, 'running');
  await server.until(() => metrics(orphan.runId).length > 0, 'a first metrics batch');
  const pid = summaryOf(orphan.dir).pid;
  assert.ok(pid, 'the trainer recorded its pid');
  await server.kill();
  await processEnds(pid);
  const summary = summaryOf(orphan.dir);
  assert.equal(summary.state, 'stopped', `the orphaned trainer left its run ${summary.state}; see ${join(orphan.dir, 'stderr.log')}`);
  assert.match(summary.message ?? '', /disconnected/);
  assert.ok(existsSync(join(orphan.dir, 'checkpoints', 'latest.json')));
});
