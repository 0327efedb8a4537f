// `rigl-studio results <sweepDir>`: the sweep's table (one row per grid point, mean ± std over
// seeds) as aligned text, JSON, CSV or Markdown; SLURM tasks' states come from squeue/sacct.
import { resolve } from 'node:path';
import { readSweepResults } from '../sweeps/results.js';
import { slurmStates } from '../sweeps/slurm.js';
import { resultsCsv, resultsMarkdown, resultsTable } from '../sweeps/table.js';
import { parseCommandArgs, UsageError, type CommandContext } from './args.js';
import { table } from './format.js';

export async function resultsCommand(args: string[], context: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandArgs('results', args, {
    json: { type: 'boolean', default: false },
    csv: { type: 'boolean', default: false },
    markdown: { type: 'boolean', default: false },
  });
  if (positionals.length !== 1) throw new UsageError('rigl-studio results: expected one sweep folder, e.g. rigl-studio results runs/mnist-lenet300-methods-sweep');
  if ([values.json, values.csv, values.markdown].filter(Boolean).length > 1) throw new UsageError('rigl-studio results: choose one of --json, --csv, --markdown');
  const dir = resolve(context.cwd, positionals[0]);
  let results;
  try {
    results = readSweepResults(dir, slurmStates(dir));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.json) context.stdout.write(JSON.stringify(results, null, 2) + '\n');
  else if (values.csv) context.stdout.write(resultsCsv(results));
  else if (values.markdown) context.stdout.write(resultsMarkdown(results));
  else {
    const { header, rows } = resultsTable(results);
    context.stdout.write(`sweep ${results.name}: ${results.runs.length} runs, ${results.runs.filter((r) => r.state === 'completed').length} completed${results.slurmJobId ? ` (SLURM job ${results.slurmJobId})` : ''}\n`);
    context.stdout.write(table(header, rows) + '\n');
    const unfinished = results.runs.filter((run) => run.state !== 'completed');
    if (unfinished.length > 0) {
      context.stdout.write(`\nnot completed:\n${table(['run', 'state', 'step', 'why'], unfinished.map((r) => [r.runId, r.state, `${r.step}/${r.totalSteps}`, r.detail ?? '']))}\n`);
    }
  }
  return 0;
}
