// The server's settings: the workspace root, the runs folder and the run limits, from the
// initialize request's options and folders, then from the client's `rigl` settings section.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { InitializeParams } from 'vscode-languageserver/node';
import type { RiglInitializationOptions, RiglSettings } from '../protocol.js';

export interface ServerSettings {
  /** The first workspace folder (or the server's cwd): trainers run here, relative dataset paths resolve here. */
  workspaceRoot: string;
  runsDirectory: string;
  maxConcurrentRuns: number;
  stopTimeoutMs: number;
  probeBackends: boolean;
  /** The editor's Python for pytorch runs whose config names none. */
  pythonPath?: string;
}

export function initialSettings(params: InitializeParams, cwd = process.cwd()): ServerSettings {
  const options = (params.initializationOptions ?? {}) as RiglInitializationOptions;
  const folder = params.workspaceFolders?.[0]?.uri ?? params.rootUri ?? undefined;
  const workspaceRoot = folder ? uriToPath(folder) ?? cwd : cwd;
  return {
    workspaceRoot,
    runsDirectory: resolve(workspaceRoot, nonEmptyString(options.runsDirectory) ?? 'runs'),
    maxConcurrentRuns: positiveInteger(options.maxConcurrentRuns) ?? 1,
    stopTimeoutMs: (positiveNumber(options.stopTimeoutSeconds) ?? 30) * 1000,
    probeBackends: options.probeBackends !== false,
    ...(nonEmptyString(options.pythonPath) ? { pythonPath: nonEmptyString(options.pythonPath) } : {}),
  };
}

/** The live `rigl.*` settings override the initial values they name; anything malformed is ignored. */
export function withWorkspaceSettings(settings: ServerSettings, section: RiglSettings | null | undefined): ServerSettings {
  if (!section || typeof section !== 'object') return settings;
  const runsDirectory = nonEmptyString(section.runsDirectory);
  const { pythonPath: _previous, ...rest } = settings;
  const pythonPath = nonEmptyString(section.pythonPath);
  return {
    ...rest,
    // An empty setting means "none": the default search applies again.
    ...(pythonPath ? { pythonPath } : {}),
    runsDirectory: runsDirectory ? resolve(settings.workspaceRoot, runsDirectory) : settings.runsDirectory,
    maxConcurrentRuns: positiveInteger(section.maxConcurrentRuns) ?? settings.maxConcurrentRuns,
  };
}

export function uriToPath(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function positiveNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
}

function positiveInteger(value: unknown): number | undefined {
  const n = positiveNumber(value);
  return n !== undefined && n >= 1 ? Math.floor(n) : undefined;
}
