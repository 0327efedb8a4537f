// RigL: Delete Run — removes a finished run's folder (events, checkpoints, log) after a modal
// confirmation; a live run is refused until it stops.
import * as vscode from 'vscode';
import type { Cmd, Ctx } from '../context.js';
import { DashboardPanel } from '../dashboard-panel.js';
import { isLive } from '../pure/run-states.js';
import { pickRun } from '../run-picker.js';

const DELETE = 'Delete';

export function deleteRun(ctx: Ctx): Cmd {
  return async (argument?: unknown) => {
    const picked = await pickRun(ctx.runs, argument, { title: 'RigL: Delete Run', filter: (state) => !isLive(state), noneMessage: 'RigL: no finished run to delete.' });
    if (!picked) return;
    // The state may have changed since the list was drawn: ask the server again before deleting.
    await ctx.runs.refresh();
    const row = ctx.runs.get(picked.runId);
    if (!row || !row.dir) return;
    if (isLive(row.state)) {
      void vscode.window.showWarningMessage(`RigL: ${row.name} is ${row.state}; stop it before deleting it.`);
      return;
    }
    const choice = await vscode.window.showWarningMessage(
      `Delete the run ${row.runId}?`,
      { modal: true, detail: `Its folder ${row.dir} (events, checkpoints, trainer log) will be deleted.` },
      DELETE,
    );
    if (choice !== DELETE) return;
    try {
      await vscode.workspace.fs.delete(vscode.Uri.file(row.dir), { recursive: true, useTrash: false });
    } catch (error) {
      void vscode.window.showErrorMessage(`RigL: cannot delete ${row.dir}: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    DashboardPanel.closeForRun(row.runId);
    ctx.runs.forget(row.runId);
    void ctx.runs.refresh();
  };
}
