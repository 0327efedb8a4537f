// Sorting the sweep table by any column: grid values by value (numbers numerically), results by
// their mean; rows without a value go last in either direction.
import type { SweepRow } from '../../server/protocol.js';

export type SortKey = { kind: 'axis'; key: string } | { kind: 'metric'; metric: MetricColumn };
export type MetricColumn = 'runs' | 'finalTop1' | 'bestTop1' | 'sparsity' | 'inferenceFlopsFactor' | 'trainFlopsFactor' | 'reference' | 'difference';

export function sortValue(row: SweepRow, key: SortKey): number | string | undefined {
  if (key.kind === 'axis') {
    const value = row.values[key.key];
    return typeof value === 'number' || typeof value === 'string' ? value : value === undefined ? undefined : JSON.stringify(value);
  }
  switch (key.metric) {
    case 'runs': return row.completed;
    case 'finalTop1': return row.finalTop1?.mean;
    case 'bestTop1': return row.bestTop1?.mean;
    case 'sparsity': return row.sparsity?.mean;
    case 'inferenceFlopsFactor': return row.inferenceFlopsFactor;
    case 'trainFlopsFactor': return row.trainFlopsFactor;
    case 'reference': return row.reference?.top1;
    case 'difference': return row.difference;
  }
}

export function sortRows(rows: readonly SweepRow[], key: SortKey | undefined, descending: boolean): SweepRow[] {
  if (!key) return [...rows];
  return [...rows].sort((a, b) => {
    const x = sortValue(a, key);
    const y = sortValue(b, key);
    if (x === undefined || y === undefined) return x === y ? a.pointIndex - b.pointIndex : x === undefined ? 1 : -1;
    const order = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
    return (descending ? -order : order) || a.pointIndex - b.pointIndex;
  });
}
