// The language server's options from the `rigl.*` settings: its runs folder and how many runs
// train at once, sent as initializationOptions (the server pulls later changes itself).
import * as vscode from 'vscode';
import type { RiglInitializationOptions } from '../server/protocol.js';

export const SETTINGS_SECTION = 'rigl';

export function initializationOptions(): RiglInitializationOptions {
  const settings = vscode.workspace.getConfiguration(SETTINGS_SECTION);
  const options: RiglInitializationOptions = {};
  const runsDirectory = settings.get<string>('runsDirectory');
  if (runsDirectory && runsDirectory.trim() !== '') options.runsDirectory = runsDirectory;
  const maxConcurrentRuns = settings.get<number>('maxConcurrentRuns');
  if (typeof maxConcurrentRuns === 'number') options.maxConcurrentRuns = maxConcurrentRuns;
  const pythonPath = settings.get<string>('pythonPath');
  if (pythonPath && pythonPath.trim() !== '') options.pythonPath = pythonPath;
  return options;
}
