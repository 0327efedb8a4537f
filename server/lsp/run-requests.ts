// The rigl/ run requests on the connection, answered by the RunManager: start (from an open
// document's text or the file on disk), stop, resume, list and history. Failures become ResponseErrors.
import { isAbsolute, relative } from 'node:path';
import { ErrorCodes, LSPErrorCodes, ResponseError, type Connection, type TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { ConfigError, readConfigFile } from '../config/load.js';
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
  connection.onRequest(StartRunRequest.type, (raw) => answer(async () => {
    const params = paramsOf(StartRunRequest.method, raw);
    const uri = stringParam(StartRunRequest.method, params, 'uri');
    const text = optionalParam(StartRunRequest.method, params, 'text', (v): v is string => typeof v === 'string', 'a string');
    const overrides = optionalParam(StartRunRequest.method, params, 'overrides', (v): v is string[] => Array.isArray(v) && v.every((o) => typeof o === 'string'), 'a list of strings');
    const source = configSource(uri, text, documents, workspaceRoot());
    return manager.start({ configText: source.text, configFile: source.file, overrides: overrides ?? [] });
  }));
  connection.onRequest(StopRunRequest.type, (raw) => answer(async () => manager.stop(runIdParam(StopRunRequest.method, raw))));
  connection.onRequest(ResumeRunRequest.type, (raw) => answer(async () => {
    const { runId, queued } = await manager.resume(runIdParam(ResumeRunRequest.method, raw));
    return { runId, queued };
  }));
  connection.onRequest(ListRunsRequest.type, () => answer(async () => ({ runs: manager.list() })));
  connection.onRequest(RunHistoryRequest.type, (raw) => answer(async () => manager.history(runIdParam(RunHistoryRequest.method, raw))));
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

/** A request's parameters as an object; anything else is InvalidParams, not a TypeError from deep inside. */
function paramsOf(method: string, params: unknown): Record<string, unknown> {
  if (params === null || typeof params !== 'object' || Array.isArray(params)) throw invalidParams(`${method}: expected an object of parameters`);
  return params as Record<string, unknown>;
}

function stringParam(method: string, params: Record<string, unknown>, key: string): string {
  const value = params[key];
  if (typeof value !== 'string' || value.length === 0) throw invalidParams(`${method}: \`${key}\` must be a non-empty string; got ${describeValue(value)}`);
  return value;
}

function optionalParam<T>(method: string, params: Record<string, unknown>, key: string, is: (value: unknown) => value is T, what: string): T | undefined {
  const value = params[key];
  if (value === undefined || value === null) return undefined;
  if (!is(value)) throw invalidParams(`${method}: \`${key}\` must be ${what}; got ${describeValue(value)}`);
  return value;
}

function runIdParam(method: string, raw: unknown): string {
  return stringParam(method, paramsOf(method, raw), 'runId');
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'string' ? 'an empty string' : typeof value;
}

function invalidParams(message: string): ResponseError<void> {
  return new ResponseError(ErrorCodes.InvalidParams, message);
}

/** The text to run: what the client sent, else the open document's, else the saved *.rigl.yaml file's. */
function configSource(uri: string, text: string | undefined, documents: TextDocuments<TextDocument>, root: string): { text: string; file: string } {
  const path = uriToPath(uri);
  // Messages name the file as the user sees it in the workspace.
  const file = path ? shortPath(path, root) : uri;
  if (text !== undefined) return { text, file };
  const open = documents.get(uri);
  if (open) return { text: open.getText(), file };
  if (!path) throw new ConfigError(`${uri}: not open and not a file on disk; send its text with the request`);
  // Only the language's own files are read from disk: another file's lines must never come back in an error.
  if (!/\.rigl\.ya?ml$/i.test(path)) throw new ConfigError(`${file}: not a RigL config; runs start from *.rigl.yaml files`);
  return { text: readConfigFile(path, file), file };
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
