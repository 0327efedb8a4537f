// Identity of a dashboard panel: the set of runs it shows (one run, or several in compare mode),
// its tab title, and reading the run ids back from a revived webview's persisted state.
import { createHash } from 'node:crypto';
import { restoreState } from '../../media/dashboard/messages.js';

/** The same runs in any order are the same dashboard. */
export function dashboardKey(runIds: readonly string[]): string {
  return [...new Set(runIds)].sort().join('\n');
}

/**
 * A tab title that also identifies the panel after a reload: the run id (name plus start time)
 * for one run; for a compare set, the count, the names and a short hash of the ids.
 */
export function dashboardTitle(runIds: readonly string[], nameOf: (runId: string) => string | undefined): string {
  if (runIds.length === 1) return `RigL · ${runIds[0]}`;
  const names = [...new Set(runIds.map((id) => nameOf(id) ?? id))];
  const hash = createHash('sha256').update(dashboardKey(runIds)).digest('hex').slice(0, 6);
  const shown = names.length <= 3 ? names.join(', ') : `${names.slice(0, 3).join(', ')}, …`;
  return `RigL · compare ${runIds.length} runs (${shown}) #${hash}`;
}

const SINGLE_RUN_TITLE = /^RigL · (?!compare )(\S+)$/;

/** The run id a single-run dashboard's title names (see dashboardTitle), if it is one. */
export function runIdsFromTitle(title: string): string[] | undefined {
  const match = SINGLE_RUN_TITLE.exec(title);
  return match ? [match[1]!] : undefined;
}

/** Run ids the webview persisted with setState, if it did (`runIds: string[]`). */
export function readPersistedRunIds(state: unknown): string[] | undefined {
  const { runIds } = restoreState(state);
  return runIds?.length ? runIds : undefined;
}
