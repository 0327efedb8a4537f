// RigL: Compare Runs… — one dashboard in compare mode for the runs picked (two or more).
import * as vscode from 'vscode';
import type { Cmd, Ctx } from '../context.js';
import { DashboardPanel } from '../dashboard-panel.js';
import { pickRuns } from '../run-picker.js';

export function compareRuns(ctx: Ctx): Cmd {
  return async () => {
    if (ctx.runs.all().length < 2) await ctx.runs.refresh();
    if (ctx.runs.all().length < 2) {
      void vscode.window.showInformationMessage('RigL: comparing needs at least two runs.');
      return;
    }
    const rows = await pickRuns(ctx.runs, 'RigL: Compare Runs');
    if (!rows) return;
    if (rows.length < 2) {
      void vscode.window.showInformationMessage('RigL: pick two or more runs to compare.');
      return;
    }
    DashboardPanel.createOrShow(ctx, rows.map((row) => row.runId));
  };
}
