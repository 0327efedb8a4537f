// The status bar item of the active run: "$(pulse) RigL 1200/3000 · loss 0.23 · ETA 1m20s";
// clicking it opens that run's dashboard. Hidden while no run is live.
import * as vscode from 'vscode';
import { statusBarText } from './pure/format.js';
import type { RunsModel } from './runs-model.js';

export function registerRunStatusBar(runs: RunsModel): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('rigl.activeRun', vscode.StatusBarAlignment.Left, 10);
  item.name = 'RigL Active Run';
  const update = () => {
    const row = runs.table.activeRun();
    if (!row) {
      item.hide();
      return;
    }
    item.text = `$(pulse) ${statusBarText(row, runs.table.etaSeconds(row.runId))}`;
    item.tooltip = `${row.name} (${row.state}): open its dashboard`;
    item.command = { command: 'rigl.openDashboard', title: 'Open Dashboard', arguments: [row.runId] };
    item.show();
  };
  const subscription = runs.onDidChange(update);
  update();
  return vscode.Disposable.from(item, subscription);
}
