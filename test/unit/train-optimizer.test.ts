// The optimizer step against PyTorch's SGD formulas computed by hand (momentum, Nesterov,
// weight decay, masks), and the learning-rate schedules with warm-up, milestones and M×.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { MaskedSgd } from '../../server/train/optimizer.js';
import { learningRateAt } from '../../server/train/lr-schedule.js';
import { analyzeConfigText } from '../../server/config/resolve.js';
import { createModel } from '../../server/nn/models/index.js';
import { getModelSpec } from '../../server/nn/specs.js';

const close = (actual: ArrayLike<number>, expected: number[], what: string) =>
  expected.forEach((e, i) => assert.ok(Math.abs(actual[i] - e) < 1e-6, `${what}[${i}]: ${actual[i]} vs ${e}`));

test('SGD with Nesterov momentum and weight decay follows PyTorch, two steps by hand', async () => {
  await tf.setBackend('cpu');
  const w = tf.variable(tf.tensor1d([1, -2, 0.5]));
  const params = [{ name: 'w', variable: w, role: 'kernel' as const }];
  const sgd = new MaskedSgd({ name: 'sgd', lr: 0.1, momentum: 0.9, nesterov: true, weight_decay: 0.01, weight_decay_on: 'kernels' }, params);
  const g = tf.tensor1d([0.5, 0.25, -1]);
  // step 1: d = g + wd·w; buf = d; p -= lr·(d + μ·buf)
  let p = [1, -2, 0.5];
  let buf = [0, 0, 0];
  for (let step = 0; step < 2; step++) {
    sgd.step(params, new Map([['w', g]]), 0.1);
    const d = p.map((pi, i) => [0.5, 0.25, -1][i] + 0.01 * pi);
    buf = buf.map((b, i) => 0.9 * b + d[i]);
    p = p.map((pi, i) => pi - 0.1 * (d[i] + 0.9 * buf[i]));
    close(w.dataSync(), p, `weights after step ${step + 1}`);
    close(sgd.momentum.get('w')!.dataSync(), buf, `momentum after step ${step + 1}`);
  }
  sgd.dispose();
  tf.dispose([w, g]);
});

test('plain momentum (no Nesterov) and a mask that keeps weights and momentum at zero', async () => {
  await tf.setBackend('cpu');
  const w = tf.variable(tf.tensor1d([1, 0, 3]));
  const mask = tf.variable(tf.tensor1d([1, 0, 1]));
  const params = [{ name: 'w', variable: w, role: 'kernel' as const, mask }];
  const sgd = new MaskedSgd({ name: 'sgd', lr: 0.5, momentum: 0.5, nesterov: false, weight_decay: 0, weight_decay_on: 'kernels' }, params);
  const g = tf.tensor1d([1, 1, 1]);
  sgd.step(params, new Map([['w', g]]), 0.5);
  sgd.step(params, new Map([['w', g]]), 0.5);
  // buf: 1 → 1.5; w: 1 − 0.5 − 0.75 = −0.25; masked position stays 0 in both.
  close(w.dataSync(), [-0.25, 0, 1.75], 'weights');
  close(sgd.momentum.get('w')!.dataSync(), [1.5, 0, 1.5], 'momentum');
  sgd.applyKeep('w', tf.tensor1d([0, 1, 1]));
  close(sgd.momentum.get('w')!.dataSync(), [0, 0, 1.5], 'momentum after a drop');
  assert.throws(() => sgd.step(params, new Map(), 0.1), /no gradient for parameter w/);
  sgd.dispose();
  tf.dispose([w, mask, g]);
});

test('weight decay: kernels only by default (the official code), all but batch norm (the port), or all', async () => {
  await tf.setBackend('cpu');
  const decayedAfterOneStep = (on: 'kernels' | 'all_but_bn' | 'all') => {
    const roles = ['kernel', 'bias', 'batchnorm'] as const;
    const params = roles.map((role) => ({ name: role, variable: tf.variable(tf.tensor1d([2])), role }));
    const sgd = new MaskedSgd({ name: 'sgd', lr: 0.5, momentum: 0, nesterov: false, weight_decay: 0.1, weight_decay_on: on }, params);
    const zero = tf.tensor1d([0]);
    // A zero gradient: any change is weight decay, 2 − 0.5·0.1·2 = 1.9.
    sgd.step(params, new Map(roles.map((role) => [role, zero])), 0.5);
    const decayed = params.filter((p) => Math.abs(p.variable.dataSync()[0] - 1.9) < 1e-6).map((p) => p.role);
    sgd.dispose();
    tf.dispose([zero, ...params.map((p) => p.variable)]);
    return decayed;
  };
  assert.deepEqual(decayedAfterOneStep('kernels'), ['kernel']);
  assert.deepEqual(decayedAfterOneStep('all_but_bn'), ['kernel', 'bias']);
  assert.deepEqual(decayedAfterOneStep('all'), ['kernel', 'bias', 'batchnorm']);
  const { config } = analyzeConfigText('model: resnet20\ndataset:\n  name: synthetic\n');
  assert.equal(config?.training.optimizer.weight_decay_on, 'kernels', 'the default');
});

test('a model tells batch norm from biases, so the step knows what to decay', () => {
  const model = createModel(getModelSpec('resnet20', { inputShape: [32, 32, 3], numClasses: 10 }), 0);
  const roleOf = new Map(model.otherParamNames.map((name, i) => [name, model.otherParamRoles[i]]));
  assert.equal(roleOf.get('bn1.weight'), 'batchnorm');
  assert.equal(roleOf.get('bn1.bias'), 'batchnorm');
  assert.equal(roleOf.get('fc.bias'), 'bias');
  assert.equal(model.otherParamRoles.length, model.otherParams.length);
  model.dispose();
});

const base = { baseLr: 1, stepsPerEpoch: 10, totalSteps: 100, multiplier: 1 };

test('cosine with warm-up: linear to the peak, then half a cosine to zero', () => {
  const schedule = { type: 'cosine' as const, warmup_epochs: 2, milestones: [], gamma: 0.1, per: 'step' as const };
  assert.equal(learningRateAt(1, { ...base, schedule }), 1 / 20);
  assert.equal(learningRateAt(20, { ...base, schedule }), 1);
  assert.ok(Math.abs(learningRateAt(60, { ...base, schedule }) - 0.5) < 1e-12, 'halfway through the decay');
  assert.ok(Math.abs(learningRateAt(100, { ...base, schedule })) < 1e-12, 'zero at the end');
});

test('step schedule: ×gamma at each milestone epoch, anchors scaled by the multiplier', () => {
  const schedule = { type: 'step' as const, warmup_epochs: 0, milestones: [3, 7], gamma: 0.1, per: 'step' as const };
  assert.equal(learningRateAt(30, { ...base, schedule }), 1, 'epoch 2.9 is before milestone 3');
  assert.ok(Math.abs(learningRateAt(31, { ...base, schedule }) - 0.1) < 1e-12, 'epoch 3 starts at ×0.1');
  assert.ok(Math.abs(learningRateAt(71, { ...base, schedule }) - 0.01) < 1e-12);
  const fiveTimes = { ...base, totalSteps: 500, multiplier: 5, schedule };
  assert.equal(learningRateAt(149, fiveTimes), 1, 'milestone 3 moves to epoch 15 at 5×');
  assert.ok(Math.abs(learningRateAt(151, fiveTimes) - 0.1) < 1e-12);
  const constant = { type: 'constant' as const, warmup_epochs: 1, milestones: [], gamma: 0.1, per: 'step' as const };
  assert.equal(learningRateAt(5, { ...base, schedule: constant }), 0.5);
  assert.equal(learningRateAt(90, { ...base, schedule: constant }), 1);
});

test('per: epoch holds the LR for each epoch, the PyTorch port\'s warm-up and cosine by epoch', () => {
  const schedule = { type: 'cosine' as const, warmup_epochs: 2, milestones: [], gamma: 0.1, per: 'epoch' as const };
  const at = (t: number) => learningRateAt(t, { ...base, schedule });
  assert.equal(at(1), 0.5, 'epoch 0 of a 2-epoch warm-up: (0 + 1)/2');
  assert.equal(at(10), 0.5, 'held to the end of the epoch');
  assert.equal(at(11), 1, 'epoch 1: the peak');
  assert.equal(at(21), 1, 'epoch 2: the cosine starts at the peak');
  assert.ok(Math.abs(at(61) - 0.5) < 1e-12, 'epoch 6: halfway through the 8 cosine epochs');
  assert.equal(at(61), at(70), 'constant within an epoch');
  assert.notEqual(learningRateAt(61, { ...base, schedule: { ...schedule, per: 'step' } }), learningRateAt(70, { ...base, schedule: { ...schedule, per: 'step' } }), 'per step it moves');
});
