// RigL: Show Trainer Log — opens <run folder>/trainer.log (the trainer's own output) in an editor.
import * as vscode from 'vscode';
import type { Cmd, Ctx } from '../context.js';
import { pickRun } from '../run-picker.js';

export const TRAINER_LOG_FILE = 'trainer.log';

export function showTrainerLog(ctx: Ctx): Cmd {
  return async (argument?: unknown) => {
    const row = await pickRun(ctx.runs, argument, { title: 'RigL: Show Trainer Log', filter: () => true, noneMessage: 'RigL: no runs yet.' });
    if (!row) return;
    if (!row.dir) await ctx.runs.refresh();
    const dir = ctx.runs.get(row.runId)?.dir;
    if (!dir) return;
    const log = vscode.Uri.joinPath(vscode.Uri.file(dir), TRAINER_LOG_FILE);
    try {
      await vscode.workspace.fs.stat(log);
    } catch {
      void vscode.window.showInformationMessage(`RigL: ${row.name} has no ${TRAINER_LOG_FILE} yet.`);
      return;
    }
    await vscode.window.showTextDocument(log, { preview: true });
  };
}
