// The "RigL Runs" tree: one item per run with a state icon, "best 97.9% · step 3000/3000" and a
// tooltip; its contextValue drives the context menu. Elements are run ids (and `sweep:<id>` for a
// sweep's group, whose children are its runs), so updates are cheap.
import * as vscode from 'vscode';
import type { RunState } from '../server/protocol.js';
import { describeRun, runTooltipLines } from './pure/format.js';
import { runContextValue } from './pure/run-states.js';
import type { RunRow } from './pure/run-table.js';
import type { RunsModel } from './runs-model.js';
import { describeSweep, sweepIdOfElement, sweepRunIds, topLevelElements } from './pure/sweep-groups.js';

export const RUNS_VIEW_ID = 'rigl.runs';

const STATE_ICONS: Record<RunState, vscode.ThemeIcon> = {
  queued: new vscode.ThemeIcon('clock', new vscode.ThemeColor('charts.foreground')),
  starting: new vscode.ThemeIcon('loading~spin', new vscode.ThemeColor('charts.blue')),
  running: new vscode.ThemeIcon('sync~spin', new vscode.ThemeColor('charts.blue')),
  stopping: new vscode.ThemeIcon('loading~spin', new vscode.ThemeColor('charts.yellow')),
  completed: new vscode.ThemeIcon('pass-filled', new vscode.ThemeColor('charts.green')),
  stopped: new vscode.ThemeIcon('debug-stop', new vscode.ThemeColor('charts.yellow')),
  failed: new vscode.ThemeIcon('error', new vscode.ThemeColor('charts.red')),
  killed: new vscode.ThemeIcon('circle-slash', new vscode.ThemeColor('charts.orange')),
};

export class RunsTreeProvider implements vscode.TreeDataProvider<string>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<string | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly runs: RunsModel) {
    // A sweep's run changing also changes its group's counts: those refresh the whole tree.
    this.subscription = runs.onDidChange((runId) => this.changed.fire(runId && runs.get(runId)?.sweep ? undefined : runId));
  }

  getChildren(element?: string): string[] {
    if (!element) return topLevelElements(this.runs.all());
    const sweepId = sweepIdOfElement(element);
    return sweepId ? sweepRunIds(this.runs.all(), sweepId) : [];
  }

  getTreeItem(runId: string): vscode.TreeItem {
    const sweepId = sweepIdOfElement(runId);
    if (sweepId) return this.sweepTreeItem(sweepId);
    const row = this.runs.get(runId);
    if (!row) return new vscode.TreeItem(runId);
    return runTreeItem(row);
  }

  private sweepTreeItem(sweepId: string): vscode.TreeItem {
    const states = this.runs.all().filter((row) => row.sweep === sweepId).map((row) => row.state);
    const item = new vscode.TreeItem(sweepId, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = `sweep:${sweepId}`;
    item.description = describeSweep(states);
    item.iconPath = new vscode.ThemeIcon('table');
    item.contextValue = 'rigl.sweep';
    item.tooltip = `Sweep ${sweepId}: ${describeSweep(states)}`;
    item.command = { command: 'rigl.openSweep', title: 'Open Sweep Results', arguments: [sweepId] };
    return item;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}

function runTreeItem(row: RunRow): vscode.TreeItem {
  const item = new vscode.TreeItem(row.name, vscode.TreeItemCollapsibleState.None);
  item.id = row.runId;
  item.description = describeRun(row);
  item.iconPath = STATE_ICONS[row.state];
  item.contextValue = runContextValue(row.state);
  item.tooltip = new vscode.MarkdownString(runTooltipLines(row).join('\n'));
  item.accessibilityInformation = { label: `${row.name}, ${row.state}, ${describeRun(row)}` };
  item.command = { command: 'rigl.openDashboard', title: 'Open Dashboard', arguments: [row.runId] };
  return item;
}

export function registerRunsView(runs: RunsModel): vscode.Disposable {
  const provider = new RunsTreeProvider(runs);
  const view = vscode.window.createTreeView(RUNS_VIEW_ID, { treeDataProvider: provider, showCollapseAll: false });
  const badge = runs.onDidChange(() => {
    const live = runs.all().filter((row) => row.state === 'running' || row.state === 'starting').length;
    view.badge = live > 0 ? { value: live, tooltip: `${live} run${live === 1 ? '' : 's'} training` } : undefined;
  });
  return vscode.Disposable.from(provider, view, badge);
}
