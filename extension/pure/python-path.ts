// The `rigl` settings the language server pulls, with the Python extension's interpreter filled in
// where `rigl.pythonPath` is empty: the editor's Python for pytorch runs whose config names none.

/** `results[i]` answers `items[i]`; only `rigl` sections without their own pythonPath change. */
export function withEditorPython(items: readonly { section?: string }[], results: unknown[], selected: string | undefined): unknown[] {
  if (!selected) return results;
  return results.map((result, i) => {
    if (items[i]?.section !== 'rigl' || typeof result !== 'object' || result === null) return result;
    const own = (result as { pythonPath?: unknown }).pythonPath;
    return typeof own === 'string' && own.trim() !== '' ? result : { ...result, pythonPath: selected };
  });
}
