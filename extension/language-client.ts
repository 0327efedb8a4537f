// The language client for `rigl-config` documents: dist/server.js in the extension host's own
// Node over IPC (with an inspector port when debugging the extension), settings passed along.
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { initializationOptions, SETTINGS_SECTION } from './server-options.js';
import { withEditorPython } from './pure/python-path.js';
import { selectedPythonInterpreter } from './python-interpreter.js';

export const LANGUAGE_ID = 'rigl-config';
/** Port of "Attach to Server" in .vscode/launch.json. */
export const SERVER_INSPECT_PORT = 6011;

export function createLanguageClient(extensionUri: vscode.Uri, log: vscode.LogOutputChannel): LanguageClient {
  const module = vscode.Uri.joinPath(extensionUri, 'dist', 'server.js').fsPath;
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', `--inspect=${SERVER_INSPECT_PORT}`] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: LANGUAGE_ID },
      { scheme: 'untitled', language: LANGUAGE_ID },
    ],
    initializationOptions: initializationOptions(),
    // The server registers for `rigl` changes and then pulls the section with workspace/configuration.
    synchronize: { configurationSection: SETTINGS_SECTION },
    // rigl.pythonPath, else the Python extension's interpreter: the server's Python for pytorch runs.
    middleware: {
      workspace: {
        configuration: async (params, token, next) => {
          const results = await next(params, token);
          return Array.isArray(results) ? withEditorPython(params.items, results, await selectedPythonInterpreter()) : results;
        },
      },
    },
    outputChannel: log,
  };
  return new LanguageClient('rigl', 'RigL Studio', serverOptions, clientOptions);
}
