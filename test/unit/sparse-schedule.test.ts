// When topology changes (RIGL-SPEC §3, §5): update steps, T_end, f(t) for the three schedules,
// and gmp's cubic ramp and pruning steps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { updateSteps } from '../../server/sparse/plan.js';
import { createMaskSchedule, endStep, gmpSparsity, isDropGrowStep, isGmpPruneStep, updateFraction } from '../../server/sparse/schedule.js';
import { gmpUpdateSteps } from '../../server/sparse/plan.js';
import { sparsityConfig } from './sparse-helpers.js';

const close = (actual: number, expected: number, message?: string) => assert.ok(Math.abs(actual - expected) < 1e-12, message ?? `${actual} ≠ ${expected}`);

test('f(t) at 0, T_end/2 and T_end for cosine, constant and linear', () => {
  const alpha = 0.3;
  const end = 800;
  close(updateFraction('cosine', alpha, 0, end), 0.3);
  close(updateFraction('cosine', alpha, 400, end), 0.15);
  close(updateFraction('cosine', alpha, 800, end), 0);
  close(updateFraction('cosine', alpha, 200, end), 0.15 * (1 + Math.SQRT1_2), 'α/2·(1 + cos(π/4))');
  close(updateFraction('constant', alpha, 0, end), 0.3);
  close(updateFraction('constant', alpha, 400, end), 0.3);
  close(updateFraction('constant', alpha, 800, end), 0.3);
  close(updateFraction('linear', alpha, 0, end), 0.3);
  close(updateFraction('linear', alpha, 400, end), 0.15);
  close(updateFraction('linear', alpha, 800, end), 0);
  assert.equal(updateFraction('constant', alpha, 801, end), 0, 'nothing is replaced after T_end');
});

test('t counts from 1; an update happens when t mod ΔT = 0 and t < T_end', () => {
  const end = endStep(0.8, 1000);
  assert.equal(end, 800);
  const steps = Array.from({ length: 1000 }, (_, i) => i + 1).filter((t) => isDropGrowStep(t, 100, end));
  assert.deepEqual(steps, [100, 200, 300, 400, 500, 600, 700], 'no update at t = T_end = 800 or later');
  assert.equal(isDropGrowStep(0, 100, end), false, 'step 0 is before training');
  assert.equal(endStep(0.75, 1001), 750, 'T_end = floor(t_end × total steps)');
  assert.equal(isDropGrowStep(750, 50, 750), false);
  assert.equal(isDropGrowStep(749, 7, 750), true);
});

test('at_step_zero adds the official code\'s step-0 update, on the first step with f = α; off by default', () => {
  const end = endStep(0.8, 1000);
  const steps = (atStepZero: boolean) => Array.from({ length: 1000 }, (_, i) => i + 1).filter((t) => isDropGrowStep(t, 100, end, atStepZero));
  assert.deepEqual(steps(true), [1, 100, 200, 300, 400, 500, 600, 700]);
  assert.deepEqual(steps(false), [100, 200, 300, 400, 500, 600, 700]);
  const schedule = createMaskSchedule(sparsityConfig('rigl', { delta_t: 100, t_end: 0.8, at_step_zero: true }).update, 1000);
  assert.equal(schedule.isDropGrowStep(1), true);
  close(schedule.updateFraction(1), 0.3);
  close(schedule.updateFraction(400), updateFraction('cosine', 0.3, 400, end));
  assert.equal(createMaskSchedule(sparsityConfig('rigl', { delta_t: 100, t_end: 0.8 }).update, 1000).isDropGrowStep(1), false, 'the default is the port\'s');
  const plan = (atStepZero: boolean, deltaT = 100) => updateSteps('rigl', createMaskSchedule(sparsityConfig('rigl', { delta_t: deltaT, t_end: 0.8, at_step_zero: atStepZero }).update, 1000));
  assert.deepEqual(plan(true), steps(true), 'the plan lists the same steps');
  assert.deepEqual(plan(false), steps(false));
  assert.deepEqual(plan(true, 1).slice(0, 3), [1, 2, 3], 'ΔT = 1 updates on the first step anyway, once');
});

test('M× training scales T_end through totalSteps while ΔT stays', () => {
  const update = sparsityConfig('rigl', { delta_t: 100, t_end: 0.75 }).update;
  const once = createMaskSchedule(update, 1000);
  const fiveTimes = createMaskSchedule(update, 5000);
  assert.equal(once.endStep, 750);
  assert.equal(fiveTimes.endStep, 3750);
  assert.equal(fiveTimes.deltaT, 100);
  assert.equal(once.isDropGrowStep(800), false);
  assert.equal(fiveTimes.isDropGrowStep(800), true);
  close(fiveTimes.updateFraction(3750 / 2), 0.15);
});

test('gmp sparsity: 0 before t0, s·(1 − (1 − progress)³) in between, s from t1 on', () => {
  const s = 0.8;
  assert.equal(gmpSparsity(s, 50, 100, 300), 0);
  assert.equal(gmpSparsity(s, 100, 100, 300), 0);
  close(gmpSparsity(s, 200, 100, 300), s * (1 - 0.5 ** 3));
  close(gmpSparsity(s, 150, 100, 300), s * (1 - 0.75 ** 3));
  assert.equal(gmpSparsity(s, 300, 100, 300), s, 'exactly the target at t1');
  assert.equal(gmpSparsity(s, 1000, 100, 300), s);
  let previous = 0;
  for (let t = 0; t <= 400; t++) {
    const value = gmpSparsity(s, t, 100, 300);
    assert.ok(value >= previous, 'the ramp never goes back');
    previous = value;
  }
});

test('gmp prunes every ΔT steps in (t0, t1) and exactly at t1, the same steps as the plan', () => {
  for (const [t0, t1, deltaT] of [[0, 750, 100], [120, 750, 100], [100, 700, 100], [0, 95, 10], [30, 31, 7], [500, 400, 100]]) {
    const steps = Array.from({ length: 1000 }, (_, i) => i + 1).filter((t) => isGmpPruneStep(t, deltaT, t0, t1));
    assert.deepEqual(steps, gmpUpdateSteps(t0, t1, deltaT), `t0 ${t0}, t1 ${t1}, ΔT ${deltaT}`);
    if (t1 > t0) assert.equal(steps.at(-1), t1);
  }
  const schedule = createMaskSchedule(sparsityConfig('gmp', { t_start: 0.1, t_end: 0.5, delta_t: 100 }).update, 1000);
  assert.equal(schedule.startStep, 100);
  assert.equal(schedule.endStep, 500);
  assert.equal(schedule.isGmpPruneStep(100), false, 's(t0) = 0: nothing to prune at t0');
  assert.equal(schedule.isGmpPruneStep(200), true);
  assert.equal(schedule.isGmpPruneStep(600), false);
});
