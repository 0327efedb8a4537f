// RigL: Start Sweep — the sweep: section of the config in the active editor (or the file a menu
// passed): every unfinished run is queued (rigl.maxConcurrentRuns); opens the sweep view.
import * as vscode from 'vscode';
import { StartSweepRequest } from '../../server/protocol.js';
import type { Cmd, Ctx } from '../context.js';
import { LANGUAGE_ID } from '../language-client.js';
import { showRequestError } from '../request-errors.js';
import { SweepPanel } from '../sweep-panel.js';
import { requireTrust } from '../workspace-trust.js';

export function startSweep(ctx: Ctx): Cmd {
  return async (argument?: unknown) => {
    if (!(await requireTrust('start a sweep of training runs'))) return;
    const document = argument instanceof vscode.Uri ? await vscode.workspace.openTextDocument(argument) : vscode.window.activeTextEditor?.document;
    if (!document || document.languageId !== LANGUAGE_ID) {
      void vscode.window.showInformationMessage('RigL: open a *.rigl.yaml config with a sweep: section to start a sweep.');
      return;
    }
    const uri = ctx.client.code2ProtocolConverter.asUri(document.uri);
    const text = document.isDirty || document.isUntitled ? document.getText() : undefined;
    try {
      const started = await ctx.client.sendRequest(StartSweepRequest.type, { uri, ...(text !== undefined ? { text } : {}) });
      void ctx.runs.refresh();
      SweepPanel.createOrShow(ctx, started.sweepId);
      void vscode.window.showInformationMessage(`RigL: sweep ${started.sweepId}: ${started.started.length} of ${started.runs} runs started or queued${started.skipped ? `, ${started.skipped} already completed or training` : ''}.`);
    } catch (error) {
      await showRequestError(`cannot start the sweep of ${vscode.workspace.asRelativePath(document.uri)}`, error);
    }
  };
}

/** RigL: Open Sweep Results — from the runs view's sweep item, or a pick of the sweeps listed. */
export function openSweep(ctx: Ctx): Cmd {
  return async (argument?: unknown) => {
    let sweepId = typeof argument === 'string' ? argument.replace(/^sweep:/, '') : undefined;
    if (!sweepId) {
      const sweeps = [...new Set(ctx.runs.all().flatMap((row) => (row.sweep ? [row.sweep] : [])))];
      if (sweeps.length === 0) {
        void vscode.window.showInformationMessage('RigL: no sweeps yet. Start one with RigL: Start Sweep.');
        return;
      }
      sweepId = await vscode.window.showQuickPick(sweeps, { title: 'RigL: Open Sweep Results' });
    }
    if (sweepId) SweepPanel.createOrShow(ctx, sweepId);
  };
}
