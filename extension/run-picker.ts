// Choosing runs for a command: the run a menu passed in (tree element or status bar argument),
// else a quick pick of the runs the command applies to, with their state and progress.
import * as vscode from 'vscode';
import type { RunState } from '../server/protocol.js';
import { describeRun } from './pure/format.js';
import type { RunRow } from './pure/run-table.js';
import type { RunsModel } from './runs-model.js';

interface RunPickItem extends vscode.QuickPickItem {
  runId: string;
}

/** A run id from a command argument: the tree passes a run id, other callers may pass { runId }. */
export function runIdFromArgument(argument: unknown): string | undefined {
  if (typeof argument === 'string' && argument !== '') return argument;
  if (typeof argument === 'object' && argument !== null && typeof (argument as { runId?: unknown }).runId === 'string') {
    return (argument as { runId: string }).runId;
  }
  return undefined;
}

function pickItem(row: RunRow): RunPickItem {
  return { label: row.name, description: describeRun(row), detail: row.runId, runId: row.runId };
}

export interface PickRunOptions {
  title: string;
  /** Which runs the command applies to. */
  filter: (state: RunState) => boolean;
  /** Said when no run qualifies. */
  noneMessage: string;
}

/** The run a menu passed, or one the user picks; undefined when cancelled or none qualifies. */
export async function pickRun(runs: RunsModel, argument: unknown, options: PickRunOptions): Promise<RunRow | undefined> {
  const given = runIdFromArgument(argument);
  if (given) {
    const row = runs.get(given);
    if (!row) void vscode.window.showWarningMessage(`RigL: no run ${given} in the runs folder.`);
    return row;
  }
  await runs.refresh();
  const candidates = runs.all().filter((row) => options.filter(row.state));
  if (candidates.length === 0) {
    void vscode.window.showInformationMessage(options.noneMessage);
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(candidates.map(pickItem), { title: options.title, placeHolder: 'Pick a run', matchOnDetail: true });
  return picked ? runs.get(picked.runId) : undefined;
}

/** Several runs at once (Compare Runs); undefined when cancelled. */
export async function pickRuns(runs: RunsModel, title: string): Promise<RunRow[] | undefined> {
  await runs.refresh();
  const rows = runs.all();
  const picked = await vscode.window.showQuickPick(rows.map(pickItem), { title, placeHolder: 'Pick two or more runs', canPickMany: true, matchOnDetail: true });
  return picked?.map((item) => runs.get(item.runId)).filter((row): row is RunRow => row !== undefined);
}
