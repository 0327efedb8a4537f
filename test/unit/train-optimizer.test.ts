// The optimizer step against PyTorch's SGD formulas computed by hand (momentum, Nesterov,
// weight decay, masks), and the learning-rate schedules with warm-up, milestones and M×.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { MaskedSgd } from '../../server/train/optimizer.js';
import { learningRateAt } from '../../server/train/lr-schedule.js';

const close = (actual: ArrayLike<number>, expected: number[], what: string) =>
  expected.forEach((e, i) => assert.ok(Math.abs(actual[i] - e) < 1e-6, `${what}[${i}]: ${actual[i]} vs ${e}`));

test('SGD with Nesterov momentum and weight decay follows PyTorch, two steps by hand', async () => {
  await tf.setBackend('cpu');
  const w = tf.variable(tf.tensor1d([1, -2, 0.5]));
  const params = [{ name: 'w', variable: w }];
  const sgd = new MaskedSgd({ name: 'sgd', lr: 0.1, momentum: 0.9, nesterov: true, weight_decay: 0.01 }, params);
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
  const params = [{ name: 'w', variable: w, mask }];
  const sgd = new MaskedSgd({ name: 'sgd', lr: 0.5, momentum: 0.5, nesterov: false, weight_decay: 0 }, params);
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

const base = { baseLr: 1, stepsPerEpoch: 10, totalSteps: 100, multiplier: 1 };

test('cosine with warm-up: linear to the peak, then half a cosine to zero', () => {
  const schedule = { type: 'cosine' as const, warmup_epochs: 2, milestones: [], gamma: 0.1 };
  assert.equal(learningRateAt(1, { ...base, schedule }), 1 / 20);
  assert.equal(learningRateAt(20, { ...base, schedule }), 1);
  assert.ok(Math.abs(learningRateAt(60, { ...base, schedule }) - 0.5) < 1e-12, 'halfway through the decay');
  assert.ok(Math.abs(learningRateAt(100, { ...base, schedule })) < 1e-12, 'zero at the end');
});

test('step schedule: ×gamma at each milestone epoch, anchors scaled by the multiplier', () => {
  const schedule = { type: 'step' as const, warmup_epochs: 0, milestones: [3, 7], gamma: 0.1 };
  assert.equal(learningRateAt(30, { ...base, schedule }), 1, 'epoch 2.9 is before milestone 3');
  assert.ok(Math.abs(learningRateAt(31, { ...base, schedule }) - 0.1) < 1e-12, 'epoch 3 starts at ×0.1');
  assert.ok(Math.abs(learningRateAt(71, { ...base, schedule }) - 0.01) < 1e-12);
  const fiveTimes = { ...base, totalSteps: 500, multiplier: 5, schedule };
  assert.equal(learningRateAt(149, fiveTimes), 1, 'milestone 3 moves to epoch 15 at 5×');
  assert.ok(Math.abs(learningRateAt(151, fiveTimes) - 0.1) < 1e-12);
  const constant = { type: 'constant' as const, warmup_epochs: 1, milestones: [], gamma: 0.1 };
  assert.equal(learningRateAt(5, { ...base, schedule: constant }), 0.5);
  assert.equal(learningRateAt(90, { ...base, schedule: constant }), 1);
});
