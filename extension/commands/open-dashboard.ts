// RigL: Open Dashboard — the live dashboard of one run (from the tree, the status bar, or a pick
// with live runs first).
import type { Cmd, Ctx } from '../context.js';
import { DashboardPanel } from '../dashboard-panel.js';
import { pickRun } from '../run-picker.js';

export function openDashboard(ctx: Ctx): Cmd {
  return async (argument?: unknown) => {
    const row = await pickRun(ctx.runs, argument, { title: 'RigL: Open Dashboard', filter: () => true, noneMessage: 'RigL: no runs yet. Start one with RigL: Start Run.' });
    if (row) DashboardPanel.createOrShow(ctx, [row.runId]);
  };
}
