// Document symbols (outline, breadcrumbs): every key of the config with its nested keys, from the
// YAML document as parsed (a partly broken file still shows what did parse).
import { isMap, isPair, isScalar, isSeq, parseDocument, type Node as YamlNode, type Pair } from 'yaml';
import type { DocumentSymbol, SymbolKind } from 'vscode-languageserver-types';
import { toLspRange } from './lsp-range.js';
import { schemaAt } from './schema.js';

const KIND = { module: 2, string: 15, number: 16, boolean: 17, array: 18, null: 21, enumMember: 22 } as const satisfies Record<string, SymbolKind>;

function kindOf(value: YamlNode | null, path: string[]): SymbolKind {
  if (isMap(value)) return KIND.module;
  if (isSeq(value)) return KIND.array;
  if (!isScalar(value) || value.value === null) return KIND.null;
  if (schemaAt(path)?.enum) return KIND.enumMember;
  switch (typeof value.value) {
    case 'number': return KIND.number;
    case 'boolean': return KIND.boolean;
    default: return KIND.string;
  }
}

function symbolsOf(text: string, items: readonly unknown[], parentPath: string[]): DocumentSymbol[] {
  const symbols: DocumentSymbol[] = [];
  for (const item of items) {
    if (!isPair(item)) continue;
    const { key, value } = item as Pair<YamlNode, YamlNode | null>;
    if (!isScalar(key) || !key.range) continue;
    const name = String(key.value);
    const path = [...parentPath, name];
    let end = value?.range?.[1] ?? key.range[1];
    while (end > key.range[1] && /\s/.test(text[end - 1])) end--; // a block value's range takes the newline
    const symbol: DocumentSymbol = {
      name,
      kind: kindOf(value, path),
      range: toLspRange(text, [key.range[0], end]),
      selectionRange: toLspRange(text, [key.range[0], key.range[1]]),
    };
    if (isMap(value)) symbol.children = symbolsOf(text, value.items, path);
    else if (value?.range) symbol.detail = text.slice(value.range[0], value.range[1]).trim();
    symbols.push(symbol);
  }
  return symbols;
}

export function documentSymbols(text: string): DocumentSymbol[] {
  const doc = parseDocument(text, { prettyErrors: false });
  return isMap(doc.contents) ? symbolsOf(text, doc.contents.items, []) : [];
}
