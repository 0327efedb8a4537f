// A sweep started from the editor (rigl/startSweep) through the built server: its runs go through
// the run manager's queue as `sweep/run`, the list groups them, rigl/sweepResults gives the table,
// and starting it again skips the completed runs. Bad grid values answer with file:line:col.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ListRunsRequest, RunStatusNotification, StartSweepRequest, SweepResultsRequest, FINAL_STATES } from '../../server/protocol.js';
import { TestServer } from './lsp-client.js';

const SWEEP = `name: lsp-sweep
model: lenet-300-100
dataset: {name: synthetic, synthetic_size: 64}
training: {epochs: 1, batch_size: 16, log_every: 2}
sparsity: {update: {delta_t: 2}}
backend: cpu
sweep:
  grid:
    sparsity.method: [rigl, static]
`;

let server: TestServer;
before(async () => {
  server = await TestServer.start({ initializationOptions: { maxConcurrentRuns: 1 } });
  await server.waitForStatus((s) => s.quiescent);
});
after(async () => {
  if (server) await server.stop();
  server?.removeWorkspace();
});

const finals = (runId: string) => server.received(RunStatusNotification.type).filter((n) => n.runId === runId && FINAL_STATES.includes(n.event.state));

test('Start Sweep queues every run through the manager, the list groups them, results read them; again skips them', async () => {
  const uri = `file://${join(server.workspace, 'sweep.rigl.yaml')}`;
  const started = await server.connection.sendRequest(StartSweepRequest.type, { uri, text: SWEEP });
  assert.equal(started.sweepId, 'lsp-sweep-sweep');
  assert.deepEqual(started.started, ['lsp-sweep-sweep/p0-rigl-s0', 'lsp-sweep-sweep/p1-static-s0']);
  assert.equal(started.runs, 2);
  await server.until(() => started.started.every((id) => finals(id).length > 0), 'both sweep runs end');
  assert.deepEqual(started.started.map((id) => finals(id)[0].event.state), ['completed', 'completed']);
  // One at a time (maxConcurrentRuns 1): the second run waited in the queue.
  const states = server.received(RunStatusNotification.type).filter((n) => n.runId === started.started[1]).map((n) => n.event.state);
  assert.equal(states[0], 'queued');

  const { runs } = await server.connection.sendRequest(ListRunsRequest.type, {});
  assert.deepEqual(runs.filter((r) => r.sweep === 'lsp-sweep-sweep').map((r) => r.runId).sort(), started.started);
  const results = await server.connection.sendRequest(SweepResultsRequest.type, { sweepId: 'lsp-sweep-sweep' });
  assert.deepEqual(results.rows.map((r) => `${r.label} ${r.completed}/${r.runs}`), ['sparsity.method=rigl 1/1', 'sparsity.method=static 1/1']);
  assert.ok(results.rows.every((r) => r.finalTop1 && r.finalTop1.n === 1));

  const again = await server.connection.sendRequest(StartSweepRequest.type, { uri, text: SWEEP });
  assert.deepEqual(again.started, []);
  assert.equal(again.skipped, 2);
  await assert.rejects(server.connection.sendRequest(SweepResultsRequest.type, { sweepId: '../x' }), /invalid sweep id/);
});

test('a bad grid value answers with its place in the file', async () => {
  const uri = `file://${join(server.workspace, 'bad.rigl.yaml')}`;
  await assert.rejects(
    server.connection.sendRequest(StartSweepRequest.type, { uri, text: SWEEP.replace('[rigl, static]', '[rigl, statik]') }),
    /bad\.rigl\.yaml:9:29: error grid-value-invalid sweep\.grid sparsity\.method\[1\]: `statik` is not a valid sparsity\.method/,
  );
});
