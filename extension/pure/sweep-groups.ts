// The runs view's tree: runs of a sweep folder grouped under one item per sweep, other runs at the
// top level, in the server's order (newest first; a sweep sits where its newest run would).
import type { RunListItem, RunState } from '../../server/protocol.js';

/** Tree element ids of sweep items; run ids never contain ':'. */
export const SWEEP_ELEMENT_PREFIX = 'sweep:';

export function sweepElement(sweepId: string): string {
  return `${SWEEP_ELEMENT_PREFIX}${sweepId}`;
}

export function sweepIdOfElement(element: string): string | undefined {
  return element.startsWith(SWEEP_ELEMENT_PREFIX) ? element.slice(SWEEP_ELEMENT_PREFIX.length) : undefined;
}

/** Top-level elements: run ids of runs outside sweeps, and one sweep element per sweep. */
export function topLevelElements(rows: readonly Pick<RunListItem, 'runId' | 'sweep'>[]): string[] {
  const elements: string[] = [];
  const seen = new Set<string>();
  for (const row of rows) {
    if (!row.sweep) elements.push(row.runId);
    else if (!seen.has(row.sweep)) {
      seen.add(row.sweep);
      elements.push(sweepElement(row.sweep));
    }
  }
  return elements;
}

/** The runs of one sweep, in the sweep's own order (its folder names sort in grid order). */
export function sweepRunIds(rows: readonly Pick<RunListItem, 'runId' | 'sweep'>[], sweepId: string): string[] {
  return rows.filter((row) => row.sweep === sweepId).map((row) => row.runId).sort();
}

/** `12/40 completed · 2 training · 1 failed` */
export function describeSweep(states: readonly RunState[]): string {
  const count = (wanted: readonly RunState[]) => states.filter((state) => wanted.includes(state)).length;
  const parts = [`${count(['completed'])}/${states.length} completed`];
  const training = count(['starting', 'running', 'stopping']);
  const queued = count(['queued']);
  const interrupted = count(['stopped', 'failed', 'killed']);
  if (training) parts.push(`${training} training`);
  if (queued) parts.push(`${queued} queued`);
  if (interrupted) parts.push(`${interrupted} stopped, failed or killed`);
  return parts.join(' · ');
}
