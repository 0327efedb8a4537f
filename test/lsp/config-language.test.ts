// The config language through the built server: diagnostics on open and after edits (with code,
// range, source and data), quick fixes from that data, completion, hover, code lens, outline.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CodeActionRequest, CodeLensRequest, CompletionRequest, DocumentSymbolRequest, HoverRequest,
  type CompletionItem, type CompletionList, type Diagnostic, type DocumentSymbol, type MarkupContent,
} from 'vscode-languageserver-protocol/node';
import { repoRoot, TestServer } from './lsp-client.js';

const BROKEN = [
  'model: lenet-300-100', //   line 0
  'dataset:', //               line 1
  '  name: mnist', //          line 2
  'sparsity:', //              line 3
  '  method: rigll', //        line 4
  'training:', //              line 5
  '  epocs: 3', //             line 6
  '',
].join('\n');
const example = readFileSync(join(repoRoot, 'examples', 'mnist-lenet300-rigl.rigl.yaml'), 'utf8');

let server: TestServer;
before(async () => {
  // The probe runs here (in a child process of the server) so that backend checks are exercised.
  server = await TestServer.start({ initializationOptions: { probeBackends: true } });
});
after(async () => {
  assert.equal(await server.stop(), 0, 'the server exits with 0 after shutdown + exit');
  server.removeWorkspace();
});

const byCode = (diagnostics: Diagnostic[], code: string) => diagnostics.find((d) => d.code === code);

test('the server reports itself quiescent once the backends are probed, with the runs folder', async () => {
  const status = await server.waitForStatus((s) => s.quiescent);
  assert.equal(status.health, 'ok', status.message);
  assert.equal(status.runsDirectory, server.runsDirectory);
  assert.ok(status.backends?.some((b) => b.name === 'cpu' && b.available), 'the cpu backend is always there');
  assert.deepEqual(status.runs, { running: 0, queued: 0 });
});

test('didOpen of a broken config publishes its diagnostics with codes, exact ranges, source and data', async () => {
  const { diagnostics } = await server.open('broken.rigl.yaml', BROKEN);
  assert.deepEqual(diagnostics.diagnostics.map((d) => d.code), ['invalid-enum', 'unknown-key']);
  const invalidEnum = byCode(diagnostics.diagnostics, 'invalid-enum')!;
  assert.deepEqual(invalidEnum.range, { start: { line: 4, character: 10 }, end: { line: 4, character: 15 } });
  assert.equal(invalidEnum.severity, 1);
  const unknownKey = byCode(diagnostics.diagnostics, 'unknown-key')!;
  assert.deepEqual(unknownKey.range, { start: { line: 6, character: 2 }, end: { line: 6, character: 7 } });
  for (const diagnostic of diagnostics.diagnostics) {
    assert.equal(diagnostic.source, 'rigl');
    assert.equal(typeof diagnostic.data, 'object');
  }
});

test('quick fixes come from the diagnostics the client sends back', async () => {
  const { uri, diagnostics } = await server.open('fixes.rigl.yaml', BROKEN);
  const actions = await server.connection.sendRequest(CodeActionRequest.type, {
    textDocument: { uri }, range: { start: { line: 6, character: 2 }, end: { line: 6, character: 2 } },
    context: { diagnostics: diagnostics.diagnostics.filter((d) => d.code === 'unknown-key') },
  });
  assert.ok(actions && actions.length > 0);
  const fix = actions.find((a) => 'title' in a && a.title === 'Change to `epochs`');
  assert.ok(fix && 'edit' in fix, JSON.stringify(actions));
  assert.deepEqual(fix.edit?.changes?.[uri], [{ range: { start: { line: 6, character: 2 }, end: { line: 6, character: 7 } }, newText: 'epochs' }]);
});

test('edits are re-checked: the fixed text publishes no diagnostics for its version', async () => {
  const { uri } = await server.open('edited.rigl.yaml', BROKEN);
  // A burst of edits: each version's text is checked only if it is still the latest when the pause ends.
  await server.change(uri, 2, BROKEN.replace('rigll', 'rig'));
  await server.change(uri, 3, BROKEN.replace('rigll', 'rigl'));
  await server.change(uri, 4, BROKEN.replace('rigll', 'rigl').replace('epocs', 'epochs'));
  const published = await server.diagnostics(uri, 4);
  assert.deepEqual(published.diagnostics, []);
});

test('backend: webgpu is flagged exactly when the probe says webgpu does not load here', async () => {
  const status = await server.waitForStatus((s) => s.quiescent);
  const webgpu = status.backends?.find((b) => b.name === 'webgpu');
  assert.ok(webgpu, 'webgpu was probed');
  const { diagnostics } = await server.open('webgpu.rigl.yaml', 'model: lenet-300-100\ndataset:\n  name: mnist\nbackend: webgpu\n');
  const codes = diagnostics.diagnostics.map((d) => d.code);
  assert.deepEqual(codes.includes('backend-unavailable'), !webgpu.available, `${JSON.stringify(webgpu)} → ${codes.join(', ')}`);
});

test('completion offers the dataset names after `name:` and the missing top-level keys on an empty line', async () => {
  const text = 'model: lenet-300-100\ndataset:\n  name: \n';
  const { uri } = await server.open('complete.rigl.yaml', text);
  const values = labels(await server.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: { line: 2, character: 8 } }));
  for (const name of ['mnist', 'fashion-mnist', 'cifar10', 'imagenet', 'synthetic']) assert.ok(values.includes(name), `${name} in ${values.join(', ')}`);
  const keys = labels(await server.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: { line: 3, character: 0 } }));
  assert.deepEqual(keys, ['name', 'sparsity', 'training', 'reference', 'backend', 'engine', 'pytorch', 'sweep']);
});

test('hover on a key shows its documentation; on `sparsity:` the per-layer plan', async () => {
  const { uri } = await server.open('hover.rigl.yaml', example);
  const lines = example.split('\n');
  const deltaLine = lines.findIndex((l) => l.includes('delta_t'));
  const onDelta = await server.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: deltaLine, character: lines[deltaLine].indexOf('delta_t') + 2 } });
  assert.ok(onDelta);
  assert.match((onDelta.contents as MarkupContent).value, /delta_t/);
  const sparsityLine = lines.findIndex((l) => l.startsWith('sparsity:'));
  const onSparsity = await server.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: sparsityLine, character: 2 } });
  assert.match((onSparsity!.contents as MarkupContent).value, /\| `fc1` \| 784×300 \|/);
});

test('a valid config gets its plan as a code lens on line 1 and an outline of its keys', async () => {
  const { uri, diagnostics } = await server.open('valid.rigl.yaml', example);
  assert.deepEqual(diagnostics.diagnostics, []);
  const lenses = await server.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } });
  assert.equal(lenses?.length, 1);
  assert.equal(lenses![0].range.start.line, 0);
  assert.match(lenses![0].command?.title ?? '', /sparse/);
  const symbols = (await server.connection.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri } })) as DocumentSymbol[];
  assert.deepEqual(symbols.map((s) => s.name), ['name', 'model', 'dataset', 'sparsity', 'training', 'backend']);
  assert.ok(symbols.find((s) => s.name === 'sparsity')!.children!.some((c) => c.name === 'update'));
});

function labels(result: CompletionItem[] | CompletionList | null): string[] {
  const items = Array.isArray(result) ? result : result?.items ?? [];
  return items.map((item) => item.label);
}
