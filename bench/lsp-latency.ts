// Diagnostics latency of the built server (didOpen / didChange → publishDiagnostics) for a 60-line
// config, idle and while a cnn-small run trains on the cpu backend. Prints median and p95 of each.
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { RunMetricsNotification, RunStatusNotification, StartRunRequest, StopRunRequest } from '../server/protocol.js';
import { DIAGNOSTICS_DELAY_MS } from '../server/lsp/config-features.js';
import { TestServer } from '../test/lsp/lsp-client.js';

const SAMPLES = Number(process.env.LSP_LATENCY_SAMPLES ?? 40);

/** A realistic 60-line config: comments, flow and block mappings, per-layer overrides. */
const CONFIG_60_LINES = [
  '# Benchmark config: CIFAR-sized synthetic data, a small CNN, RigL at 80% sparsity.',
  '# Sixty lines, as a researcher would write one: notes, overrides and explicit defaults.',
  'name: bench-cnn-small-rigl',
  'model: cnn-small',
  '',
  'dataset:',
  '  name: synthetic',
  '  synthetic_size: 2048',
  '  train_limit: 0',
  '',
  '# Sparsity: ERK distribution, first layer kept dense by override.',
  'sparsity:',
  '  method: rigl',
  '  sparsity: 0.8',
  '  distribution: erk',
  '  erk_power: 1',
  '  dense_last_layer: false',
  '  overrides:',
  '    conv1: 0',
  '    fc: 0.5',
  '  update:',
  '    delta_t: 100',
  '    alpha: 0.3',
  '    t_end: 0.75',
  '    schedule: cosine',
  '    grad_accumulation: 1',
  '',
  '# Training: SGD with Nesterov momentum and a cosine schedule.',
  'training:',
  '  epochs: 10',
  '  batch_size: 32',
  '  eval_batch_size: 256',
  '  multiplier: 1',
  '  log_every: 20',
  '  seed: 0',
  '  label_smoothing: 0.1',
  '  optimizer:',
  '    name: sgd',
  '    lr: 0.05',
  '    momentum: 0.9',
  '    nesterov: true',
  '    weight_decay: 0.0005',
  '  lr_schedule:',
  '    type: cosine',
  '    warmup_epochs: 1',
  '',
  '# Notes',
  '# - delta_t 100 with 64 steps per epoch: about 6 mask updates per run.',
  '# - alpha 0.3 decays with the cosine schedule until 75% of training.',
  '# - the overrides leave the budget: the rest is spread by ERK.',
  '# - log_every 20 keeps the dashboard smooth without flooding it.',
  '# - eval_batch_size only changes memory use, not results.',
  '# - label smoothing 0.1 as in the RigL paper for ImageNet.',
  '# - warmup of one epoch keeps the first steps stable.',
  '# - seed 0 for reproducibility.',
  '# - change backend to wasm for about 10x faster training.',
  '',
  'backend: cpu',
  '# end',
  '',
].join('\n');

const TRAINING_RUN = 'name: bench-load\nmodel: cnn-small\ndataset: {name: synthetic, synthetic_size: 4096}\ntraining: {epochs: 50, batch_size: 32, log_every: 1, optimizer: {lr: 0.01}}\nbackend: cpu\n';

interface Latencies { open: number[]; change: number[] }

async function measure(server: TestServer, label: string, samples = SAMPLES): Promise<Latencies> {
  const result: Latencies = { open: [], change: [] };
  for (let i = 0; i < samples; i++) {
    const uri = pathToFileURL(join(server.workspace, `${label}-${i}.rigl.yaml`)).href;
    let began = performance.now();
    const opened = server.diagnostics(uri, 1);
    await server.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'rigl-config', version: 1, text: CONFIG_60_LINES } });
    await opened;
    result.open.push(performance.now() - began);
    // An edit that introduces an error, so the change is really re-analysed.
    began = performance.now();
    const changed = server.diagnostics(uri, 2);
    await server.change(uri, 2, CONFIG_60_LINES.replace('method: rigl', 'method: rigll'));
    const published = await changed;
    result.change.push(performance.now() - began);
    if (published.diagnostics.length !== 1) throw new Error(`expected one diagnostic after the edit, got ${JSON.stringify(published.diagnostics)}`);
    await server.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
  }
  return result;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function line(label: string, values: number[]): string {
  return `${label.padEnd(34)} median ${percentile(values, 50).toFixed(1).padStart(7)} ms   p95 ${percentile(values, 95).toFixed(1).padStart(7)} ms   (n=${values.length})`;
}

async function main(): Promise<void> {
  const server = await TestServer.start();
  try {
    await server.waitForStatus((s) => s.quiescent);
    // Warm-up: the first analysis loads and compiles the schema code.
    await measure(server, 'warmup', 5);
    const idle = await measure(server, 'idle');

    const { runId } = await server.connection.sendRequest(StartRunRequest.type, { uri: 'untitled:bench-load', text: TRAINING_RUN });
    await server.waitFor(RunStatusNotification.type, (n) => n.runId === runId && n.event.state === 'running', 'the load run to train');
    await server.waitFor(RunMetricsNotification.type, (n) => n.runId === runId, 'the load run to report steps');
    const training = await measure(server, 'training');
    const stepsDuring = server.received(RunMetricsNotification.type).filter((n) => n.runId === runId).flatMap((n) => n.events).filter((e) => e.type === 'train').length;
    await server.connection.sendRequest(StopRunRequest.type, { runId });
    const final = await server.waitFor(RunStatusNotification.type, (n) => n.runId === runId && ['stopped', 'killed', 'failed'].includes(n.event.state), 'the load run to stop');

    console.log(`diagnostics latency, 60-line config, ${SAMPLES} samples each (didChange includes the ${DIAGNOSTICS_DELAY_MS} ms debounce)`);
    console.log(line('idle: didOpen → publish', idle.open));
    console.log(line('idle: didChange → publish', idle.change));
    console.log(line('training: didOpen → publish', training.open));
    console.log(line('training: didChange → publish', training.change));
    console.log(`load run: cnn-small, synthetic, batch 32, cpu backend; ${stepsDuring} steps reported while measuring; ended ${final.event.state} at step ${final.event.step}`);
  } finally {
    await server.stop();
    server.removeWorkspace();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exit(1);
});
