// A few hundred generated configs through one live language server: each is opened, diagnosed,
// asked for outline, completion, hover, lenses and quick fixes, and closed; every request must
// answer, no feature may log a failure, and the server must still check a good config at the end.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  CodeActionRequest, CodeLensRequest, CompletionRequest, DidCloseTextDocumentNotification, DidOpenTextDocumentNotification,
  DocumentSymbolRequest, HoverRequest, LogMessageNotification, type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';
import { repoRoot, TestServer } from '../lsp/lsp-client.js';
import { ConfigGenerator } from './config-generator.js';

const SEED = Number(process.env.RIGL_FUZZ_SEED ?? 11);
const CONFIGS = Number(process.env.RIGL_LSP_FUZZ_CONFIGS ?? 300);

let server: TestServer;
before(async () => { server = await TestServer.start(); });
after(async () => {
  assert.equal(await server.stop(), 0, 'the server exits with 0 after shutdown + exit');
  server.removeWorkspace();
});

test(`LSP fuzz: ${CONFIGS} generated configs (seed ${SEED}) through one live server, every request answered`, { timeout: 15 * 60_000 }, async () => {
  const generator = new ConfigGenerator(SEED + 1000, repoRoot);
  let requests = 0;
  for (let index = 0; index < CONFIGS; index++) {
    const { kind, text } = generator.next();
    const uri = pathToFileURL(join(server.workspace, `fuzz-${index}.rigl.yaml`)).href;
    const textDocument = { uri };
    await server.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'rigl-config', version: 1, text } });
    requests++;
    const diagnostics: PublishDiagnosticsParams = await server.diagnostics(uri, 1);
    const position = generator.position(text);
    const answers = await Promise.allSettled([
      server.connection.sendRequest(DocumentSymbolRequest.type, { textDocument }),
      server.connection.sendRequest(CompletionRequest.type, { textDocument, position }),
      server.connection.sendRequest(HoverRequest.type, { textDocument, position }),
      server.connection.sendRequest(CodeLensRequest.type, { textDocument }),
      server.connection.sendRequest(CodeActionRequest.type, { textDocument, range: { start: { line: 0, character: 0 }, end: position }, context: { diagnostics: diagnostics.diagnostics } }),
    ]);
    requests += answers.length;
    const refused = answers.find((answer) => answer.status === 'rejected');
    assert.equal(refused, undefined, `config #${index} (${kind}): ${refused?.status === 'rejected' ? String(refused.reason) : ''}`);
    await server.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument });
  }
  // A feature that threw is caught and logged as an error by the server: none may have.
  const failures = server.received(LogMessageNotification.type).filter((m) => m.type === 1);
  assert.deepEqual(failures.map((m) => m.message.split('\n')[0]).slice(0, 3), []);
  const example = readFileSync(join(repoRoot, 'examples', 'mnist-lenet300-rigl.rigl.yaml'), 'utf8');
  const { diagnostics } = await server.open('after-fuzz.rigl.yaml', example);
  assert.deepEqual(diagnostics.diagnostics, [], 'the server still checks a good config');
  process.stdout.write(`# LSP fuzz: ${CONFIGS} configs, ${requests + 1} requests and notifications answered\n`);
});
