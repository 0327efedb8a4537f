// The dashboard webview panel: one per run (or per compare set), created or revealed, revived
// after a reload, fed a snapshot on 'ready' and live events only while visible; saves exports.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { renderDashboardHtml } from '../media/dashboard/html.js';
import type { HostMessage, RunHistory, WebviewMessage } from '../media/dashboard/messages.js';
import { RunHistoryRequest } from '../server/protocol.js';
import type { Ctx } from './context.js';
import { decodePngDataUrl } from './pure/data-url.js';
import { dashboardKey, dashboardTitle, readPersistedRunIds, runIdsFromTitle } from './pure/dashboard-ids.js';
import type { RunEvents } from './runs-model.js';

export const DASHBOARD_VIEW_TYPE = 'rigl.dashboard';
/** workspaceState key: panel title → run ids, to revive compare panels whose webview state lacks them. */
const OPEN_DASHBOARDS_KEY = 'rigl.openDashboards';

export class DashboardPanel {
  private static readonly panels = new Map<string, DashboardPanel>();

  private readonly disposables: vscode.Disposable[] = [];
  /** Live events that arrived while a snapshot was being fetched: posted right after it. */
  private heldBack?: RunEvents[];
  private snapshotGeneration = 0;

  /**
   * Reveals the dashboard of these runs, creating it if none is open. `preserveFocus` keeps the
   * keyboard where it is (Start Run from an editor leaves the cursor in the config).
   */
  static createOrShow(ctx: Ctx, runIds: readonly string[], { preserveFocus = false } = {}): DashboardPanel {
    const key = dashboardKey(runIds);
    const existing = DashboardPanel.panels.get(key);
    if (existing) {
      existing.panel.reveal(undefined, preserveFocus);
      return existing;
    }
    const title = dashboardTitle(runIds, (id) => ctx.runs.get(id)?.name);
    const panel = vscode.window.createWebviewPanel(DASHBOARD_VIEW_TYPE, title, { viewColumn: vscode.ViewColumn.Beside, preserveFocus }, DashboardPanel.webviewOptions(ctx.extensionUri));
    return new DashboardPanel(ctx, panel, [...runIds]);
  }

  /** Restores a panel VS Code kept across a reload (registerWebviewPanelSerializer). */
  static revive(ctx: Ctx, panel: vscode.WebviewPanel, state: unknown): void {
    // The webview's own state first; else the title, which names a single run; else what this
    // workspace remembered for the title (compare dashboards).
    const remembered = ctx.workspaceState.get<Record<string, string[]>>(OPEN_DASHBOARDS_KEY, {});
    const runIds = readPersistedRunIds(state) ?? runIdsFromTitle(panel.title) ?? remembered[panel.title];
    if (!runIds || runIds.length === 0) {
      ctx.log.warn(`cannot restore the dashboard "${panel.title}": its runs are unknown`);
      panel.dispose();
      return;
    }
    const key = dashboardKey(runIds);
    // The same runs were already reopened in this window: keep one panel.
    if (DashboardPanel.panels.has(key)) {
      panel.dispose();
      return;
    }
    panel.webview.options = DashboardPanel.webviewOptions(ctx.extensionUri);
    new DashboardPanel(ctx, panel, runIds);
  }

  /** Closes every dashboard that shows this run (its folder was deleted). */
  static closeForRun(runId: string): void {
    for (const dashboard of [...DashboardPanel.panels.values()]) {
      if (dashboard.runIds.includes(runId)) dashboard.panel.dispose();
    }
  }

  static registerSerializer(ctx: Ctx): vscode.Disposable {
    return vscode.window.registerWebviewPanelSerializer(DASHBOARD_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel, state: unknown) => DashboardPanel.revive(ctx, panel, state),
    });
  }

  private static webviewOptions(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return {
      enableScripts: true,
      // Rebuilt from a snapshot when shown again: hidden dashboards cost no memory or CPU.
      retainContextWhenHidden: false,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')],
    };
  }

  private constructor(private readonly ctx: Ctx, readonly panel: vscode.WebviewPanel, readonly runIds: string[]) {
    DashboardPanel.panels.set(dashboardKey(runIds), this);
    void this.remember();
    panel.iconPath = {
      light: vscode.Uri.joinPath(ctx.extensionUri, 'media', 'icons', 'rigl-light.svg'),
      dark: vscode.Uri.joinPath(ctx.extensionUri, 'media', 'icons', 'rigl-dark.svg'),
    };
    panel.webview.html = this.html();
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((message: unknown) => void this.onMessage(message)),
      ctx.runs.onDidReceiveEvents((batch) => this.onRunEvents(batch)),
    );
  }

  private html(): string {
    const webview = this.panel.webview;
    const asset = (file: string) => webview.asWebviewUri(vscode.Uri.joinPath(this.ctx.extensionUri, 'dist', 'webview', file)).toString();
    return renderDashboardHtml({
      cspSource: webview.cspSource,
      nonce: randomBytes(16).toString('base64'),
      scriptUri: asset('dashboard.js'),
      styleUri: asset('dashboard.css'),
      title: this.panel.title,
    });
  }

  private onRunEvents(batch: RunEvents): void {
    if (!this.runIds.includes(batch.runId) || !this.panel.visible) return;
    if (this.heldBack) {
      this.heldBack.push(batch);
      return;
    }
    this.post({ type: 'events', runId: batch.runId, events: batch.events });
  }

  private async onMessage(message: unknown): Promise<void> {
    const data = message as Partial<WebviewMessage> | null;
    if (!data || typeof data !== 'object') return;
    try {
      if (data.type === 'ready') await this.sendSnapshot();
      else if (data.type === 'exportCsv' && typeof data.runId === 'string' && typeof data.csv === 'string') {
        await this.save(`${data.runId}-events.csv`, { 'CSV files': ['csv'] }, new TextEncoder().encode(data.csv));
      } else if (data.type === 'exportPng' && typeof data.chart === 'string' && typeof data.dataUrl === 'string') {
        await this.save(`${data.chart}.png`, { 'PNG images': ['png'] }, decodePngDataUrl(data.dataUrl));
      }
    } catch (error) {
      void vscode.window.showErrorMessage(`RigL dashboard: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** Fetches every shown run's history and posts it as one snapshot; live events wait meanwhile. */
  private async sendSnapshot(): Promise<void> {
    const generation = ++this.snapshotGeneration;
    this.heldBack ??= [];
    const histories = await Promise.all(this.runIds.map(async (runId): Promise<RunHistory | undefined> => {
      try {
        const { events } = await this.ctx.client.sendRequest(RunHistoryRequest.type, { runId });
        return { runId, events };
      } catch (error) {
        this.ctx.log.warn(`dashboard: no history for ${runId}: ${error instanceof Error ? error.message : String(error)}`);
        return undefined;
      }
    }));
    // A newer snapshot request (the panel was hidden and shown again) supersedes this one.
    if (generation !== this.snapshotGeneration) return;
    const heldBack = this.heldBack ?? [];
    this.heldBack = undefined;
    this.post({ type: 'snapshot', runs: histories.filter((history): history is RunHistory => history !== undefined) });
    // Events read from disk and also relayed live may repeat: the dashboard redraws a repeated step.
    for (const batch of heldBack) this.post({ type: 'events', runId: batch.runId, events: batch.events });
  }

  private post(message: HostMessage): void {
    void this.panel.webview.postMessage(message);
  }

  private async save(suggestedName: string, filters: Record<string, string[]>, bytes: Uint8Array): Promise<void> {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const target = await vscode.window.showSaveDialog({
      title: `Save ${suggestedName}`,
      filters,
      ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, suggestedName) } : {}),
    });
    if (!target) return;
    await vscode.workspace.fs.writeFile(target, bytes);
    void vscode.window.showInformationMessage(`Saved ${vscode.workspace.asRelativePath(target)}`);
  }

  private async remember(): Promise<void> {
    const remembered = { ...this.ctx.workspaceState.get<Record<string, string[]>>(OPEN_DASHBOARDS_KEY, {}) };
    remembered[this.panel.title] = this.runIds;
    await this.ctx.workspaceState.update(OPEN_DASHBOARDS_KEY, remembered);
  }

  private async forget(): Promise<void> {
    const remembered = { ...this.ctx.workspaceState.get<Record<string, string[]>>(OPEN_DASHBOARDS_KEY, {}) };
    delete remembered[this.panel.title];
    await this.ctx.workspaceState.update(OPEN_DASHBOARDS_KEY, remembered);
  }

  private dispose(): void {
    const key = dashboardKey(this.runIds);
    if (DashboardPanel.panels.get(key) === this) DashboardPanel.panels.delete(key);
    void this.forget();
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
  }
}
