// The language status item beside rigl-config editors: the server's health and which compute
// backends it found (from rigl/serverStatus), busy while it still probes them.
import * as vscode from 'vscode';
import type { ServerStatus } from '../server/protocol.js';
import { LANGUAGE_ID } from './language-client.js';
import type { RunsModel } from './runs-model.js';

const SEVERITY = {
  ok: vscode.LanguageStatusSeverity.Information,
  warning: vscode.LanguageStatusSeverity.Warning,
  error: vscode.LanguageStatusSeverity.Error,
} as const;

export function registerServerStatusItem(runs: RunsModel): vscode.Disposable {
  const item = vscode.languages.createLanguageStatusItem('rigl.server', { language: LANGUAGE_ID });
  item.name = 'RigL Studio';
  item.text = 'RigL: starting';
  item.busy = true;
  const show = (status: ServerStatus) => {
    item.text = `RigL: ${status.message}`;
    item.severity = SEVERITY[status.health];
    item.busy = !status.quiescent;
    item.detail = status.runs.running + status.runs.queued > 0 ? `${status.runs.running} running, ${status.runs.queued} queued` : undefined;
    item.command = { command: 'rigl.runs.focus', title: 'Show Runs' };
  };
  const subscription = runs.onDidChangeServerStatus(show);
  if (runs.serverStatus) show(runs.serverStatus);
  return vscode.Disposable.from(item, subscription);
}
