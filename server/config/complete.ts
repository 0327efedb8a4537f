// Completion for *.rigl.yaml: the keys of the mapping at the cursor (minus those written), enum
// and boolean values, layer names for overrides. Text-based, so it works while the user types.
import type { CompletionItem, CompletionItemKind, InsertTextFormat, InsertTextMode } from 'vscode-languageserver-types';
import { schemaAt, type SchemaNode } from './schema.js';
import { cursorContext, type CursorContext } from './cursor.js';
import { positionToOffset, type Position } from './positions.js';
import { toLspRange } from './lsp-range.js';
import { inlineYaml, schemaMarkdown, typeLabel } from './schema-docs.js';
import { overrideCandidates } from './validators/overrides.js';
import { getModelSpec, isModelName } from '../nn/specs.js';

const PROPERTY: CompletionItemKind = 10;
const VALUE: CompletionItemKind = 12;
const ENUM_MEMBER: CompletionItemKind = 20;
const FIELD: CompletionItemKind = 5;
const PLAIN_TEXT: InsertTextFormat = 1;
const SNIPPET: InsertTextFormat = 2;
const ADJUST_INDENTATION: InsertTextMode = 2;

export function complete(text: string, position: Position): CompletionItem[] {
  const context = cursorContext(text, positionToOffset(text, position));
  if (!context) return [];
  return context.kind === 'key' ? keyItems(text, context) : valueItems(text, context);
}

function sortText(index: number): string {
  return String(index).padStart(3, '0');
}

/** A snippet placeholder for a value: a choice for enums and booleans, else the default. */
function placeholder(node: SchemaNode | undefined, tabstop: number): string {
  if (!node) return `\${${tabstop}}`;
  const escape = (value: unknown) => String(value).replace(/[$}\\,|]/g, '\\$&');
  if (node.enum) {
    const values = node.default !== undefined ? [node.default, ...node.enum.filter((v) => v !== node.default)] : [...node.enum];
    return `\${${tabstop}|${values.map(escape).join(',')}|}`;
  }
  if (node.type === 'boolean') return `\${${tabstop}|${node.default === false ? 'false,true' : 'true,false'}|}`;
  if (node.default !== undefined) return `\${${tabstop}:${escape(inlineYaml(node.default))}}`;
  return node.type === 'array' ? `[\${${tabstop}}]` : `\${${tabstop}}`;
}

/** What a key item inserts: `key: value`, or a nested block with the required children. */
function keySnippet(key: string, node: SchemaNode, context: CursorContext): string {
  if (context.colonFollows) return key;
  if (node.type !== 'object') return `${key}: ${placeholder(node, 1)}`;
  if (context.flow) return `${key}: { $1 }`;
  const required = node.required ?? [];
  if (required.length === 0) return `${key}:\n  $0`;
  return [`${key}:`, ...required.map((child, i) => `  ${child}: ${placeholder(node.properties?.[child], i + 1)}`)].join('\n');
}

function keyItems(text: string, context: CursorContext): CompletionItem[] {
  const parent = schemaAt(context.parentPath);
  if (parent?.type !== 'object') return [];
  const range = toLspRange(text, context.wordRange);
  if (!parent.properties) return context.parentPath.join('.') === 'sparsity.overrides' ? layerItems(text, context) : [];
  return Object.entries(parent.properties)
    .filter(([key]) => !context.siblings.has(key))
    .map(([key, node], index): CompletionItem => {
      const newText = keySnippet(key, node, context);
      const required = parent.required?.includes(key);
      return {
        label: key,
        kind: PROPERTY,
        detail: `${required ? 'required · ' : ''}${typeLabel(node)}${node.default !== undefined && node.type !== 'object' ? ` = ${inlineYaml(node.default)}` : ''}`,
        documentation: { kind: 'markdown', value: schemaMarkdown([...context.parentPath, key], node) },
        insertText: newText,
        insertTextFormat: context.colonFollows ? PLAIN_TEXT : SNIPPET,
        insertTextMode: ADJUST_INDENTATION,
        textEdit: { range, newText },
        filterText: key,
        sortText: sortText(required ? index : 100 + index),
      };
    });
}

/** Layer names (and stage globs) of the config's model, for `sparsity.overrides` keys. */
function layerItems(text: string, context: CursorContext): CompletionItem[] {
  const model = /^model:\s*["']?([\w.-]+)/m.exec(text)?.[1];
  if (!model || !isModelName(model)) return [];
  const layers = getModelSpec(model).layers;
  const range = toLspRange(text, context.wordRange);
  const byName = new Map(layers.map((layer) => [layer.name, layer]));
  return overrideCandidates(layers.map((l) => l.name))
    .filter((name) => !context.siblings.has(name))
    .map((name, index): CompletionItem => {
      const layer = byName.get(name);
      const newText = context.colonFollows ? name : `${name}: \${1:0.5}`;
      return {
        label: name, kind: FIELD,
        detail: layer ? `${layer.kind} ${layer.shape.join('×')} · ${layer.params.toLocaleString('en-US')} weights` : `every layer matching ${name}`,
        documentation: { kind: 'markdown', value: 'The sparsity of the matching layers; they leave the global budget.' },
        insertText: newText, insertTextFormat: context.colonFollows ? PLAIN_TEXT : SNIPPET,
        textEdit: { range, newText }, filterText: name, sortText: sortText(index),
      };
    });
}

function valueItems(text: string, context: CursorContext): CompletionItem[] {
  const path = [...context.parentPath, context.key];
  const node = schemaAt(path);
  if (!node) return [];
  const range = toLspRange(text, context.wordRange);
  const item = (value: string, kind: CompletionItemKind, index: number, detail?: string, documentation?: string): CompletionItem => {
    const newText = (context.needsSpace ? ' ' : '') + value;
    return {
      label: value, kind, detail,
      documentation: documentation ? { kind: 'markdown', value: documentation } : undefined,
      insertText: newText, insertTextFormat: PLAIN_TEXT, textEdit: { range, newText }, filterText: value, sortText: sortText(index),
    };
  };
  if (node.enum) {
    return node.enum.map((value, i) => item(String(value), ENUM_MEMBER, i, value === node.default ? 'default' : undefined, node.enumDescriptions?.[i]));
  }
  if (node.type === 'boolean') return ['true', 'false'].map((value, i) => item(value, VALUE, i, String(node.default) === value ? 'default' : undefined));
  if (node.default !== undefined && node.type !== 'object') return [item(inlineYaml(node.default), VALUE, 0, 'default', node.description)];
  return [];
}
