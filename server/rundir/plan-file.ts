// plan.json (docs/engines.md): the plan of one run, built once by the server when the run is
// created from the resolved config and the dataset's real facts; engines read it, never re-derive it.
import { readFileSync } from 'node:fs';
import type { RiglConfig } from '../config/types.js';
import { describeDataset } from '../data/describe.js';
import { modelInfo } from '../nn/specs.js';
import { RUN_PLAN_FORMAT, type PlanData, type RunPlan, type RunScheduleInfo } from '../protocol.js';
import { trainFlopsRule } from '../sparse/flops.js';
import { buildPlan, modelSpecFor, type Plan } from '../sparse/plan.js';
import { writeFileAtomic } from './atomic.js';

export const PLAN_FILE = 'plan.json';

/** The dataset's real facts for a config: the model's native input and classes fill what the data leaves open. */
export function describeRunData(config: RiglConfig, cwd?: string): Promise<PlanData> {
  const info = modelInfo(config.model);
  return describeDataset(config.dataset, { inputShape: info.nativeInput, numClasses: info.nativeClasses }, cwd);
}

export function runPlanOf(runId: string, config: RiglConfig, data: PlanData): RunPlan {
  // The one plan that lists every mask update; the config's step bound keeps the count finite, PlanLimitError the list short.
  const plan = buildPlan(config, data, { listUpdates: true });
  return {
    format: RUN_PLAN_FORMAT,
    runId,
    config,
    data,
    model: config.model,
    layers: plan.layers.map((l) => ({
      name: l.name, kind: l.kind, shape: l.shape, params: l.params, density: l.density, nnz: l.nnz, participates: l.participates,
      flopsDense: l.flopsDense, flops: l.flops, ...(l.fixedBy ? { fixedBy: l.fixedBy } : {}),
    })),
    totals: plan.totals,
    schedule: {
      stepsPerEpoch: plan.steps.stepsPerEpoch, totalSteps: plan.steps.totalSteps, deltaT: plan.steps.deltaT,
      endStep: plan.steps.endStep, startStep: plan.steps.startStep, maskUpdates: plan.steps.updates ?? [],
    },
    flopsRule: trainFlopsRule(config.sparsity.method),
  };
}

/**
 * The in-memory Plan a plan file stands for, with the model spec the tfjs engine builds its
 * network from; the layers, counts and schedule are the file's, not derived again.
 */
export function planOfRunPlan(runPlan: RunPlan): Plan {
  const spec = modelSpecFor(runPlan.config, runPlan.data);
  const mismatch = spec.layers.length !== runPlan.layers.length || spec.layers.some((l, i) => l.name !== runPlan.layers[i]!.name || l.params !== runPlan.layers[i]!.params);
  if (mismatch) throw new PlanFileError(`${PLAN_FILE}: its layers are not those of ${runPlan.model} on ${runPlan.data.inputShape.join('×')} inputs; the file was edited or written by another version`);
  const { schedule } = runPlan;
  return {
    model: runPlan.model,
    spec,
    layers: runPlan.layers.map((l) => ({ ...l, shape: [...l.shape] })) as Plan['layers'],
    totals: runPlan.totals,
    steps: {
      trainSize: runPlan.data.trainSize, stepsPerEpoch: schedule.stepsPerEpoch, totalSteps: schedule.totalSteps, endStep: schedule.endStep,
      startStep: schedule.startStep, deltaT: schedule.deltaT, maskUpdates: schedule.maskUpdates.length, updates: schedule.maskUpdates,
    },
  };
}

export function scheduleInfo(runPlan: RunPlan): RunScheduleInfo {
  const { deltaT, endStep, maskUpdates } = runPlan.schedule;
  return { deltaT, endStep, updateSteps: maskUpdates.map((u) => u.step) };
}

export class PlanFileError extends Error {
  override name = 'PlanFileError';
}

export function writePlanFile(path: string, plan: RunPlan): void {
  writeFileAtomic(path, JSON.stringify(plan, null, 2) + '\n');
}

export function readPlanFile(path: string): RunPlan {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new PlanFileError(`${path}: cannot read the run's plan (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  let plan: RunPlan;
  try {
    plan = JSON.parse(text) as RunPlan;
  } catch (error) {
    throw new PlanFileError(`${path}: not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (plan?.format !== RUN_PLAN_FORMAT) throw new PlanFileError(`${path}: not a ${RUN_PLAN_FORMAT} plan (format ${JSON.stringify(plan?.format)})`);
  return plan;
}
