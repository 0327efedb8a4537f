// Creating a run from a resolved config (config.yaml for people, plan.json for engines), and
// reopening one to resume: shared by the CLI, the run manager and the engines' entry points.
import { existsSync, rmSync } from 'node:fs';
import { stringify } from 'yaml';
import { resolveConfigText, ConfigError } from '../config/load.js';
import type { RiglConfig } from '../config/types.js';
import type { RunPlan, RunState, RunSummary } from '../protocol.js';
import { describeRunData, readPlanFile, runPlanOf, writePlanFile } from './plan-file.js';
import { RunDirectory, RunFolderError } from './store.js';
import { recoveredState, transition } from './lifecycle.js';
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

/**
 * A run to train again, as lifecycle.ts allows: not completed, not held by a live process. `state`:
 * what it is now (a live state whose owner died is killed; one made and never started is queued).
 * `runId`: the id the run is known by (a sweep's `sweep/run`); default the folder name.
 */
export async function openRunForResume(dir: string, cwd?: string, runId?: string): Promise<{ run: RunDirectory; config: RiglConfig; plan: RunPlan; summary?: RunSummary; state: RunState }> {
  const run = new RunDirectory(dir, runId);
  if (!run.exists()) throw new ConfigError(`${dir}: not a run directory (no config.yaml)`);
  const summary = run.readSummary();
  const owned = run.ownerAlive(summary);
  const state = recoveredState(summary?.state, { ownerAlive: owned, started: existsSync(run.path('events')) });
  const verdict = transition({ state }, { type: 'resume', slotFree: true, owned });
  if (!verdict.ok) throw new ConfigError(`${dir}: ${verdict.refusal}${owned ? ` (process ${summary?.pid})` : ''}`);
  try {
    // A full disk used the reserve up to record the failure; the run trains again only with room for its next one.
    run.ensureReserve();
  } catch (error) {
    throw new RunFolderError(`cannot resume ${dir}: ${describeWriteFailure(error)}`);
  }
  const plan = await ensureRunPlan(run, cwd);
  return { run, config: plan.config, plan, summary, state };
}
