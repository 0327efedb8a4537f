// `rigl-studio runs [DIR]`: every run on disk with its state, progress and best accuracy, against
// the published top-1 its config names under `reference:`.
import { resolve } from 'node:path';
import { listRuns } from '../rundir/store.js';
import { parseCommandArgs, type CommandContext } from './args.js';
import { percent, table } from './format.js';

export async function runsCommand(args: string[], context: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandArgs('runs', args, { json: { type: 'boolean', default: false } });
  const root = resolve(context.cwd, positionals[0] ?? 'runs');
  const runs = listRuns(root);
  if (values.json) {
    context.stdout.write(JSON.stringify(runs) + '\n');
    return 0;
  }
  if (runs.length === 0) {
    context.stdout.write(`no runs under ${root}\n`);
    return 0;
  }
  const rows = runs.map((r) => [r.runId, r.state, `${r.step}/${r.totalSteps}`, r.bestTop1 !== undefined ? percent(r.bestTop1, 2) : '—', referenceCell(r.referenceTop1, r.bestTop1), new Date(r.updatedAt).toISOString().replace('T', ' ').slice(0, 19)]);
  context.stdout.write(table(['run', 'state', 'step', 'best top-1', 'reference', 'updated'], rows) + '\n');
  return 0;
}

/** The published top-1 and how far the run's best is from it: "74.60% (−1.20)". */
function referenceCell(reference: number | undefined, best: number | undefined): string {
  if (reference === undefined) return '—';
  if (best === undefined) return percent(reference, 2);
  const points = (best - reference) * 100;
  return `${percent(reference, 2)} (${points >= 0 ? '+' : '−'}${Math.abs(points).toFixed(2)})`;
}
