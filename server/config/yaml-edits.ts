// Text edits that keep a YAML config well-formed: insert `key: value` into a block or flow
// mapping with the right indentation, and remove a pair (its whole lines, or its flow entry).
import { isMap, isPair, isScalar, parseDocument, stringify, type Document, type Node as YamlNode, type Pair, type YAMLMap } from 'yaml';
import type { TextEdit } from 'vscode-languageserver-types';
import { toLspRange } from './lsp-range.js';

type KeyPath = readonly (string | number)[];

function edit(text: string, start: number, end: number, newText: string): TextEdit {
  return { range: toLspRange(text, [start, end]), newText };
}

function mappingAt(doc: Document, path: KeyPath): YAMLMap | undefined {
  const node = path.length === 0 ? doc.contents : doc.getIn(path, true);
  return isMap(node) ? node : undefined;
}

/** The pair of `map` whose scalar key reads as `key`. */
export function pairIn(map: YAMLMap, key: string | number): Pair<YamlNode, YamlNode | null> | undefined {
  return map.items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(key)) as Pair<YamlNode, YamlNode | null> | undefined;
}

/** The offset just past the line holding `offset - 1`: where the next line starts. */
function nextLineStart(text: string, offset: number): number {
  if (offset > 0 && text[offset - 1] === '\n') return offset;
  const newline = text.indexOf('\n', offset);
  return newline < 0 ? text.length : newline + 1;
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

function pairEnd(pair: Pair<YamlNode, YamlNode | null>): number {
  return pair.value?.range?.[1] ?? pair.key.range?.[1] ?? 0;
}

/** Insert `key: value` as the last entry of the mapping at `parentPath` ([] = the document). */
export function insertKeyEdit(text: string, parentPath: KeyPath, key: string, value: unknown): TextEdit | undefined {
  const map = mappingAt(parseDocument(text), parentPath);
  if (!map || !map.range) return undefined;
  if (map.flow) {
    const entry = `${key}: ${stringify(value, { collectionStyle: 'flow' }).trimEnd()}`;
    const [open, close] = map.range;
    return map.items.length === 0 ? edit(text, open, close, `{ ${entry} }`) : edit(text, open + 1, open + 1, ` ${entry},`);
  }
  const first = map.items[0]?.key as YamlNode | undefined;
  const indent = first?.range ? first.range[0] - lineStart(text, first.range[0]) : 0;
  const lines = stringify({ [key]: value }).trimEnd().split('\n').map((line) => ' '.repeat(indent) + line);
  const last = map.items[map.items.length - 1] as Pair<YamlNode, YamlNode | null> | undefined;
  const at = last ? nextLineStart(text, pairEnd(last)) : text.length;
  const eol = text.includes('\r\n') ? '\r\n' : '\n'; // keep the file's line endings
  const needsNewline = at > 0 && text[at - 1] !== '\n';
  return edit(text, at, at, `${needsNewline ? eol : ''}${lines.join(eol)}${eol}`);
}

/**
 * Remove the pair at `path`. In a block mapping its lines go; if it was the only entry of a nested
 * mapping, the parent pair goes too (an empty `key:` would be null, not a mapping).
 */
export function removePairEdit(text: string, path: KeyPath): TextEdit | undefined {
  const doc = parseDocument(text);
  let target = [...path];
  for (;;) {
    const parentPath = target.slice(0, -1);
    const parent = mappingAt(doc, parentPath);
    const pair = parent && pairIn(parent, target[target.length - 1]);
    if (!parent || !pair?.key.range) return undefined;
    if (!parent.flow && parent.items.length === 1 && parentPath.length > 0) {
      target = parentPath;
      continue;
    }
    const start = pair.key.range[0];
    const end = pairEnd(pair);
    if (!parent.flow) return edit(text, lineStart(text, start), nextLineStart(text, end), '');
    // Flow: take the comma after the entry, or the one before it when it is the last entry.
    const after = /^\s*,\s*/.exec(text.slice(end));
    if (after) return edit(text, start, end + after[0].length, '');
    const before = /,\s*$/.exec(text.slice(0, start));
    return edit(text, before ? before.index : start, end, '');
  }
}
