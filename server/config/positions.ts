// Offsets ↔ 0-based line/character positions (LSP convention: UTF-16 code units, which is
// what JavaScript string indices already are).
export interface Position { line: number; character: number }

export function offsetToPosition(text: string, offset: number): Position {
  let line = 0;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) { line++; lineStart = i + 1; }
  }
  return { line, character: end - lineStart };
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
