// Trainers that go wrong, through the built server with a fake trainer (RIGL_TRAINER_PATH): a crash
// marks the run failed with its stderr tail, a trainer that ignores stop is killed; editing goes on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ListRunsRequest, RunHistoryRequest, RunStatusNotification, StartRunRequest, StopRunRequest } from '../../server/protocol.js';
import { repoRoot, TestServer } from './lsp-client.js';

const fakeTrainer = join(repoRoot, 'test', 'fixtures', 'fake-trainer.js');
const CONFIG = 'name: doomed\nmodel: lenet-300-100\ndataset: {name: synthetic, synthetic_size: 64}\nbackend: cpu\n';

async function withServer(mode: string, options: { stopTimeoutSeconds?: number }, body: (server: TestServer) => Promise<void>): Promise<void> {
  const server = await TestServer.start({ env: { RIGL_TRAINER_PATH: fakeTrainer, FAKE_TRAINER_MODE: mode, FAKE_TRAINER_STEPS: '1000000' }, initializationOptions: options });
  try {
    await body(server);
  } finally {
    await server.stop();
    server.removeWorkspace();
  }
}

const startRun = (server: TestServer) => server.connection.sendRequest(StartRunRequest.type, { uri: 'untitled:Untitled-1', text: CONFIG });

test('a trainer that crashes marks its run failed with the last lines of its stderr; the server keeps serving', async () => {
  await withServer('crash', {}, async (server) => {
    const { runId } = await startRun(server);
    const { event } = await server.waitFor(RunStatusNotification.type, (n) => n.runId === runId && n.event.state === 'failed');
    assert.match(event.message ?? '', /exited with code 1 without reporting a final state/);
    assert.match(event.message ?? '', /JavaScript heap out of memory/);
    assert.match(event.message ?? '', /fake stderr line 30/);
    assert.doesNotMatch(event.message ?? '', /fake stderr line 11\n/, 'only the tail');
    await server.waitForStatus((s) => s.runs.running === 0 && s.runs.queued === 0);

    const { runs } = await server.connection.sendRequest(ListRunsRequest.type, {});
    assert.equal(runs.find((r) => r.runId === runId)?.state, 'failed');
    const history = await server.connection.sendRequest(RunHistoryRequest.type, { runId });
    assert.equal(history.summary?.state, 'failed');
    const last = history.events.at(-1);
    assert.equal(last?.type === 'status' && last.state, 'failed');

    const { diagnostics } = await server.open('after-crash.rigl.yaml', 'model: lenet-300-100\ndataset:\n  name: mnst\n');
    assert.deepEqual(diagnostics.diagnostics.map((d) => d.code), ['invalid-enum']);
  });
});

test('a trainer that ignores the stop request is killed after the timeout and the run is marked killed', async () => {
  await withServer('hang', { stopTimeoutSeconds: 0.5 }, async (server) => {
    const { runId } = await startRun(server);
    await server.waitFor(RunStatusNotification.type, (n) => n.runId === runId && n.event.state === 'running');
    assert.deepEqual(await server.connection.sendRequest(StopRunRequest.type, { runId }), { accepted: true });
    const { event } = await server.waitFor(RunStatusNotification.type, (n) => n.runId === runId && n.event.state === 'killed');
    assert.match(event.message ?? '', /did not stop within/);
    const history = await server.connection.sendRequest(RunHistoryRequest.type, { runId });
    assert.equal(history.summary?.state, 'killed');
    assert.equal(history.summary?.pid, undefined);
  });
});
