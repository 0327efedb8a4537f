// Creating a run from config text, and reopening one to resume: shared by the CLI (in-process)
// and the trainer process the language server spawns. config.yaml holds the resolved config.
import { stringify } from 'yaml';
import { resolveConfigText, ConfigError } from '../config/load.js';
import type { RiglConfig } from '../config/types.js';
import type { RunSummary } from '../protocol.js';
import { isFinalState, isProcessAlive, RunDirectory } from './store.js';

export function createRun(outputRoot: string, config: RiglConfig): RunDirectory {
  const header = `# The resolved configuration of this run: every default filled in.\n`;
  return RunDirectory.create(outputRoot, config.name, header + stringify(config));
}

export function openRunForResume(dir: string): { run: RunDirectory; config: RiglConfig; summary?: RunSummary } {
  const run = new RunDirectory(dir);
  if (!run.exists()) throw new ConfigError(`${dir}: not a run directory (no config.yaml)`);
  const summary = run.readSummary();
  if (summary?.state === 'completed') throw new ConfigError(`${dir}: the run already completed; nothing to resume`);
  if (summary && !isFinalState(summary.state) && summary.pid !== undefined && isProcessAlive(summary.pid)) {
    throw new ConfigError(`${dir}: the run is still ${summary.state} (trainer process ${summary.pid})`);
  }
  return { run, config: resolveConfigText(run.readConfigText(), run.path('config')), summary };
}
