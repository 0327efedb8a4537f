// Text offsets ↔ LSP ranges, and applying LSP text edits: the glue between ConfigProblem offsets
// and the LSP-shaped objects every language feature returns.
import type { Range, TextEdit } from 'vscode-languageserver-types';
import { offsetToPosition, positionToOffset } from './positions.js';

export function toLspRange(text: string, [start, end]: readonly [number, number]): Range {
  return { start: offsetToPosition(text, start), end: offsetToPosition(text, end) };
}

export function toOffsets(text: string, range: Range): [number, number] {
  return [positionToOffset(text, range.start), positionToOffset(text, range.end)];
}

/** Apply non-overlapping edits to text (what an editor does with a WorkspaceEdit). */
export function applyTextEdits(text: string, edits: readonly TextEdit[]): string {
  const byOffset = edits
    .map((edit) => ({ offsets: toOffsets(text, edit.range), newText: edit.newText }))
    .sort((a, b) => b.offsets[0] - a.offsets[0] || b.offsets[1] - a.offsets[1]);
  let result = text;
  for (const { offsets: [start, end], newText } of byOffset) result = result.slice(0, start) + newText + result.slice(end);
  return result;
}
