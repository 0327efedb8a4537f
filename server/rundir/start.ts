// Creating a run from a resolved config (config.yaml for people, plan.json for engines), and
// reopening one to resume: shared by the CLI, the run manager and the engines' entry points.
import { existsSync, rmSync } from 'node:fs';
import { stringify } from 'yaml';
import { resolveConfigText, ConfigError } from '../config/load.js';
import type { RiglConfig } from '../config/types.js';
import type { RunPlan, RunSummary } from '../protocol.js';
import { describeRunData, readPlanFile, runPlanOf, writePlanFile } from './plan-file.js';
import { isFinalState, isProcessAlive, RunDirectory, RunFolderError } from './store.js';
import { describeWriteFailure } from './disk-errors.js';
import { PlanLimitError } from '../sparse/plan.js';

/**
 * Opens the dataset's facts first (a missing dataset refuses the run before any folder exists),
 * then writes config.yaml and plan.json. `cwd` resolves relative dataset paths.
 */
export async function createRun(outputRoot: string, config: RiglConfig, cwd?: string, runId?: string): Promise<RunDirectory> {
  const data = await describeRunData(config, cwd);
  const header = `# The resolved configuration of this run: every default filled in.\n`;
  // `runId` fixes the folder name (a sweep's runs); otherwise a new one is made from the config's name.
  const run = RunDirectory.create(outputRoot, config.name, header + stringify(config), runId);
  try {
    writePlanFile(run.path('plan'), runPlanOf(run.runId, config, data));
  } catch (error) {
    // No half-made run is left behind (a plan refused for its size, a disk that filled up).
    rmSync(run.dir, { recursive: true, force: true });
    if (error instanceof PlanLimitError) throw new ConfigError(`${config.name}: ${error.message}`);
    throw new RunFolderError(`cannot create a run in ${outputRoot}: ${describeWriteFailure(error)}`);
  }
  return run;
}

/** The plan an engine executes; a run made before plans existed gets one from its config.yaml. */
export async function ensureRunPlan(run: RunDirectory, cwd?: string): Promise<RunPlan> {
  if (existsSync(run.path('plan'))) return readPlanFile(run.path('plan'));
  const config = resolveConfigText(run.readConfigText(), run.path('config'));
  const plan = runPlanOf(run.runId, config, await describeRunData(config, cwd));
  writePlanFile(run.path('plan'), plan);
  return plan;
}

/** `runId`: the id the run is known by (a sweep's `sweep/run`); default the folder name. */
export async function openRunForResume(dir: string, cwd?: string, runId?: string): Promise<{ run: RunDirectory; config: RiglConfig; plan: RunPlan; summary?: RunSummary }> {
  const run = new RunDirectory(dir, runId);
  if (!run.exists()) throw new ConfigError(`${dir}: not a run directory (no config.yaml)`);
  const summary = run.readSummary();
  if (summary?.state === 'completed') throw new ConfigError(`${dir}: the run already completed; nothing to resume`);
  if (summary && !isFinalState(summary.state) && summary.pid !== undefined && isProcessAlive(summary.pid)) {
    throw new ConfigError(`${dir}: the run is still ${summary.state} (trainer process ${summary.pid})`);
  }
  const plan = await ensureRunPlan(run, cwd);
  return { run, config: plan.config, plan, summary };
}
