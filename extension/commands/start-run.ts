// RigL: Start Run — the config in the active editor (or the file a menu passed); unsaved text is
// sent as is. Refused in Restricted Mode. Opens the new run's dashboard beside the editor.
import * as vscode from 'vscode';
import { StartRunRequest } from '../../server/protocol.js';
import type { Cmd, Ctx } from '../context.js';
import { DashboardPanel } from '../dashboard-panel.js';
import { LANGUAGE_ID } from '../language-client.js';
import { showRequestError } from '../request-errors.js';
import { requireTrust } from '../workspace-trust.js';

/** The config to run: a Uri from a menu, else the active rigl-config editor, else a pick of the workspace's configs. */
async function configDocument(argument: unknown): Promise<vscode.TextDocument | undefined> {
  if (argument instanceof vscode.Uri) return vscode.workspace.openTextDocument(argument);
  const active = vscode.window.activeTextEditor?.document;
  if (active?.languageId === LANGUAGE_ID) return active;
  const files = await vscode.workspace.findFiles('**/*.{rigl.yaml,rigl.yml}', '**/node_modules/**', 200);
  if (files.length === 0) {
    void vscode.window.showInformationMessage('RigL: open a *.rigl.yaml config to start a run (RigL: New Config… writes one).');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    files.map((uri) => ({ label: vscode.workspace.asRelativePath(uri), uri })),
    { title: 'RigL: Start Run', placeHolder: 'Which config?' },
  );
  return picked ? vscode.workspace.openTextDocument(picked.uri) : undefined;
}

export function startRun(ctx: Ctx): Cmd {
  return async (argument?: unknown) => {
    if (!(await requireTrust('start a training run'))) return;
    const document = await configDocument(argument);
    if (!document) return;
    const uri = ctx.client.code2ProtocolConverter.asUri(document.uri);
    // The server reads saved files itself; what the user sees in the editor is what runs.
    const text = document.isDirty || document.isUntitled ? document.getText() : undefined;
    try {
      const started = await ctx.client.sendRequest(StartRunRequest.type, { uri, ...(text !== undefined ? { text } : {}) });
      ctx.runs.addStarted({ runId: started.runId, dir: started.dir, name: started.runId, state: 'queued', step: 0, totalSteps: 0, updatedAt: Date.now() });
      void ctx.runs.refresh();
      DashboardPanel.createOrShow(ctx, [started.runId], { preserveFocus: true });
      if (started.queued) {
        void vscode.window.showInformationMessage(`RigL: ${started.runId} is queued; it starts when a running run ends (rigl.maxConcurrentRuns).`);
      }
    } catch (error) {
      await showRequestError(`cannot start ${vscode.workspace.asRelativePath(document.uri)}`, error);
    }
  };
}
