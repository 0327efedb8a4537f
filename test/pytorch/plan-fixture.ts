// Runs for the PyTorch engine's tests: created as the server creates them (config.yaml and
// plan.json by server/rundir), with config keys the schema may not know yet added to the plan.
import { readFileSync, writeFileSync } from 'node:fs';
import type { RiglConfig } from '../../server/config/types.js';
import type { RunPlan } from '../../server/protocol.js';
import { createRun } from '../../server/rundir/start.js';
import type { RunDirectory } from '../../server/rundir/store.js';

export async function createTorchRun(root: string, config: RiglConfig, extraConfig: Record<string, unknown> = {}): Promise<{ run: RunDirectory; plan: RunPlan }> {
  const run = await createRun(root, config);
  const plan = JSON.parse(readFileSync(run.path('plan'), 'utf8')) as RunPlan;
  if (Object.keys(extraConfig).length > 0) {
    Object.assign(plan.config, extraConfig);
    writeFileSync(run.path('plan'), JSON.stringify(plan, null, 2));
  }
  return { run, plan };
}
