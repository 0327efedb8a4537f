// Where the cursor is in config terms (which mapping, key or value, the word under it), read from
// the text's indentation and the current line's braces, so it works while the YAML is broken.
export interface CursorContext {
  /** Key path of the mapping that holds the pair at the cursor ([] = top level). */
  parentPath: string[];
  /** On a key (or where a new key would go), or on the value of `key`. */
  kind: 'key' | 'value';
  /** kind 'value': the pair's key. kind 'key': the word under the cursor (possibly ''). */
  key: string;
  /** The word under the cursor and its [start, end) offsets: what a completion replaces. */
  word: string;
  wordRange: [number, number];
  /** Keys already written in the same mapping, not counting the one at the cursor. */
  siblings: Set<string>;
  /** Inside a `{ … }` flow mapping. */
  flow: boolean;
  /** kind 'key': a colon already follows the word on this line (insert the key name alone). */
  colonFollows: boolean;
  /** kind 'value': the cursor sits right after the colon, so an inserted value needs a space. */
  needsSpace: boolean;
}

const KEY_CHAR = /[A-Za-z0-9_.*?\-]/;
const KEY_LINE = /^(\s*)(["']?)([^"'#:{}[\],\s][^"'#:{}[\],]*?)\2\s*:(?:\s|$)/;

function indentation(line: string): number {
  return line.length - line.trimStart().length;
}

function isBlankOrComment(line: string): boolean {
  const trimmed = line.trim();
  return trimmed === '' || trimmed.startsWith('#') || trimmed === '---';
}

function keyOfLine(line: string): string | undefined {
  return KEY_LINE.exec(line)?.[3].trim();
}

/**
 * Keys of the block mapping at `indent` around line `index`, and the path of its parents: going
 * up, lines at the same indentation are siblings until a less indented line, the parent; then
 * each less indented key line is the next ancestor. Going down, siblings until the mapping ends.
 */
function blockScope(lines: string[], index: number, indent: number): { path: string[]; siblings: Set<string> } {
  const siblings = new Set<string>();
  const path: string[] = [];
  let target = indent;
  let collecting = true;
  for (let i = index - 1; i >= 0; i--) {
    const line = lines[i];
    if (isBlankOrComment(line)) continue;
    const lineIndent = indentation(line);
    if (lineIndent === target && collecting) addKey(siblings, line);
    else if (lineIndent < target) {
      collecting = false;
      const key = keyOfLine(line);
      if (key !== undefined) path.unshift(key);
      target = lineIndent;
    }
  }
  for (let i = index + 1; i < lines.length; i++) {
    const line = lines[i];
    if (isBlankOrComment(line)) continue;
    const lineIndent = indentation(line);
    if (lineIndent < indent) break;
    if (lineIndent === indent) addKey(siblings, line);
  }
  return { path, siblings };
}

function addKey(keys: Set<string>, line: string): void {
  const key = keyOfLine(line);
  if (key !== undefined) keys.add(key);
}

interface Frame {
  open: '{' | '[';
  /** The key whose value this collection is. */
  key: string | undefined;
  /** Offset in the line just after the bracket. */
  start: number;
}

/** Index of the first `#` that starts a comment (outside quotes), or -1. */
function commentStart(line: string): number {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) { if (c === quote) quote = undefined; continue; }
    if (c === '"' || c === "'") quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]))) return i;
  }
  return -1;
}

/** The key before a colon at the end of a segment, e.g. `  update: ` → update. */
function keyBeforeColon(segment: string): string | undefined {
  const match = /(["']?)([^"'{}[\],:]+?)\1\s*:\s*$/.exec(segment);
  return match?.[2].trim();
}

/** Keys of a flow mapping's text that starts at `start` in the line (nested collections skipped). */
function flowKeys(line: string, start: number, exclude: number): Set<string> {
  const keys = new Set<string>();
  let depth = 0;
  let segmentStart = start;
  for (let i = start; i <= line.length; i++) {
    const c = line[i];
    if (c === '{' || c === '[') depth++;
    else if ((c === '}' || c === ']') && depth > 0) depth--;
    else if (i === line.length || ((c === ',' || c === '}') && depth === 0)) {
      const containsCursor = exclude >= segmentStart && exclude <= i;
      const match = /^\s*(["']?)([^"'{}[\],:]+?)\1\s*:/.exec(line.slice(segmentStart, i));
      if (match && !containsCursor) keys.add(match[2].trim());
      if (c === '}' || i === line.length) break;
      segmentStart = i + 1;
    }
  }
  return keys;
}

export function cursorContext(text: string, offset: number): CursorContext | undefined {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const lineEndRaw = text.indexOf('\n', offset);
  const lineEnd = lineEndRaw < 0 ? text.length : lineEndRaw;
  const fullLine = text.slice(lineStart, lineEnd);
  const column = offset - lineStart;
  const comment = commentStart(fullLine);
  if (comment >= 0 && comment < column) return undefined;
  const line = comment >= 0 ? fullLine.slice(0, comment) : fullLine;
  const blank = line.trim() === '';
  const indent = blank ? Math.min(column, line.length) : indentation(line);
  if (!blank && column < indent) return undefined;
  if (line.trimStart().startsWith('- ')) return undefined; // no list of mappings in the schema

  // Walk the line up to the cursor: open collections, and where the current entry starts.
  const frames: Frame[] = [];
  let segmentStart = indent;
  let quote: string | undefined;
  for (let i = indent; i < column; i++) {
    const c = line[i];
    if (quote) { if (c === quote) quote = undefined; continue; }
    if (c === '"' || c === "'") quote = c;
    else if (c === '{' || c === '[') { frames.push({ open: c, key: keyBeforeColon(line.slice(segmentStart, i)), start: i + 1 }); segmentStart = i + 1; }
    else if (c === '}' || c === ']') { frames.pop(); segmentStart = i + 1; }
    else if (c === ',' && frames.length > 0) segmentStart = i + 1;
  }
  const inner = frames[frames.length - 1];
  if (inner?.open === '[' || frames.some((frame) => frame.key === undefined)) return undefined;

  const lines = text.split('\n');
  const lineIndex = text.slice(0, lineStart).split('\n').length - 1;
  const block = blockScope(lines, lineIndex, indent);
  const parentPath = [...block.path, ...frames.map((frame) => frame.key as string)];
  const siblings = inner ? flowKeys(line, inner.start, column) : block.siblings;

  const segment = line.slice(segmentStart, column);
  const colon = /:(\s|$)/.exec(segment);
  if (colon) {
    const key = segment.slice(0, colon.index).trim().replace(/^(["'])(.*)\1$/, '$2');
    const afterColon = segmentStart + colon.index + 1;
    let valueStart = afterColon;
    while (valueStart < line.length && line[valueStart] === ' ') valueStart++;
    let end = Math.max(column, valueStart);
    while (end < line.length && !/[,}\]]/.test(line[end])) end++;
    const word = line.slice(valueStart, end).trimEnd();
    return {
      parentPath, kind: 'value', key, word, wordRange: [lineStart + valueStart, lineStart + valueStart + word.length],
      siblings, flow: Boolean(inner), colonFollows: false, needsSpace: valueStart === afterColon,
    };
  }
  let start = column;
  while (start > segmentStart && KEY_CHAR.test(line[start - 1])) start--;
  let end = column;
  while (end < line.length && KEY_CHAR.test(line[end])) end++;
  const word = line.slice(start, end);
  return {
    parentPath, kind: 'key', key: word, word, wordRange: [lineStart + start, lineStart + end],
    siblings, flow: Boolean(inner), colonFollows: /^\s*:/.test(line.slice(end)), needsSpace: false,
  };
}
