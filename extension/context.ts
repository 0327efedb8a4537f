// What every command and view shares: the language client, the runs model, the output channel
// and the extension's own files. Built once in activate(); commands receive it.
import type * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { RunsModel } from './runs-model.js';

export interface Ctx {
  readonly extensionUri: vscode.Uri;
  readonly client: LanguageClient;
  readonly runs: RunsModel;
  readonly log: vscode.LogOutputChannel;
  /** Per-workspace memory (the open dashboards' run ids, for restoring them after a reload). */
  readonly workspaceState: vscode.Memento;
}

/** A command's handler; arguments come from menus (a tree element, a resource Uri) or are absent. */
export type Cmd = (...args: unknown[]) => Promise<void>;
