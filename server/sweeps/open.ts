// From config text to a prepared sweep folder, shared by the CLI and the language server: the
// grid overrides written into the text, every problem reported at file:line:col, then prepare.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { ConfigError, formatProblem } from '../config/load.js';
import { configProblems } from '../config/diagnostics.js';
import type { ConfigEnvironment } from '../config/environment.js';
import { analyzeConfigText } from '../config/resolve.js';
import { SWEEP_KEY } from './grid.js';
import { parseGridOverride, parseSeeds, sweepGridOf, type GridOverrides } from './spec.js';
import { prepareSweep, sweepFolderName, type PreparedSweep } from './prepare.js';
import { sweepFile } from './record.js';
import { slurmStates } from './slurm.js';

export interface OpenSweepOptions extends GridOverrides {
  /** Names the config in messages (the path the user typed or sees). */
  file: string;
  /** Recorded in sweep.json. */
  configPath?: string;
  /** The sweep folder goes directly under it. */
  runsRoot: string;
  /** Relative dataset paths resolve against it. */
  cwd?: string;
  env: ConfigEnvironment;
}

/** Throws a ConfigError listing every error of the config and its grid; else the prepared sweep. */
export async function openSweep(text: string, options: OpenSweepOptions): Promise<PreparedSweep> {
  const effective = withGridOverrides(text, options.grid ?? [], options.seeds);
  const origin = effective === text ? options.file : `${options.file} (with --grid/--seeds)`;
  const errors = configProblems(effective, options.env).filter((p) => p.severity === 'error');
  if (errors.length > 0) throw new ConfigError(errors.map((p) => formatProblem(origin, effective, p)).join('\n'), errors);
  const analysis = analyzeConfigText(effective);
  const raw = analysis.raw as Record<string, unknown>;
  const dir = join(options.runsRoot, sweepFolderName(analysis.config!.name));
  // Tasks of an earlier SLURM submission that are still pending or running are not started again.
  const scheduled = existsSync(sweepFile(dir)) ? slurmStates(dir) : undefined;
  return prepareSweep(dir, raw, sweepGridOf(raw), options.configPath, scheduled, options.cwd);
}

/** --grid and --seeds written into the text's sweep section, so problems point into the text checked. */
function withGridOverrides(text: string, grid: readonly string[], seeds: string | undefined): string {
  if (grid.length === 0 && seeds === undefined) return text;
  const doc = parseDocument(text);
  if (doc.errors.length > 0) return text; // the check reports the syntax error with its position
  for (const override of grid) {
    const axis = parseGridOverride(override);
    doc.setIn([SWEEP_KEY, 'grid', axis.key], doc.createNode(axis.values, { flow: true }));
  }
  if (seeds !== undefined) doc.setIn([SWEEP_KEY, 'seeds'], doc.createNode(parseSeeds(seeds), { flow: true }));
  return doc.toString();
}
