// The rigl/ run requests on the connection, answered by the RunManager: start (from an open
// document's text or the file on disk), stop, resume, list and history. Failures become ResponseErrors.
import { readFileSync } from 'node:fs';
import { isAbsolute, relative } from 'node:path';
import { LSPErrorCodes, ResponseError, type Connection, type TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { ConfigError } from '../config/load.js';
import { ListRunsRequest, ResumeRunRequest, RunHistoryRequest, StartRunRequest, StartSweepRequest, StopRunRequest, SweepResultsRequest } from '../protocol.js';
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { openSweep } from '../sweeps/open.js';
import { submitLocal } from '../sweeps/local.js';
import { readSweepResults } from '../sweeps/results.js';
import { slurmStates } from '../sweeps/slurm.js';
import type { RunManager } from '../runs/manager.js';
import { uriToPath } from './settings.js';

export function registerRunRequests(connection: Connection, documents: TextDocuments<TextDocument>, manager: RunManager, workspaceRoot: () => string): void {
  connection.onRequest(StartRunRequest.type, (params) => answer(async () => {
    const { text, file } = configSource(params.uri, params.text, documents, workspaceRoot());
    return manager.start({ configText: text, configFile: file, overrides: params.overrides ?? [] });
  }));
  connection.onRequest(StopRunRequest.type, (params) => answer(async () => manager.stop(params.runId)));
  connection.onRequest(ResumeRunRequest.type, (params) => answer(async () => {
    const { runId, queued } = await manager.resume(params.runId);
    return { runId, queued };
  }));
  connection.onRequest(ListRunsRequest.type, () => answer(async () => ({ runs: manager.list() })));
  connection.onRequest(RunHistoryRequest.type, (params) => answer(async () => manager.history(params.runId)));
  connection.onRequest(StartSweepRequest.type, (params) => answer(async () => {
    const { text, file } = configSource(params.uri, params.text, documents, workspaceRoot());
    const path = uriToPath(params.uri);
    const sweep = await openSweep(text, { cwd: workspaceRoot(), file, ...(path ? { configPath: path } : {}), runsRoot: manager.runsRoot, env: { fileExists: (p) => existsSync(isAbsolute(p) ? p : join(workspaceRoot(), p)) } });
    const submission = await submitLocal(manager, sweep);
    return { sweepId: basename(sweep.dir), dir: sweep.dir, runs: sweep.runs.length, started: submission.started, skipped: submission.skipped.length };
  }));
  connection.onRequest(SweepResultsRequest.type, (params) => answer(async () => {
    if (!/^[A-Za-z0-9._-]+$/.test(params.sweepId) || params.sweepId === '..' || params.sweepId === '.') throw new Error(`invalid sweep id: ${JSON.stringify(params.sweepId)}`);
    const dir = join(manager.runsRoot, params.sweepId);
    const results = readSweepResults(dir, slurmStates(dir));
    // Live states of runs this server trains are fresher than their summaries.
    const runs = results.runs.map((run) => ({ ...run, state: manager.liveState(`${params.sweepId}/${run.runId}`) ?? run.state }));
    return { ...results, sweepId: params.sweepId, runs };
  }));
}

/** The text to run: what the client sent, else the open document's, else the saved file's. */
function configSource(uri: string, text: string | undefined, documents: TextDocuments<TextDocument>, root: string): { text: string; file: string } {
  const path = uriToPath(uri);
  // Messages name the file as the user sees it in the workspace.
  const file = path ? shortPath(path, root) : uri;
  if (text !== undefined) return { text, file };
  const open = documents.get(uri);
  if (open) return { text: open.getText(), file };
  if (!path) throw new ConfigError(`${uri}: not open and not a file on disk; send its text with the request`);
  try {
    return { text: readFileSync(path, 'utf8'), file };
  } catch (error) {
    throw new ConfigError(`${file}: cannot read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
}

function shortPath(path: string, root: string): string {
  const inside = relative(root, path);
  return inside && !inside.startsWith('..') && !isAbsolute(inside) ? inside : path;
}

/** Config problems and refused operations answer RequestFailed with a readable message (and the problems as data). */
async function answer<T>(compute: () => Promise<T>): Promise<T> {
  try {
    return await compute();
  } catch (error) {
    if (error instanceof ResponseError) throw error;
    if (error instanceof ConfigError) throw new ResponseError(LSPErrorCodes.RequestFailed, error.message, { problems: error.problems.map((p) => ({ code: p.code, message: p.message, path: p.path })) });
    throw new ResponseError(LSPErrorCodes.RequestFailed, error instanceof Error ? error.message : String(error));
  }
}
