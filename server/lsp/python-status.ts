// The language server's view of the pytorch engine's Python: which interpreter a config would get
// (its pytorch.python, the editor's, or the default search), probed once each in a child process;
// the diagnostics are re-run when an answer arrives.
import type { InterpreterStatus } from '../config/environment.js';
import { PythonProbes } from '../runs/python-interpreter.js';

export type ResolvedInterpreter = InterpreterStatus & { source: 'config' | 'editor' | 'default' };

export class PythonStatus {
  private readonly resolved = new Map<string, ResolvedInterpreter>();
  private readonly pending = new Set<string>();
  private editorPython: string | undefined;

  constructor(readonly probes: PythonProbes, private readonly onResolved: () => void) {}

  /** The editor's interpreter (rigl.pythonPath, or the Python extension's) changed: answers that depended on it go. */
  setEditorPython(python: string | undefined): void {
    const next = python || undefined;
    if (next === this.editorPython) return;
    this.editorPython = next;
    for (const key of [...this.resolved.keys()]) if (key.startsWith('editor:') || key.startsWith('default:')) this.resolved.delete(key);
    this.onResolved();
  }

  get editor(): string | undefined {
    return this.editorPython;
  }

  /** The answer for a config's `pytorch.python` if known; otherwise asks and returns undefined (revalidation follows). */
  lookup(configured: string | undefined): ResolvedInterpreter | undefined {
    const key = configured ? `config:${configured}` : this.editorPython ? `editor:${this.editorPython}` : 'default:';
    const known = this.resolved.get(key);
    if (known || this.pending.has(key)) return known;
    this.pending.add(key);
    void this.probes.resolve(configured, this.editorPython).then(({ probe, source }) => {
      this.pending.delete(key);
      this.resolved.set(key, { ...probe, source });
      this.onResolved();
    });
    return undefined;
  }
}
