// Shows a failed rigl/ request to the user: the server's message, and for config problems a
// button to the Problems panel (the server's ResponseError carries them as data.problems).
import * as vscode from 'vscode';
import { ResponseError } from 'vscode-languageclient/node';

const SHOW_PROBLEMS = 'Show Problems';

export async function showRequestError(what: string, error: unknown): Promise<void> {
  const message = error instanceof Error ? error.message : String(error);
  const problems = error instanceof ResponseError ? (error.data as { problems?: unknown[] } | undefined)?.problems : undefined;
  if (problems && problems.length > 0) {
    const choice = await vscode.window.showErrorMessage(`RigL: ${what}: ${message}`, SHOW_PROBLEMS);
    if (choice === SHOW_PROBLEMS) await vscode.commands.executeCommand('workbench.actions.view.problems');
    return;
  }
  await vscode.window.showErrorMessage(`RigL: ${what}: ${message}`);
}
