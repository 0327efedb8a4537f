// Workspace trust for anything that trains: a run executes the trainer on the workspace's config
// and data, so in Restricted Mode it is refused with an explanation and a way to trust.
import * as vscode from 'vscode';

const MANAGE_TRUST = 'Manage Workspace Trust';

/** True when the workspace is trusted; otherwise explains why `action` is refused and returns false. */
export async function requireTrust(action: string): Promise<boolean> {
  if (vscode.workspace.isTrusted) return true;
  const choice = await vscode.window.showWarningMessage(
    `RigL: cannot ${action} in Restricted Mode. A run executes the trainer on this workspace's config and data files, so RigL Studio only checks configs until you trust this folder.`,
    MANAGE_TRUST,
  );
  if (choice === MANAGE_TRUST) await vscode.commands.executeCommand('workbench.trust.manage');
  return false;
}
