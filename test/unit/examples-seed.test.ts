// The twelve configs of examples/seed/ (the PyTorch port's published ResNet-50 table): each
// resolves and validates with the port's recipe, inspect reports the effective global sparsity
// of its uniform convention and the official ERK densities, and its totals of steps and FLOPs;
// one of them trains two steps on the tfjs engine (scripts/seed-configs-smoke.sh runs all twelve).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConfigText } from '../../server/config/load.js';
import { configDiagnostics } from '../../server/config/diagnostics.js';
import { getModelSpec } from '../../server/nn/specs.js';

const root = join(__dirname, '..', '..', '..');
const seedDir = join(root, 'examples', 'seed');
const seedFiles = readdirSync(seedDir).filter((f) => f.endsWith('.rigl.yaml')).sort();

function cli(...args: string[]) {
  return spawnSync(process.execPath, [join(root, 'bin', 'rigl-studio.js'), ...args], { cwd: root, encoding: 'utf8' });
}

/** The published top-1 of the port's table, by distribution, sparsity and epochs. */
const PUBLISHED: Record<string, number> = {
  'uniform-80-100': 0.746, 'uniform-90-100': 0.725, 'erk-80-100': 0.754, 'erk-90-100': 0.739,
  'uniform-80-500': 0.769, 'uniform-90-500': 0.756, 'erk-80-500': 0.774, 'erk-90-500': 0.763,
  'uniform-80-1200': 0.771, 'uniform-90-1200': 0.760, 'erk-80-1200': 0.774, 'erk-90-1200': 0.768,
};

test('the twelve seed configs resolve, validate and carry the port\'s recipe exactly', () => {
  assert.equal(seedFiles.length, 12);
  const seen = new Set<string>();
  for (const file of seedFiles) {
    const text = readFileSync(join(seedDir, file), 'utf8');
    const config = resolveConfigText(text, file);
    const withData = { fileExists: (path: string) => path === '/data/imagenet' };
    assert.deepEqual(configDiagnostics(text, withData), [], file);
    const { sparsity, training } = config;
    const key = `${sparsity.distribution}-${Math.round(sparsity.sparsity * 100)}-${training.epochs}`;
    seen.add(key);
    assert.equal(config.model, 'resnet50');
    assert.equal(sparsity.method, 'rigl');
    assert.deepEqual({ ...sparsity.update }, { delta_t: 100, alpha: 0.3, t_end: 0.8, t_start: 0, schedule: 'cosine', grad_accumulation: 1, ema_decay: 0.9, at_step_zero: false }, file);
    assert.equal(sparsity.dense_first_layer, sparsity.distribution === 'uniform', `${file}: the port's uniform keeps the first layer dense`);
    assert.equal(sparsity.dense_last_layer, sparsity.distribution === 'uniform', `${file}: … and the last`);
    assert.equal(training.batch_size, 2048);
    assert.equal(training.multiplier, 1);
    assert.deepEqual({ ...training.optimizer }, { name: 'sgd', lr: 1.2, momentum: 0.9, nesterov: false, weight_decay: 0.0001, weight_decay_on: 'all_but_bn' }, file);
    assert.deepEqual({ ...training.lr_schedule }, { type: 'cosine', warmup_epochs: 10, milestones: [], gamma: 0.1, per: 'epoch' }, file);
    assert.equal(training.label_smoothing, 0.1);
    assert.equal(training.mixup_alpha, 0.2);
    assert.equal(config.engine, 'pytorch');
    assert.equal(config.pytorch.processes, 8);
    assert.equal(config.reference?.top1, PUBLISHED[key], `${file}: the published top-1`);
    assert.match(config.reference?.source ?? '', /NVIDIA/);
  }
  assert.equal(seen.size, 12, 'uniform and ERK × 0.8 and 0.9 × 100, 500 and 1200 epochs');
});

test('inspect: the port\'s uniform 0.8 and 0.9 are 0.7355 and 0.8274 global sparsity; steps, updates and FLOPs', () => {
  for (const [file, globalSparsity] of [['resnet50-rigl-uniform-80-100ep.rigl.yaml', 0.7355], ['resnet50-rigl-uniform-90-100ep.rigl.yaml', 0.8274]] as const) {
    const result = cli('inspect', `examples/seed/${file}`, '--json');
    assert.equal(result.status, 0, result.stderr);
    const plan = JSON.parse(result.stdout);
    assert.ok(Math.abs(plan.totals.sparsity - globalSparsity) < 0.001, `${file}: ${plan.totals.sparsity}`);
    // ImageNet's 1,281,167 images at batch 2048: 625 steps an epoch; T_end = 0.8.
    assert.equal(plan.steps.stepsPerEpoch, 625);
    assert.equal(plan.steps.totalSteps, 62500);
    assert.equal(plan.steps.endStep, 50000);
    assert.equal(plan.steps.maskUpdates, 499);
    assert.ok(plan.totals.trainFlops > 0);
  }
  const table = cli('inspect', 'examples/seed/resnet50-rigl-uniform-80-1200ep.rigl.yaml');
  assert.equal(table.status, 0, table.stderr);
  assert.match(table.stdout, /global sparsity 73\.55%.*conv1 dense \(first layer\), fc dense \(last layer\)/);
  assert.match(table.stdout, /training +\d\.\d\de\+\d+ FLOPs in all \(batch 2048 × 750000 steps\)/);
  assert.match(table.stdout, /steps +750000 \(625 per epoch\); 5999 mask updates, every 100 steps until step 600000/);
});

test('inspect: ERK 0.9 gives the official densities on all 54 layers', () => {
  const result = cli('inspect', 'examples/seed/resnet50-rigl-erk-90-100ep.rigl.yaml', '--json');
  assert.equal(result.status, 0, result.stderr);
  const plan = JSON.parse(result.stdout) as { layers: { name: string; density: number; params: number }[] };
  const official = officialErkDensities(0.9);
  assert.equal(plan.layers.length, 54);
  assert.equal(official.size, 54);
  for (const layer of plan.layers) {
    // The plan rounds to whole weights (nnz / params); the formula's density is real-valued.
    assert.ok(Math.abs(layer.density - official.get(layer.name)!) <= 1 / layer.params + 1e-12, `${layer.name}: ${layer.density} vs ${official.get(layer.name)}`);
  }
  const density = new Map(plan.layers.map((l) => [l.name, l.density]));
  assert.ok(Math.abs(density.get('conv1')! - 0.42) < 0.01);
  assert.equal(density.get('layer1.0.conv1'), 1);
  assert.ok(Math.abs(density.get('layer4.0.conv1')! - 0.1431) < 0.0001, 'the formula, not the port\'s hard-coded 0.125');
  assert.ok(Math.abs(density.get('fc')! - 0.073) < 0.002);
});

/**
 * The official code's Erdős–Rényi-Kernel solve (sparse_utils.get_sparsities), written again
 * from its description here so the check does not share code with the planner: every layer
 * participates; layers whose density would exceed 1 become dense and the rest is re-solved.
 */
function officialErkDensities(sparsity: number): Map<string, number> {
  const layers = getModelSpec('resnet50').layers.map((l) => ({ name: l.name, n: l.shape.reduce((a, b) => a * b, 1), raw: l.shape.reduce((a, b) => a + b, 0) / l.shape.reduce((a, b) => a * b, 1) }));
  const dense = new Set<string>();
  for (;;) {
    let divisor = 0;
    let rhs = 0;
    for (const { name, n, raw } of layers) {
      const zeros = Math.floor(n * sparsity + 1e-9);
      if (dense.has(name)) rhs -= zeros;
      else { rhs += n - zeros; divisor += raw * n; }
    }
    const eps = rhs / divisor;
    const open = layers.filter((l) => !dense.has(l.name));
    const maxRaw = Math.max(...open.map((l) => l.raw));
    if (eps * maxRaw <= 1) return new Map(layers.map((l) => [l.name, dense.has(l.name) ? 1 : eps * l.raw]));
    for (const l of open) if (l.raw === maxRaw) dense.add(l.name);
  }
}

test('a seed config trains on the tfjs engine with synthetic data (mixup, LR per epoch, decay not on batch norm)', () => {
  const out = mkdtempSync(join(tmpdir(), 'rigl-seed-'));
  // The recipe's batch of 2048 ResNet-50 images needs a GPU; a smoke run shrinks only the data.
  const result = cli('train', 'examples/seed/resnet50-rigl-erk-90-100ep.rigl.yaml', '--set', 'engine=tfjs', '--set', 'dataset.name=synthetic',
    '--set', 'dataset.synthetic_size=8', '--set', 'dataset.image_size=32', '--set', 'training.batch_size=4', '--max-steps', '2', '--out', out);
  assert.equal(result.status, 0, result.stdout + result.stderr);
  assert.match(result.stdout, /^completed: completed 2 of 200 planned steps \(--max-steps\)$/m);
  assert.match(result.stdout, /sparsity 90\.00%/);
});
