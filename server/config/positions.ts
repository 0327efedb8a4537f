// Offsets ↔ 0-based line/character positions (LSP convention: UTF-16 code units, which is
// what JavaScript string indices already are).
export interface Position { line: number; character: number }

/** Offsets where lines start, for the last text asked about (features convert many offsets of one text). */
let lineIndex: { text: string; starts: number[] } | undefined;

function lineStarts(text: string): number[] {
  if (lineIndex?.text === text) return lineIndex.starts;
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  lineIndex = { text, starts };
  return starts;
}

export function offsetToPosition(text: string, offset: number): Position {
  const end = Math.max(0, Math.min(offset, text.length));
  const starts = lineStarts(text);
  // The last line starting at or before `end` (binary search: a position costs O(log lines)).
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (starts[mid] <= end) low = mid;
    else high = mid - 1;
  }
  return { line: low, character: end - starts[low] };
}

export function positionToOffset(text: string, position: Position): number {
  let line = 0;
  let i = 0;
  while (line < position.line && i < text.length) {
    if (text.charCodeAt(i) === 10) line++;
    i++;
  }
  let lineEnd = text.indexOf('\n', i);
  if (lineEnd < 0) lineEnd = text.length;
  return Math.min(i + position.character, lineEnd);
}
