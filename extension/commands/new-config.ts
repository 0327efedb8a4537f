// RigL: New Config… — quick picks for dataset, model, method and sparsity (a folder for datasets
// read from disk), then writes a valid *.rigl.yaml and opens it.
import * as vscode from 'vscode';
import { DATASET_NAMES, METHODS, type DatasetName, type Method } from '../../server/config/types.js';
import type { ModelName } from '../../server/nn/spec.js';
import type { Cmd, Ctx } from '../context.js';
import { LANGUAGE_ID } from '../language-client.js';
import { datasetNeedsPath, modelsForDataset, newConfigText, suggestedConfigName } from '../pure/config-template.js';

const TITLE = 'RigL: New Config';

const DATASET_DETAILS: Record<DatasetName, string> = {
  mnist: '28×28 digits, bundled with RigL Studio',
  'fashion-mnist': '28×28 clothing images (Debian package dataset-fashion-mnist, or a folder)',
  cifar10: '32×32 colour images, binary version from a folder',
  imagenet: 'a folder of class sub-folders of JPEGs (decoded with sharp; CLI from a clone)',
  synthetic: 'generated in memory: quick checks and benchmarks',
};

const METHOD_DETAILS: Record<Method, string> = {
  rigl: 'drop by magnitude, grow by dense gradient (Evci et al. 2020)',
  set: 'drop by magnitude, grow at random',
  snfs: 'grow by momentum of the dense gradient',
  static: 'a fixed random mask',
  gmp: 'gradual magnitude pruning from dense',
  dense: 'no sparsity: the baseline',
};

const SPARSITIES = [0.5, 0.8, 0.9, 0.95, 0.98];

interface Picked<T> extends vscode.QuickPickItem {
  value: T;
}

async function pick<T>(step: string, items: Picked<T>[]): Promise<T | undefined> {
  const picked = await vscode.window.showQuickPick(items, { title: `${TITLE} (${step})`, placeHolder: step, ignoreFocusOut: true });
  return picked?.value;
}

async function pickSparsity(): Promise<number | undefined> {
  const custom = 'custom';
  const choice = await pick<number | typeof custom>('sparsity', [
    ...SPARSITIES.map((s) => ({ label: `${Math.round(s * 100)}%`, description: s === 0.9 ? 'the RigL paper\'s main setting' : '', value: s })),
    { label: 'Other…', value: custom },
  ]);
  if (choice !== custom) return choice;
  const typed = await vscode.window.showInputBox({
    title: `${TITLE} (sparsity)`, prompt: 'Global sparsity S, the fraction of weights that are zero', value: '0.9', ignoreFocusOut: true,
    validateInput: (text) => {
      const value = Number(text);
      return Number.isFinite(value) && value >= 0 && value < 1 ? undefined : 'A number in [0, 1), e.g. 0.9';
    },
  });
  return typed === undefined ? undefined : Number(typed);
}

async function pickDatasetFolder(dataset: DatasetName): Promise<string | undefined> {
  const folders = await vscode.window.showOpenDialog({
    title: `${TITLE}: the ${dataset} folder`, canSelectFolders: true, canSelectFiles: false, canSelectMany: false, openLabel: 'Use this folder',
  });
  const folder = folders?.[0];
  if (!folder) return undefined;
  // Inside the workspace the path stays relative, so the config travels with the folder.
  const relative = vscode.workspace.asRelativePath(folder, false);
  return relative === folder.fsPath ? folder.fsPath : relative;
}

/** Where to write: a name not yet taken in the first workspace folder, confirmed in a save dialog. */
async function targetFile(baseName: string): Promise<vscode.Uri | undefined> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  let suggestion = folder ? vscode.Uri.joinPath(folder, `${baseName}.rigl.yaml`) : undefined;
  for (let n = 2; suggestion && (await exists(suggestion)); n++) suggestion = vscode.Uri.joinPath(folder!, `${baseName}-${n}.rigl.yaml`);
  return vscode.window.showSaveDialog({ title: TITLE, filters: { 'RigL config': ['rigl.yaml', 'rigl.yml'] }, ...(suggestion ? { defaultUri: suggestion } : {}) });
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

/** The run name is the file's name, so runs and configs match up. */
function nameFromFile(uri: vscode.Uri): string {
  const file = uri.path.split('/').pop() ?? 'run';
  return file.replace(/\.rigl\.ya?ml$/, '').replace(/\.ya?ml$/, '') || 'run';
}

export function newConfig(_ctx: Ctx): Cmd {
  return async () => {
    const dataset = await pick('dataset', DATASET_NAMES.map((name) => ({ label: name, detail: DATASET_DETAILS[name], value: name })));
    if (!dataset) return;
    const model = await pick<ModelName>('model', modelsForDataset(dataset).map((name) => ({ label: name, value: name })));
    if (!model) return;
    const method = await pick('method', METHODS.map((name) => ({ label: name, detail: METHOD_DETAILS[name], value: name })));
    if (!method) return;
    const sparsity = method === 'dense' ? 0 : await pickSparsity();
    if (sparsity === undefined) return;
    let datasetPath: string | undefined;
    if (datasetNeedsPath(dataset)) {
      datasetPath = await pickDatasetFolder(dataset);
      if (!datasetPath) return;
    }
    const choices = { model, dataset, method, sparsity, ...(datasetPath ? { datasetPath } : {}) };
    const target = await targetFile(suggestedConfigName(choices));
    if (!target) {
      // No file chosen (or no folder open): still give the user the text, unsaved.
      if (vscode.workspace.workspaceFolders?.length) return;
      const document = await vscode.workspace.openTextDocument({ language: LANGUAGE_ID, content: newConfigText(choices) });
      await vscode.window.showTextDocument(document);
      return;
    }
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(newConfigText(choices, nameFromFile(target))));
    await vscode.window.showTextDocument(target);
  };
}
