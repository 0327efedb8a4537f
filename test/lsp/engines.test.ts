// Both engines through the built language server: the same config trained by tfjs and by the
// pytorch engine (Debian's torch, found by the default interpreter search) starts from the same
// plan and nonzero counts, streams and stops the same way, and leaves run directories that
// validate against the generated schemas; a bad interpreter fails the run with what to do.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  FINAL_STATES, RunMaskNotification, RunMetricsNotification, RunStatusNotification, StartRunRequest, StopRunRequest,
  type MaskEvent, type RunPlan, type RunState, type RunSummary, type StatusEvent,
} from '../../server/protocol.js';
import { RunSchemas } from '../../server/rundir/schemas.js';
import { TestServer } from './lsp-client.js';

const ENGINES = ['tfjs', 'pytorch'] as const;
type Engine = (typeof ENGINES)[number];

const config = (name: string, engine: Engine, epochs: number, extra = '') => [
  `name: ${name}-${engine}`,
  'model: lenet-300-100',
  'dataset: {name: synthetic, synthetic_size: 256}',
  `training: {epochs: ${epochs}, batch_size: 8, log_every: 4, optimizer: {lr: 0.01}}`,
  'sparsity: {method: rigl, update: {delta_t: 5}}',
  `engine: ${engine}`,
  engine === 'tfjs' ? 'backend: cpu' : `pytorch: {device: cpu${extra}}`,
  '',
].join('\n');

let server: TestServer;
const schemas = new RunSchemas();
before(async () => {
  server = await TestServer.start({ initializationOptions: { maxConcurrentRuns: 2 } });
  await server.waitForStatus((s) => s.quiescent);
});
after(async () => {
  if (server) await server.stop();
  server?.removeWorkspace();
});

const statuses = (runId: string) => server.received(RunStatusNotification.type).filter((n) => n.runId === runId).map((n) => n.event);
const metrics = (runId: string) => server.received(RunMetricsNotification.type).filter((n) => n.runId === runId).flatMap((n) => n.events);
const masks = (runId: string) => server.received(RunMaskNotification.type).filter((n) => n.runId === runId).flatMap((n) => n.events);
const start = (text: string, name: string) => server.connection.sendRequest(StartRunRequest.type, { uri: `file://${join(server.workspace, name)}`, text });
const readJson = <T>(dir: string, file: string) => JSON.parse(readFileSync(join(dir, file), 'utf8')) as T;

async function finalStatusOf(runId: string): Promise<StatusEvent> {
  const finals = () => statuses(runId).filter((e) => FINAL_STATES.includes(e.state));
  await server.until(() => finals().length > 0, `run ${runId} to end; saw ${statuses(runId).map((e) => e.state).join(', ')}`);
  return finals()[0];
}

test('the same config on both engines: the same plan and nonzero counts per layer, schema-valid run directories', async () => {
  const started = await Promise.all(ENGINES.map((engine) => start(config('same', engine, 1), `same-${engine}.rigl.yaml`)));
  const finals = await Promise.all(started.map((run) => finalStatusOf(run.runId)));
  finals.forEach((final, i) => assert.equal(final.state, 'completed', `${ENGINES[i]}: ${final.message}`));
  const plans = started.map((run) => readJson<RunPlan>(run.dir, 'plan.json'));
  const comparable = (plan: RunPlan) => ({ ...plan, runId: '', config: { ...plan.config, name: '', engine: '', pytorch: {}, backend: '' } });
  assert.deepEqual(comparable(plans[1]), comparable(plans[0]), 'one plan for both engines');
  started.forEach((run, i) => {
    const initial = masks(run.runId).find((e) => e.step === 0) as MaskEvent | undefined;
    assert.ok(initial, `${ENGINES[i]} reports its initial masks`);
    assert.deepEqual(initial.layers.map((l) => [l.name, l.active]), plans[i].layers.map((l) => [l.name, l.nnz]), `${ENGINES[i]}: the planned nonzeros per layer`);
    const updates = masks(run.runId).filter((e) => e.step > 0).map((e) => e.step);
    assert.deepEqual(updates, plans[i].schedule.maskUpdates.map((u) => u.step), `${ENGINES[i]}: a mask event at every planned update`);
    const running = statuses(run.runId).find((e) => e.state === 'running');
    assert.deepEqual(running?.info?.schedule?.updateSteps, updates, `${ENGINES[i]}: RunInfo carries the schedule`);
    assert.deepEqual(schemas.checkRunDirectory(run.dir), [], `${ENGINES[i]}: run directory against the schemas`);
    assert.ok(existsSync(join(run.dir, 'checkpoints', 'latest.json')));
  });
});

test('a pytorch run is started, streamed and stopped through the language server exactly like a tfjs run', async () => {
  const seen: Record<Engine, RunState[]> = { tfjs: [], pytorch: [] };
  for (const engine of ENGINES) {
    const run = await start(config('long', engine, 200), `long-${engine}.rigl.yaml`);
    await server.until(() => metrics(run.runId).some((e) => e.type === 'train' && e.step >= 8), `${engine}: train metrics`);
    assert.deepEqual(await server.connection.sendRequest(StopRunRequest.type, { runId: run.runId }), { accepted: true });
    const final = await finalStatusOf(run.runId);
    assert.equal(final.state, 'stopped', `${engine}: ${final.message}`);
    const summary = readJson<RunSummary>(run.dir, 'summary.json');
    assert.equal(summary.state, 'stopped');
    assert.equal(readJson<{ step: number }>(join(run.dir, 'checkpoints'), 'latest.json').step, summary.step, `${engine}: a checkpoint at the step it stopped`);
    assert.deepEqual(schemas.checkRunDirectory(run.dir), [], `${engine}: run directory against the schemas`);
    seen[engine] = statuses(run.runId).map((e) => e.state);
  }
  assert.deepEqual(seen.pytorch, seen.tfjs);
  assert.deepEqual(seen.tfjs, ['starting', 'running', 'stopping', 'stopped']);
});

test('a bad interpreter path fails the pytorch run with what to do; the server keeps serving', async () => {
  const run = await start(config('nopython', 'pytorch', 1, ', python: /nonexistent/bin/python3'), 'nopython.rigl.yaml');
  const final = await finalStatusOf(run.runId);
  assert.equal(final.state, 'failed');
  assert.match(final.message ?? '', /the Python interpreter \/nonexistent\/bin\/python3 was not found; set pytorch.python/);
  assert.equal(readJson<RunSummary>(run.dir, 'summary.json').state, 'failed');
});
