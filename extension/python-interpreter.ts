// The interpreter selected in the Python extension (ms-python.python), through its public API, when
// it is installed: the default Python for pytorch runs after `rigl.pythonPath`.
import * as vscode from 'vscode';
import { PythonExtension } from '@vscode/python-extension';

const PYTHON_EXTENSION_ID = 'ms-python.python';

async function pythonApi(): Promise<PythonExtension | undefined> {
  if (!vscode.extensions.getExtension(PYTHON_EXTENSION_ID)) return undefined;
  try {
    return await PythonExtension.api();
  } catch {
    return undefined;
  }
}

/** The selected interpreter's executable, or undefined without the Python extension (or a selection). */
export async function selectedPythonInterpreter(): Promise<string | undefined> {
  const api = await pythonApi();
  if (!api) return undefined;
  const active = api.environments.getActiveEnvironmentPath();
  const resolved = await api.environments.resolveEnvironment(active).catch(() => undefined);
  return resolved?.executable.uri?.fsPath ?? active.path;
}

/** Calls `listener` when the user selects another interpreter; nothing without the Python extension. */
export async function onSelectedPythonChange(listener: () => void): Promise<vscode.Disposable> {
  const api = await pythonApi();
  return api ? api.environments.onDidChangeActiveEnvironmentPath(() => listener()) : new vscode.Disposable(() => undefined);
}
