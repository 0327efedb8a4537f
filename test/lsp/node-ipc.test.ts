// The server also speaks over a Node IPC channel (`--node-ipc`, what VS Code's TransportKind.ipc
// uses): initialize, publish diagnostics for an opened config, shut down and exit cleanly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import {
  createProtocolConnection, DidOpenTextDocumentNotification, ExitNotification, InitializedNotification, InitializeRequest,
  IPCMessageReader, IPCMessageWriter, PublishDiagnosticsNotification, ShutdownRequest, type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';
import { serverScript, WAIT_LIMIT_MS } from './lsp-client.js';

test('over --node-ipc the server initializes, publishes diagnostics and exits with 0 after shutdown', async () => {
  const child = fork(serverScript, ['--node-ipc'], { execArgv: [], stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const connection = createProtocolConnection(new IPCMessageReader(child), new IPCMessageWriter(child));
  const diagnostics = new Promise<PublishDiagnosticsParams>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no diagnostics over node-ipc')), WAIT_LIMIT_MS);
    connection.onNotification(PublishDiagnosticsNotification.type, (params) => { clearTimeout(timer); resolve(params); });
  });
  connection.listen();
  try {
    const result = await connection.sendRequest(InitializeRequest.type, {
      processId: process.pid, rootUri: null, workspaceFolders: null, capabilities: {}, initializationOptions: { probeBackends: false },
    });
    assert.equal(result.serverInfo?.name, 'rigl-studio');
    assert.ok(result.capabilities.hoverProvider);
    await connection.sendNotification(InitializedNotification.type, {});
    await connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri: 'untitled:ipc.rigl.yaml', languageId: 'rigl-config', version: 1, text: 'model: lenet-300-100\ndataset:\n  name: mnist\nbackend: gpu\n' },
    });
    const published = await diagnostics;
    assert.deepEqual(published.diagnostics.map((d) => d.code), ['invalid-enum']);
    await connection.sendRequest(ShutdownRequest.type);
    await connection.sendNotification(ExitNotification.type);
    assert.equal(await exited, 0);
  } finally {
    connection.dispose();
    child.kill();
  }
});
