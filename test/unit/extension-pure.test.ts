// The extension's pure helpers: New Config text (valid, no warnings, for every offered choice),
// the run table fed by notifications (state, best accuracy, ETA) and the texts shown for runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configProblems } from '../../server/config/diagnostics.js';
import { DATASET_NAMES, METHODS } from '../../server/config/types.js';
import type { RunListItem, StatusEvent, TrainEvent } from '../../server/protocol.js';
import { datasetNeedsPath, modelsForDataset, newConfigText, suggestedConfigName } from '../../extension/pure/config-template.js';
import { describeRun, formatDuration, statusBarText } from '../../extension/pure/format.js';
import { RunTable } from '../../extension/pure/run-table.js';
import { isLive, isResumable, isStoppable, runContextValue } from '../../extension/pure/run-states.js';
import { decodePngDataUrl } from '../../extension/pure/data-url.js';
import { dashboardKey, dashboardTitle, readPersistedRunIds, runIdsFromTitle } from '../../extension/pure/dashboard-ids.js';
import { withEditorPython } from '../../extension/pure/python-path.js';

const everyPathExists = { fileExists: () => true };

test('every New Config choice gives a config without errors or warnings', () => {
  let checked = 0;
  for (const dataset of DATASET_NAMES) {
    const models = modelsForDataset(dataset);
    assert.ok(models.length > 0, `no model offered for ${dataset}`);
    for (const model of models) {
      for (const method of METHODS) {
        const text = newConfigText({ model, dataset, method, sparsity: 0.9, ...(datasetNeedsPath(dataset) ? { datasetPath: '/data/x' } : {}) });
        const problems = configProblems(text, everyPathExists).filter((p) => p.severity !== 'info');
        assert.deepEqual(problems.map((p) => `${p.code}: ${p.message}`), [], `${dataset} ${model} ${method}:\n${text}`);
        checked++;
      }
    }
  }
  assert.ok(checked > 50);
});

test('models that cannot take small images are not offered for MNIST', () => {
  assert.ok(modelsForDataset('mnist').includes('lenet-300-100'));
  assert.ok(!modelsForDataset('mnist').includes('resnet50'));
  assert.ok(modelsForDataset('imagenet').includes('resnet50'));
});

test('the suggested name says what the config trains', () => {
  assert.equal(suggestedConfigName({ model: 'lenet-300-100', dataset: 'mnist', method: 'rigl', sparsity: 0.9 }), 'mnist-lenet300-rigl-90');
  assert.equal(suggestedConfigName({ model: 'resnet20', dataset: 'cifar10', method: 'dense', sparsity: 0.9 }), 'cifar10-resnet20-dense');
});

test('a dataset that needs a path is refused without one', () => {
  assert.throws(() => newConfigText({ model: 'resnet20', dataset: 'cifar10', method: 'rigl', sparsity: 0.9 }), /needs a dataset path/);
});

test('run states decide what each command may do', () => {
  assert.ok(isLive('running') && isLive('queued') && !isLive('stopped'));
  assert.ok(isResumable('killed') && isResumable('failed') && !isResumable('completed'));
  assert.ok(isStoppable('running') && !isStoppable('stopping'));
  assert.equal(runContextValue('stopped'), 'rigl.run.stopped');
});

function item(runId: string, state: RunListItem['state'] = 'completed'): RunListItem {
  return { runId, dir: `/runs/${runId}`, name: runId, state, step: 0, totalSteps: 0, updatedAt: 1 };
}

function status(state: StatusEvent['state'], step: number, time: number, totalSteps?: number): StatusEvent {
  return { type: 'status', state, step, epoch: 0, time, ...(totalSteps ? { info: { totalSteps, name: 'tiny' } as StatusEvent['info'] } : {}) };
}

function train(step: number, time: number, loss: number): TrainEvent {
  return { type: 'train', step, epoch: 0, time, loss, accuracy: 0.5, lr: 0.1, imagesPerSec: 100, trainFlops: 0, denseTrainFlops: 0 };
}

test('the run table follows status and metrics notifications', () => {
  const table = new RunTable();
  table.replaceAll([item('a'), item('b', 'stopped')]);
  assert.equal(table.applyStatus('unknown', status('running', 0, 0)), false);
  assert.ok(table.applyStatus('b', status('running', 0, 1_000, 3000)));
  table.applyMetrics('b', [train(100, 1_000, 1.5), train(1200, 12_000, 0.234)]);
  table.applyMetrics('b', [{ type: 'eval', step: 1200, epoch: 0.4, time: 12_000, loss: 0.3, top1: 0.979 }]);
  const row = table.get('b')!;
  assert.equal(row.name, 'tiny');
  assert.equal(row.step, 1200);
  assert.equal(table.activeRun()?.runId, 'b');
  // 1100 steps took 11 s, so 1800 more take 18 s.
  assert.equal(table.etaSeconds('b'), 18);
  assert.equal(statusBarText(row, table.etaSeconds('b')), 'RigL 1200/3000 · loss 0.23 · ETA 18s');
  assert.equal(describeRun(row), 'running · best 97.9% · step 1200/3000');
  table.applyStatus('b', status('stopped', 1200, 13_000));
  assert.equal(table.activeRun(), undefined);
  assert.equal(table.etaSeconds('b'), undefined);
  // Reloading the list keeps what notifications taught.
  table.replaceAll([{ ...item('b', 'stopped'), step: 1200, totalSteps: 3000, bestTop1: 0.979 }]);
  assert.equal(table.get('b')?.lastLoss, 0.234);
  assert.deepEqual(table.all().map((r) => r.runId), ['b']);
});

test('a completed run reads "best 97.9% · step 3000/3000"', () => {
  assert.equal(describeRun({ ...item('c'), step: 3000, totalSteps: 3000, bestTop1: 0.9794 }), 'best 97.9% · step 3000/3000');
});

test('durations read as the status bar shows them', () => {
  assert.equal(formatDuration(80), '1m20s');
  assert.equal(formatDuration(9), '9s');
  assert.equal(formatDuration(3725), '1h02m');
});

test('PNG data URLs decode to their bytes; anything else is refused', () => {
  const bytes = decodePngDataUrl(`data:image/png;base64,${Buffer.from([0x89, 0x50, 0x4e, 0x47]).toString('base64')}`);
  assert.deepEqual([...bytes], [0x89, 0x50, 0x4e, 0x47]);
  assert.throws(() => decodePngDataUrl('data:text/html;base64,PGI+'), /not a PNG/);
});

test('a dashboard is known again after a reload from its title or persisted state', () => {
  const single = dashboardTitle(['tiny-20261124-173344-bd33'], () => 'tiny');
  assert.equal(single, 'RigL · tiny-20261124-173344-bd33');
  assert.deepEqual(runIdsFromTitle(single), ['tiny-20261124-173344-bd33']);
  const compare = dashboardTitle(['b', 'a'], (id) => `run ${id}`);
  assert.match(compare, /^RigL · compare 2 runs \(run b, run a\) #[0-9a-f]{6}$/);
  assert.equal(runIdsFromTitle(compare), undefined);
  assert.equal(dashboardKey(['b', 'a']), dashboardKey(['a', 'b']));
  assert.deepEqual(readPersistedRunIds({ version: 1, runIds: ['a'] }), ['a']);
  assert.equal(readPersistedRunIds({ version: 1, smoothing: 0.6 }), undefined);
});

test('the Python extension\'s interpreter fills an empty rigl.pythonPath in the pulled settings, and nothing else', () => {
  const items = [{ section: 'rigl' }, { section: 'editor' }, { section: 'rigl' }];
  const results = [{ runsDirectory: 'runs', pythonPath: '' }, { tabSize: 2 }, { pythonPath: '/mine/python' }];
  assert.deepEqual(withEditorPython(items, results, '/venv/bin/python'), [{ runsDirectory: 'runs', pythonPath: '/venv/bin/python' }, { tabSize: 2 }, { pythonPath: '/mine/python' }]);
  assert.equal(withEditorPython(items, results, undefined), results);
});
