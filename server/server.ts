// The language server (dist/server.js, over --stdio or --node-ipc): wires the config language and
// the run manager to the connection. Training happens in child processes, never in this thread.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  createConnection, DidChangeConfigurationNotification, ProposedFeatures, TextDocuments, TextDocumentSyncKind,
  type InitializeParams, type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { BackendStatus, ConfigEnvironment } from './config/environment.js';
import { RunManager } from './runs/manager.js';
import { RunMaskNotification, RunMetricsNotification, RunStatusNotification, type RiglSettings } from './protocol.js';
import { CONFIG_CAPABILITIES, registerConfigFeatures } from './lsp/config-features.js';
import { registerRunRequests } from './lsp/run-requests.js';
import { RunProgress } from './lsp/run-progress.js';
import { ServerStatusReporter } from './lsp/server-status.js';
import { initialSettings, withWorkspaceSettings, type ServerSettings } from './lsp/settings.js';
import { PROBE_FLAG, probeBackendsInChild, runBackendProbe } from './lsp/backend-probe.js';
import { PythonStatus } from './lsp/python-status.js';
import { PythonProbes } from './runs/python-interpreter.js';

/** How long `shutdown` waits for trainers to checkpoint; the rest stop on their own when the IPC channel closes. */
const SHUTDOWN_GRACE_MS = 1_500;

if (process.argv.includes(PROBE_FLAG)) {
  runBackendProbe().then(() => process.exit(0), (error: unknown) => {
    process.stderr.write(`backend probe failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
} else {
  startServer();
}

function startServer(): void {
  const connection = createConnection(ProposedFeatures.all);
  const documents = new TextDocuments(TextDocument);
  let settings: ServerSettings;
  let manager: RunManager | undefined;
  let backends: BackendStatus[] | undefined;
  let supportsConfiguration = false;
  let supportsDynamicConfiguration = false;

  // One probe per interpreter, shared by the diagnostics and the runs; an answer re-checks open configs.
  const pythonProbes = new PythonProbes();
  const python = new PythonStatus(pythonProbes, () => configFeatures.revalidateAll());
  const environment = (): ConfigEnvironment => ({
    fileExists: (path) => existsSync(resolve(settings.workspaceRoot, path)),
    ...(backends ? { backends } : {}),
    python: (configured) => python.lookup(configured),
  });
  const configFeatures = registerConfigFeatures(connection, documents, environment);
  let status: ServerStatusReporter;
  let progress: RunProgress;

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    settings = initialSettings(params);
    supportsConfiguration = params.capabilities.workspace?.configuration === true;
    supportsDynamicConfiguration = params.capabilities.workspace?.didChangeConfiguration?.dynamicRegistration === true;
    progress = new RunProgress(connection, (runId) => manager?.stop(runId));
    const runManager = new RunManager({
      runsRoot: settings.runsDirectory,
      maxConcurrentRuns: settings.maxConcurrentRuns,
      stopTimeoutMs: settings.stopTimeoutMs,
      cwd: settings.workspaceRoot,
      pythonProbes,
      ...(settings.pythonPath ? { pythonPath: settings.pythonPath } : {}),
      // RIGL_TRAINER_PATH lets tests substitute a trainer (e.g. one that crashes).
      trainerPath: process.env.RIGL_TRAINER_PATH || join(__dirname, 'trainer.js'),
    }, {
      onStatus: (runId, event) => {
        void connection.sendNotification(RunStatusNotification.type, { runId, event });
        progress.onStatus(runId, event);
        status.update({ runs: runManager.counts() });
      },
      onMetrics: (runId, events) => {
        void connection.sendNotification(RunMetricsNotification.type, { runId, events });
        progress.onMetrics(runId, events);
      },
      onMask: (runId, events) => void connection.sendNotification(RunMaskNotification.type, { runId, events }),
    });
    manager = runManager;
    python.setEditorPython(settings.pythonPath);
    registerRunRequests(connection, documents, runManager, () => settings.workspaceRoot);
    status = new ServerStatusReporter(connection, {
      health: 'ok', quiescent: !settings.probeBackends,
      message: settings.probeBackends ? 'probing compute backends' : 'ready',
      runsDirectory: settings.runsDirectory, runs: { running: 0, queued: 0 },
    });
    return {
      capabilities: { textDocumentSync: TextDocumentSyncKind.Incremental, ...CONFIG_CAPABILITIES },
      serverInfo: { name: 'rigl-studio', version: '0.1.0' },
    };
  });

  const applySettings = (next: ServerSettings) => {
    settings = next;
    manager?.setRunsRoot(next.runsDirectory);
    manager?.setMaxConcurrentRuns(next.maxConcurrentRuns);
    manager?.setPythonPath(next.pythonPath);
    python.setEditorPython(next.pythonPath);
    status.update({ runsDirectory: next.runsDirectory });
  };
  const pullSettings = async () => {
    if (!supportsConfiguration) return;
    try {
      applySettings(withWorkspaceSettings(settings, (await connection.workspace.getConfiguration('rigl')) as RiglSettings));
    } catch (error) {
      connection.console.warn(`could not read the rigl settings: ${error instanceof Error ? error.message : String(error)}`);
    }
  };

  connection.onInitialized(() => {
    status.start();
    if (supportsDynamicConfiguration) void connection.client.register(DidChangeConfigurationNotification.type, { section: 'rigl' });
    void pullSettings();
    if (settings.probeBackends) void probeBackends();
  });
  connection.onDidChangeConfiguration((change) => {
    if (supportsConfiguration) void pullSettings();
    else applySettings(withWorkspaceSettings(settings, (change.settings as { rigl?: RiglSettings } | undefined)?.rigl));
  });

  const probeBackends = async () => {
    try {
      backends = await probeBackendsInChild(__filename);
      const usable = backends.filter((b) => b.available).map((b) => b.name);
      status.update({ health: 'ok', quiescent: true, message: `ready; backends here: ${usable.join(', ') || 'none'}`, backends });
    } catch (error) {
      status.update({ health: 'warning', quiescent: true, message: `backend checks are off: ${error instanceof Error ? error.message : String(error)}` });
    }
    configFeatures.revalidateAll();
  };

  connection.onShutdown(async () => {
    configFeatures.dispose();
    progress?.dispose();
    await manager?.shutdown(SHUTDOWN_GRACE_MS);
  });

  documents.listen(connection);
  connection.listen();
}
