// RIGL-SPEC §1–§2 and §7: which layers take part, uniform/ER/ERK densities with the dense-layer
// loop, exact nonzero counts, overrides, and the published FLOPs factors of ResNet-50.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exactZeroCount, layerDensities, matchOverride } from '../../server/sparse/distribution.js';
import { getModelSpec } from '../../server/nn/specs.js';
import { buildPlan } from '../../server/sparse/plan.js';
import { trainFlopsRule, stepTrainFlops, trainFlopsPerExample, sparseFlops } from '../../server/sparse/flops.js';
import { resolveConfigText } from '../../server/config/load.js';

const resnet50 = getModelSpec('resnet50');
const base = { erkPower: 1, denseFirstLayer: false, denseLastLayer: false, overrides: {} };

function resnet50Config(distribution: string, sparsity: number, extra = ''): string {
  return `model: resnet50\ndataset: { name: imagenet, path: /data/imagenet }\nsparsity:\n  distribution: ${distribution}\n  sparsity: ${sparsity}\n${extra}`;
}

test('ResNet-50 has 54 weight tensors and 25.5 M weights', () => {
  assert.equal(resnet50.layers.length, 54);
  const params = resnet50.layers.reduce((a, l) => a + l.params, 0);
  assert.ok(Math.abs(params - 25.5e6) < 0.05e6, `got ${params}`);
  const flops = resnet50.layers.reduce((a, l) => a + l.flops, 0);
  assert.ok(Math.abs(flops - 8.2e9) < 0.1e9, `dense inference FLOPs ${flops}`);
});

test('ERK at S = 0.9 gives the reference densities of ResNet-50', () => {
  const d = new Map(layerDensities(resnet50.layers, { ...base, sparsity: 0.9, distribution: 'erk' }).map((l) => [l.name, l.density]));
  assert.ok(Math.abs(d.get('conv1')! - 0.42) < 0.01, `conv1 ${d.get('conv1')}`);
  assert.equal(d.get('layer1.0.conv1'), 1);
  assert.ok(Math.abs(d.get('fc')! - 0.073) < 0.002, `fc ${d.get('fc')}`);
});

test('ER uses only the last two dimensions, ERK all of them', () => {
  const layers = [{ name: 'a', shape: [3, 3, 16, 32] }, { name: 'b', shape: [1, 1, 16, 32] }];
  const er = layerDensities(layers, { ...base, sparsity: 0.5, distribution: 'er' });
  assert.ok(Math.abs(er[0].density - er[1].density) < 1e-12, 'same cin/cout → same ER density');
  const erk = layerDensities(layers, { ...base, sparsity: 0.5, distribution: 'erk' });
  assert.ok(erk[1].density > erk[0].density, 'the 1×1 kernel has a larger ERK score');
});

test('ER ignores the ERK power, as the official code does; ERK uses it', () => {
  const layers = [{ name: 'a', shape: [3, 3, 16, 32] }, { name: 'b', shape: [1, 1, 64, 256] }, { name: 'c', shape: [512, 10] }];
  const densities = (distribution: 'er' | 'erk', erkPower: number) => layerDensities(layers, { ...base, sparsity: 0.8, distribution, erkPower }).map((l) => l.density);
  assert.deepEqual(densities('er', 0), densities('er', 1), 'p = 0 does not turn ER into uniform');
  assert.deepEqual(densities('er', 2), densities('er', 1));
  assert.notDeepEqual(densities('erk', 2), densities('erk', 1));
  assert.ok(densities('er', 0).some((d) => Math.abs(d - 0.2) > 0.01), 'ER at any power is not uniform');
});

test('ERK power 0 is uniform and a larger power spreads the densities further', () => {
  const p0 = layerDensities(resnet50.layers, { ...base, sparsity: 0.9, distribution: 'erk', erkPower: 0 });
  assert.ok(p0.every((l) => Math.abs(l.density - 0.1) < 1e-12));
  const spread = (p: number) => {
    const ds = layerDensities(resnet50.layers, { ...base, sparsity: 0.9, distribution: 'erk', erkPower: p }).map((l) => l.density);
    return Math.max(...ds) / Math.min(...ds);
  };
  assert.ok(spread(1) > spread(0.5));
});

test('total nonzeros equal the budget to within one weight per layer', () => {
  for (const distribution of ['uniform', 'er', 'erk'] as const) {
    for (const sparsity of [0.5, 0.8, 0.9, 0.95, 0.99]) {
      const plan = buildPlan(resolveConfigText(resnet50Config(distribution, sparsity, '  dense_first_layer: false\n'), 't'));
      const budget = plan.layers.reduce((a, l) => a + l.params - exactZeroCount(sparsity, l.params), 0);
      assert.ok(Math.abs(plan.totals.nnz - budget) <= plan.layers.length, `${distribution} ${sparsity}: ${plan.totals.nnz} vs ${budget}`);
      for (const layer of plan.layers) assert.ok(layer.density > 0 && layer.density <= 1);
    }
  }
});

test('exact zero counts are floor(s·N) without floating-point loss', () => {
  assert.equal(exactZeroCount(0.9, 1000), 900);
  assert.equal(exactZeroCount(0.7, 10), 7);
  assert.equal(exactZeroCount(0.999, 1000), 999);
  assert.equal(exactZeroCount(0.5, 3), 1);
  assert.equal(exactZeroCount(0, 7), 0);
});

test('uniform keeps the first layer dense and out of the budget; erk includes it', () => {
  const uniform = layerDensities(resnet50.layers, { ...base, sparsity: 0.8, distribution: 'uniform', denseFirstLayer: true });
  assert.equal(uniform[0].density, 1);
  assert.equal(uniform[0].participates, false);
  assert.equal(uniform[0].fixedBy, 'dense-first-layer');
  assert.ok(uniform.slice(1).every((l) => Math.abs(l.density - 0.2) < 1e-12 && l.participates));
  const lastDense = layerDensities(resnet50.layers, { ...base, sparsity: 0.8, distribution: 'erk', denseLastLayer: true });
  assert.equal(lastDense[53].density, 1);
  assert.equal(lastDense[53].fixedBy, 'dense-last-layer');
});

test('overrides by exact name or glob fix a layer and leave it out of the budget', () => {
  const overrides = { fc: 0, 'layer4.*.conv2': 0.99 };
  const result = layerDensities(resnet50.layers, { ...base, sparsity: 0.9, distribution: 'erk', overrides });
  const byName = new Map(result.map((l) => [l.name, l]));
  assert.equal(byName.get('fc')!.density, 1);
  assert.equal(byName.get('fc')!.participates, false);
  for (const name of ['layer4.0.conv2', 'layer4.1.conv2', 'layer4.2.conv2']) assert.ok(Math.abs(byName.get(name)!.density - 0.01) < 1e-12);
  // The rest still meet the budget of the participating layers.
  const participating = resnet50.layers.filter((l) => byName.get(l.name)!.participates);
  const nnz = participating.reduce((a, l) => a + byName.get(l.name)!.density * l.params, 0);
  const budget = participating.reduce((a, l) => a + l.params - exactZeroCount(0.9, l.params), 0);
  assert.ok(Math.abs(nnz - budget) < participating.length);
  assert.equal(matchOverride('layer4.0.conv2', { 'layer4.*': 0.5, 'layer4.0.conv2': 0.7 }), 'layer4.0.conv2', 'exact name wins');
  assert.equal(matchOverride('layer1.0.conv1', { 'layer4.*': 0.5 }), undefined);
});

test('inference FLOPs factors of ResNet-50 match RIGL-SPEC §7', () => {
  const cases: [string, number, number][] = [['uniform', 0.8, 0.223], ['uniform', 0.9, 0.126], ['erk', 0.8, 0.414], ['erk', 0.9, 0.242]];
  for (const [distribution, sparsity, expected] of cases) {
    const plan = buildPlan(resolveConfigText(resnet50Config(distribution, sparsity), 't'));
    assert.ok(Math.abs(plan.totals.inferenceFlopsFactor - expected) < 0.002, `${distribution} ${sparsity}: ${plan.totals.inferenceFlopsFactor}`);
  }
});

test('training FLOPs per method follow the appendix-H formulas, averaged over the real schedule', () => {
  const layers = [{ flops: 100, density: 0.1 }, { flops: 300, density: 0.5 }];
  const { flopsDense: fD, flopsSparse: fS } = sparseFlops(layers);
  assert.equal(fD, 400);
  assert.equal(fS, 160);
  // 1000 steps, ΔT = 100, T_end = 750: updates at 100 … 700.
  const run = { totalSteps: 1000, maskUpdates: 7 };
  assert.equal(trainFlopsPerExample(layers, { method: 'dense', ...run }), 3 * fD);
  assert.equal(trainFlopsPerExample(layers, { method: 'static', ...run }), 3 * fS);
  assert.equal(trainFlopsPerExample(layers, { method: 'set', ...run }), 3 * fS);
  assert.equal(trainFlopsPerExample(layers, { method: 'snfs', ...run }), 2 * fS + fD);
  assert.equal(trainFlopsPerExample(layers, { method: 'rigl', ...run }), (993 * 3 * fS + 7 * (2 * fS + fD)) / 1000);
  assert.equal(trainFlopsPerExample(layers, { method: 'gmp', ...run, gmpMeanProgress: 0 }), 3 * fD);
  assert.ok(Math.abs(trainFlopsPerExample(layers, { method: 'gmp', ...run, gmpMeanProgress: 1 }) - 3 * fS) < 1e-9);
  // One rule for plan and trainers: an update step costs 2·f_S + f_D, any other 3·f_S (ΔT form, not ΔT + 1).
  assert.deepEqual(trainFlopsRule('rigl'), { step: { sparse: 3, dense: 0 }, update: { sparse: 2, dense: 1 }, dense: { sparse: 0, dense: 3 } });
  assert.equal(stepTrainFlops('rigl', fD, fS, true), 2 * fS + fD);
  const everyStepUntilTheEnd = trainFlopsPerExample(layers, { method: 'rigl', totalSteps: 1000, maskUpdates: 10 });
  assert.equal(everyStepUntilTheEnd, (3 * fS * 99 + 2 * fS + fD) / 100, 'updates on every ΔT-th step: the ΔT form');
});

test('the step plan: M× training scales steps and T_end, not ΔT', () => {
  const text = 'model: lenet-300-100\ndataset: { name: mnist }\ntraining: { epochs: 2, batch_size: 100 }\n';
  const one = buildPlan(resolveConfigText(text, 't')).steps;
  assert.equal(one.stepsPerEpoch, 600);
  assert.equal(one.totalSteps, 1200);
  assert.equal(one.endStep, 900);
  assert.equal(one.maskUpdates, 8); // t = 100 … 800 (900 is not < T_end)
  const five = buildPlan(resolveConfigText(text, 't', ['training.multiplier=5'])).steps;
  assert.equal(five.totalSteps, 6000);
  assert.equal(five.endStep, 4500);
  assert.equal(five.deltaT, 100);
  const dense = buildPlan(resolveConfigText(text, 't', ['sparsity.method=dense']));
  assert.equal(dense.totals.sparsity, 0);
  assert.equal(dense.steps.maskUpdates, 0);
  assert.equal(dense.totals.trainFlopsFactor, 1);
});
