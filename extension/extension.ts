// Entry of the VS Code extension (dist/extension.js): wires the language client, the runs model,
// views, status items, dashboards and commands together. Everything here is glue.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { registerCommands } from './commands/index.js';
import type { Ctx } from './context.js';
import { DashboardPanel } from './dashboard-panel.js';
import { createLanguageClient } from './language-client.js';
import { onSelectedPythonChange } from './python-interpreter.js';
import { RunsModel } from './runs-model.js';
import { registerRunsView } from './runs-view.js';
import { registerServerStatusItem } from './server-status-item.js';
import { registerRunStatusBar } from './status-bar.js';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const log = vscode.window.createOutputChannel('RigL Studio', { log: true });
  client = createLanguageClient(context.extensionUri, log);
  const runs = new RunsModel(client, log);
  const ctx: Ctx = { extensionUri: context.extensionUri, client, runs, log, workspaceState: context.workspaceState };
  // Registered before the server starts: the serializer must exist during activation, and
  // commands wait on the client themselves.
  context.subscriptions.push(
    log,
    runs,
    registerCommands(ctx),
    registerRunsView(runs),
    registerRunStatusBar(runs),
    registerServerStatusItem(runs),
    DashboardPanel.registerSerializer(ctx),
  );
  try {
    await client.start();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    log.error(`the RigL language server did not start: ${message}`);
    void vscode.window.showErrorMessage(`RigL Studio: the language server did not start (${message}). See the "RigL Studio" output.`);
    return;
  }
  await runs.refresh();
  // Another interpreter selected in the Python extension: the server pulls the settings again.
  const activeClient = client;
  context.subscriptions.push(await onSelectedPythonChange(() => void activeClient.sendNotification('workspace/didChangeConfiguration', { settings: null })));
}

export async function deactivate(): Promise<void> {
  // Stopping the client lets the server ask running trainers to checkpoint before it exits.
  await client?.stop();
  client = undefined;
}
