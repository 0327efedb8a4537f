// The runs view's grouping of sweep runs (extension/pure/sweep-groups.ts): one item per sweep where
// its newest run would sit, its runs in grid order beneath it, counts by state.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeSweep, sweepElement, sweepIdOfElement, sweepRunIds, topLevelElements } from '../../extension/pure/sweep-groups.js';

const rows = [
  { runId: 'mnist-rigl-20261201-101500-ab12' },
  { runId: 'm-sweep/p1-set-s0', sweep: 'm-sweep' },
  { runId: 'm-sweep/p0-rigl-s1', sweep: 'm-sweep' },
  { runId: 'other-run' },
  { runId: 'c-sweep/p0-s0', sweep: 'c-sweep' },
  { runId: 'm-sweep/p0-rigl-s0', sweep: 'm-sweep' },
];

test('sweep runs are grouped under one element per sweep, in the list\'s order', () => {
  assert.deepEqual(topLevelElements(rows), ['mnist-rigl-20261201-101500-ab12', 'sweep:m-sweep', 'other-run', 'sweep:c-sweep']);
  assert.deepEqual(sweepRunIds(rows, 'm-sweep'), ['m-sweep/p0-rigl-s0', 'm-sweep/p0-rigl-s1', 'm-sweep/p1-set-s0']);
  assert.equal(sweepIdOfElement(sweepElement('m-sweep')), 'm-sweep');
  assert.equal(sweepIdOfElement('m-sweep/p0-rigl-s0'), undefined);
});

test('a sweep item counts its runs by state', () => {
  assert.equal(describeSweep(['completed', 'completed', 'running', 'queued', 'failed']), '2/5 completed · 1 training · 1 queued · 1 stopped, failed or killed');
  assert.equal(describeSweep(['completed']), '1/1 completed');
});
