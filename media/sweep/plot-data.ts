// The paper's figure from a sweep's results: top-1 against sparsity, one line per method (or per
// combination of the grid's other values), the mean over seeds with every seed's point beside it.
import type { SweepResultsPayload } from '../../server/protocol.js';
import { formatValue } from '../../server/sweeps/grid.js';

export const SPARSITY_KEY = 'sparsity.sparsity';

export interface PlotSeries {
  label: string;
  /** Mean final top-1 per sparsity, by increasing sparsity. */
  means: { x: number; y: number }[];
  /** Every completed seed's final top-1: the spread. */
  seeds: { x: number; y: number }[];
}

/** Series named after the grid values other than the sparsity (the method when only it varies). */
export function plotSeries(results: Pick<SweepResultsPayload, 'axes' | 'rows' | 'runs'>): PlotSeries[] {
  const others = results.axes.map((axis) => axis.key).filter((key) => key !== SPARSITY_KEY);
  const labelOf = (values: Record<string, unknown>, method: string) => {
    if (others.length === 0) return method || 'runs';
    if (others.length === 1) return formatValue(values[others[0]]);
    return others.map((key) => `${key.split('.').pop()}=${formatValue(values[key])}`).join(', ');
  };
  const series = new Map<string, PlotSeries>();
  for (const row of results.rows) {
    const label = labelOf(row.values, row.method);
    const entry = series.get(label) ?? { label, means: [], seeds: [] };
    series.set(label, entry);
    if (row.finalTop1) entry.means.push({ x: row.targetSparsity, y: row.finalTop1.mean });
    for (const run of results.runs) {
      if (run.pointIndex === row.pointIndex && run.state === 'completed' && run.finalTop1 !== undefined) entry.seeds.push({ x: row.targetSparsity, y: run.finalTop1 });
    }
  }
  for (const entry of series.values()) entry.means.sort((a, b) => a.x - b.x);
  return [...series.values()];
}
