// Document symbols (outline, breadcrumbs): every key of the config with its nested keys, from the
// YAML document as parsed (a partly broken file still shows what did parse).
import { isMap, isPair, isScalar, isSeq, parseDocument, type Node as YamlNode, type Pair } from 'yaml';
import type { DocumentSymbol, SymbolKind } from 'vscode-languageserver-types';
import { toLspRange } from './lsp-range.js';
import { schemaAt } from './schema.js';
import { clip } from './problems.js';
import { MAX_CONFIG_CHARS, MAX_NESTING_DEPTH, MAX_SYMBOLS } from './limits.js';

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

/** How many symbols may still be made for this text (MAX_SYMBOLS in all). */
interface Budget { left: number }

function symbolsOf(text: string, items: readonly unknown[], parentPath: string[], budget: Budget): DocumentSymbol[] {
  const symbols: DocumentSymbol[] = [];
  for (const item of items) {
    if (budget.left <= 0) break;
    if (!isPair(item)) continue;
    const { key, value } = item as Pair<YamlNode, YamlNode | null>;
    if (!isScalar(key) || !key.range) continue;
    budget.left--;
    const name = clip(String(key.value));
    const path = [...parentPath, name];
    let end = value?.range?.[1] ?? key.range[1];
    while (end > key.range[1] && /\s/.test(text[end - 1])) end--; // a block value's range takes the newline
    const symbol: DocumentSymbol = {
      name,
      kind: kindOf(value, path),
      range: toLspRange(text, [key.range[0], end]),
      selectionRange: toLspRange(text, [key.range[0], key.range[1]]),
    };
    // Deeper levels than any config has are left out of the outline: the work stays bounded.
    if (isMap(value)) symbol.children = path.length < MAX_NESTING_DEPTH ? symbolsOf(text, value.items, path, budget) : [];
    else if (value?.range) symbol.detail = clip(text.slice(value.range[0], Math.min(value.range[1], value.range[0] + 200)).trim());
    symbols.push(symbol);
  }
  return symbols;
}

export function documentSymbols(text: string): DocumentSymbol[] {
  if (text.length > MAX_CONFIG_CHARS) return [];
  let doc: ReturnType<typeof parseDocument>;
  try {
    doc = parseDocument(text, { prettyErrors: false });
  } catch {
    return []; // a text the parser cannot take (nesting deeper than its stack); diagnostics say why
  }
  return isMap(doc.contents) ? symbolsOf(text, doc.contents.items, [], { left: MAX_SYMBOLS }) : [];
}
