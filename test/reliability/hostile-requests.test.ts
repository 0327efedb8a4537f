// Hostile rigl/ requests against one live server: foreign files named as configs, odd payloads
// (null, numbers, lists) and hostile run ids. Each gets a clear error naming the problem; no
// foreign file's contents and no raw Node error come back, and the server keeps serving.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ErrorCodes, ResponseError } from 'vscode-languageserver-protocol/node';
import { ListRunsRequest, ResumeRunRequest, RunHistoryRequest, StartRunRequest, StopRunRequest } from '../../server/protocol.js';
import { TestServer } from '../lsp/lsp-client.js';

const SECRET = 'hunter2-root:$6$saltsalt$notarealhash:19000:0:99999:7:::';

let server: TestServer;
before(async () => { server = await TestServer.start(); });
after(async () => {
  assert.equal(await server.stop(), 0);
  server.removeWorkspace();
});

/** The request fails with a ResponseError whose message matches, and that quotes nothing it must not. */
async function refused(request: Promise<unknown>, pattern: RegExp, code?: number): Promise<string> {
  try {
    await request;
  } catch (error) {
    assert.ok(error instanceof ResponseError, `not a ResponseError: ${String(error)}`);
    assert.match(error.message, pattern);
    assert.doesNotMatch(error.message, /hunter2|\$6\$|Cannot read propert|TypeError|ENOENT|EISDIR|\bat \w+ \(/, error.message);
    if (code !== undefined) assert.equal(error.code, code);
    return error.message;
  }
  assert.fail(`the request succeeded; expected ${pattern}`);
}

test('rigl/startRun on a foreign file (/etc/shadow, a secret in the workspace) names the problem, never a line of it', async () => {
  const secret = join(server.workspace, 'secret.txt');
  writeFileSync(secret, `${SECRET}\nmodel: lenet\n`);
  for (const file of ['/etc/shadow', secret, '/dev/zero', '/proc/self/environ']) {
    await refused(server.connection.sendRequest(StartRunRequest.type, { uri: pathToFileURL(file).href }), /not a RigL config; runs start from \*\.rigl\.yaml files/);
  }
  await refused(server.connection.sendRequest(StartRunRequest.type, { uri: pathToFileURL(join(server.workspace, 'none.rigl.yaml')).href }), /none\.rigl\.yaml: does not exist/);
  await refused(server.connection.sendRequest(StartRunRequest.type, { uri: 'untitled:Untitled-1' }), /not open and not a file on disk/);
});

test('odd payloads (null, numbers, lists, missing keys) are InvalidParams naming the parameter', async () => {
  const sendRaw = (method: string, params: unknown) => server.connection.sendRequest(method, params as object);
  for (const method of [StopRunRequest.method, ResumeRunRequest.method, RunHistoryRequest.method]) {
    for (const params of [{ runId: null }, { runId: 5 }, { runId: ['a'] }, {}, { runId: '' }]) {
      await refused(sendRaw(method, params), /`runId` must be a non-empty string/, ErrorCodes.InvalidParams);
    }
    await refused(sendRaw(method, [null]), /expected an object of parameters|`runId` must be/, ErrorCodes.InvalidParams);
  }
  await refused(sendRaw(StartRunRequest.method, { uri: null }), /`uri` must be a non-empty string; got null/, ErrorCodes.InvalidParams);
  await refused(sendRaw(StartRunRequest.method, { uri: 'file:///a.rigl.yaml', text: 5 }), /`text` must be a string/, ErrorCodes.InvalidParams);
  await refused(sendRaw(StartRunRequest.method, { uri: 'file:///a.rigl.yaml', text: 'model: x', overrides: [1] }), /`overrides` must be a list of strings/, ErrorCodes.InvalidParams);
});

test('hostile run ids are refused by name, and the server still lists runs', async () => {
  rmSync(server.runsDirectory, { recursive: true, force: true });
  for (const runId of ['..', '.', '../..', '/etc', 'a/../../b', '%2e%2e', 'x\u0000y', '~', 'C:\\x', 'a'.repeat(5000)]) {
    for (const method of [ResumeRunRequest.method, RunHistoryRequest.method]) {
      await refused(server.connection.sendRequest(method, { runId }), /invalid run id|no run /);
    }
    const stopped = await server.connection.sendRequest(StopRunRequest.type, { runId });
    assert.deepEqual(stopped, { accepted: false });
  }
  assert.deepEqual(await server.connection.sendRequest(ListRunsRequest.type, {}), { runs: [] });
});

test('symbolic links inside the runs folder are refused for every rigl/ run request; what they point to is untouched', async () => {
  const outside = mkdtempSync(join(tmpdir(), 'rigl-outside-'));
  try {
    // A folder outside that looks like a stopped run, with a checkpoint a resume would prune.
    mkdirSync(join(outside, 'checkpoints'), { recursive: true });
    writeFileSync(join(outside, 'config.yaml'), 'model: lenet-300-100\ndataset: { name: synthetic }\n');
    writeFileSync(join(outside, 'summary.json'), JSON.stringify({ runId: 'evil', state: 'stopped', step: 1, totalSteps: 2 }));
    writeFileSync(join(outside, 'events.jsonl'), `${JSON.stringify({ type: 'status', step: 0, epoch: 0, time: 0, state: 'stopped', message: SECRET })}\n`);
    writeFileSync(join(outside, 'checkpoints', 'step-00000001.ckpt'), 'x');
    const before = readdirSync(join(outside, 'checkpoints'));
    const runs = server.runsDirectory;
    mkdirSync(runs, { recursive: true });
    symlinkSync(outside, join(runs, 'evil'));
    // A real run folder whose files are links out.
    mkdirSync(join(runs, 'real'));
    writeFileSync(join(runs, 'real', 'config.yaml'), readFileSync(join(outside, 'config.yaml')));
    symlinkSync(join(outside, 'checkpoints'), join(runs, 'real', 'checkpoints'));
    symlinkSync(join(outside, 'events.jsonl'), join(runs, 'real', 'events.jsonl'));
    for (const method of [ResumeRunRequest.method, RunHistoryRequest.method]) {
      await refused(server.connection.sendRequest(method, { runId: 'evil' }), /run evil is a link to a folder outside the runs folder; refused/);
      await refused(server.connection.sendRequest(method, { runId: 'real' }), /run real: (checkpoints|events\.jsonl) is a symbolic link/);
    }
    assert.deepEqual(readdirSync(join(outside, 'checkpoints')), before, 'nothing outside was pruned or written');
    const { runs: listed } = await server.connection.sendRequest(ListRunsRequest.type, {});
    assert.ok(!listed.some((r) => r.runId === 'evil'), 'a linked folder is not listed as a run');
  } finally {
    rmSync(outside, { recursive: true, force: true });
    rmSync(join(server.runsDirectory, 'evil'), { force: true });
    rmSync(join(server.runsDirectory, 'real'), { recursive: true, force: true });
  }
});
