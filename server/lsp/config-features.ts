// The config language on the connection: diagnostics (debounced per document), completion, hover,
// quick fixes, code lens and outline. Every answer comes from the pure functions in server/config/.
import type { Connection, ServerCapabilities, TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { configDiagnostics, DIAGNOSTIC_SOURCE } from '../config/diagnostics.js';
import { complete } from '../config/complete.js';
import { hover } from '../config/hover.js';
import { codeActions } from '../config/actions.js';
import { codeLenses } from '../config/lens.js';
import { documentSymbols } from '../config/symbols.js';
import type { ConfigEnvironment } from '../config/environment.js';
import { PerKeyDebouncer } from './debounce.js';

export const DIAGNOSTICS_DELAY_MS = 150;

/** The capabilities these handlers serve, for the initialize result. */
export const CONFIG_CAPABILITIES: ServerCapabilities = {
  completionProvider: { triggerCharacters: [':', ' '] },
  hoverProvider: true,
  codeActionProvider: { codeActionKinds: ['quickfix'] },
  codeLensProvider: { resolveProvider: false },
  documentSymbolProvider: true,
};

export interface ConfigFeatures {
  /** Re-checks every open document now (the environment changed, e.g. backends were probed). */
  revalidateAll(): void;
  dispose(): void;
}

export function registerConfigFeatures(connection: Connection, documents: TextDocuments<TextDocument>, environment: () => ConfigEnvironment): ConfigFeatures {
  const publish = (uri: string) => {
    const document = documents.get(uri);
    if (!document) return;
    const diagnostics = guarded(connection, `diagnostics of ${uri}`, () => configDiagnostics(document.getText(), environment()), []);
    void connection.sendDiagnostics({ uri, version: document.version, diagnostics });
  };
  const debouncer = new PerKeyDebouncer(publish, DIAGNOSTICS_DELAY_MS);
  // TextDocuments fires onDidOpen and then onDidChangeContent for an opened document.
  const justOpened = new Set<string>();
  documents.onDidOpen(({ document }) => { justOpened.add(document.uri); });
  // An opened file is checked at once; typing is checked once it pauses.
  documents.onDidChangeContent(({ document }) => debouncer.schedule(document.uri, justOpened.delete(document.uri)));
  documents.onDidClose(({ document }) => {
    debouncer.cancel(document.uri);
    void connection.sendDiagnostics({ uri: document.uri, diagnostics: [] });
  });

  const withText = <T>(uri: string, fallback: T, what: string, answer: (text: string) => T): T => {
    const document = documents.get(uri);
    return document ? guarded(connection, `${what} in ${uri}`, () => answer(document.getText()), fallback) : fallback;
  };
  connection.onCompletion(({ textDocument, position }) => withText(textDocument.uri, [], 'completion', (text) => complete(text, position)));
  connection.onHover(({ textDocument, position }) => withText(textDocument.uri, null, 'hover', (text) => hover(text, position, environment()) ?? null));
  connection.onCodeAction(({ textDocument, context }) => withText(textDocument.uri, [], 'code actions', (text) =>
    codeActions(text, textDocument.uri, context.diagnostics.filter((d) => d.source === DIAGNOSTIC_SOURCE))));
  connection.onCodeLens(({ textDocument }) => withText(textDocument.uri, [], 'code lens', codeLenses));
  connection.onDocumentSymbol(({ textDocument }) => withText(textDocument.uri, [], 'document symbols', documentSymbols));

  return {
    revalidateAll: () => { for (const document of documents.all()) debouncer.schedule(document.uri, true); },
    dispose: () => debouncer.dispose(),
  };
}

/** A bug in one feature answers empty and is logged; it must not take the server down. */
function guarded<T>(connection: Connection, what: string, compute: () => T, fallback: T): T {
  try {
    return compute();
  } catch (error) {
    connection.console.error(`${what} failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
    return fallback;
  }
}
