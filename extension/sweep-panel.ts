// The sweep view's webview panel: one per sweep, created or revealed; answers 'ready' with the
// sweep's results and posts them again (at most once a second) while its runs change.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { renderDashboardHtml } from '../media/dashboard/html.js';
import type { SweepHostMessage, SweepWebviewMessage } from '../media/sweep/messages.js';
import { SweepResultsRequest } from '../server/protocol.js';
import type { Ctx } from './context.js';
import { DashboardPanel } from './dashboard-panel.js';
import { decodePngDataUrl } from './pure/data-url.js';

export const SWEEP_VIEW_TYPE = 'rigl.sweep';
const REFRESH_INTERVAL_MS = 1_000;

export class SweepPanel {
  private static readonly panels = new Map<string, SweepPanel>();
  private readonly disposables: vscode.Disposable[] = [];
  private refreshTimer?: NodeJS.Timeout;
  private ready = false;

  static createOrShow(ctx: Ctx, sweepId: string): SweepPanel {
    const existing = SweepPanel.panels.get(sweepId);
    if (existing) {
      existing.panel.reveal();
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(SWEEP_VIEW_TYPE, `Sweep ${sweepId}`, vscode.ViewColumn.Active, {
      enableScripts: true,
      retainContextWhenHidden: false,
      localResourceRoots: [vscode.Uri.joinPath(ctx.extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(ctx.extensionUri, 'media')],
    });
    return new SweepPanel(ctx, panel, sweepId);
  }

  private constructor(private readonly ctx: Ctx, readonly panel: vscode.WebviewPanel, readonly sweepId: string) {
    SweepPanel.panels.set(sweepId, this);
    const webview = panel.webview;
    const asset = (file: string) => webview.asWebviewUri(vscode.Uri.joinPath(ctx.extensionUri, 'dist', 'webview', file)).toString();
    webview.html = renderDashboardHtml({ cspSource: webview.cspSource, nonce: randomBytes(16).toString('base64'), scriptUri: asset('sweep.js'), styleUri: asset('sweep.css'), title: panel.title });
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      webview.onDidReceiveMessage((message: unknown) => void this.onMessage(message as SweepWebviewMessage)),
      ctx.runs.onDidChange((runId) => {
        if (runId === undefined || runId.startsWith(`${sweepId}/`)) this.scheduleRefresh();
      }),
      panel.onDidChangeViewState(() => { if (panel.visible) this.scheduleRefresh(); }),
    );
  }

  private scheduleRefresh(): void {
    if (!this.ready || this.refreshTimer || !this.panel.visible) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      void this.sendResults();
    }, REFRESH_INTERVAL_MS);
  }

  private async sendResults(): Promise<void> {
    try {
      const results = await this.ctx.client.sendRequest(SweepResultsRequest.type, { sweepId: this.sweepId });
      const message: SweepHostMessage = { type: 'results', results };
      void this.panel.webview.postMessage(message);
    } catch (error) {
      this.ctx.log.warn(`sweep view ${this.sweepId}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private async onMessage(message: SweepWebviewMessage): Promise<void> {
    if (!message || typeof message !== 'object') return;
    try {
      if (message.type === 'ready') {
        this.ready = true;
        await this.sendResults();
      } else if (message.type === 'compare' && Array.isArray(message.runIds) && message.runIds.every((id) => typeof id === 'string')) {
        DashboardPanel.createOrShow(this.ctx, message.runIds);
      } else if (message.type === 'exportCsv' && typeof message.csv === 'string') {
        await this.save(`${this.sweepId}-results.csv`, { 'CSV files': ['csv'] }, new TextEncoder().encode(message.csv));
      } else if (message.type === 'exportPng' && typeof message.dataUrl === 'string') {
        await this.save(`${this.sweepId}-accuracy-vs-sparsity.png`, { 'PNG images': ['png'] }, decodePngDataUrl(message.dataUrl));
      }
    } catch (error) {
      void vscode.window.showErrorMessage(`RigL sweep view: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private async save(suggestedName: string, filters: Record<string, string[]>, bytes: Uint8Array): Promise<void> {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const target = await vscode.window.showSaveDialog({ title: `Save ${suggestedName}`, filters, ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, suggestedName) } : {}) });
    if (!target) return;
    await vscode.workspace.fs.writeFile(target, bytes);
    void vscode.window.showInformationMessage(`Saved ${vscode.workspace.asRelativePath(target)}`);
  }

  private dispose(): void {
    clearTimeout(this.refreshTimer);
    if (SweepPanel.panels.get(this.sweepId) === this) SweepPanel.panels.delete(this.sweepId);
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
  }
}
