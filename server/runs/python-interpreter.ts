// Which Python runs the pytorch engine, and what it has: each interpreter is asked once, in a
// child process with a timeout (importing torch can take seconds), and the answer is cached.
import { askChild, lastStderrLine } from '../process/child-answer.js';
import type { InterpreterStatus } from '../config/environment.js';

/** What one interpreter reported about itself (or why it could not be asked). */
export type PythonProbe = InterpreterStatus;

/** Where a user who did not name an interpreter most likely has torch, in order. */
export const DEFAULT_PYTHON_CANDIDATES = ['python3', 'python', '/usr/bin/python3'] as const;


const PROBE_SCRIPT = `
import json, sys
r = {"executable": sys.executable, "version": sys.version.split()[0]}
try:
    import torch
    r["torch"] = torch.__version__
    r["cuda"] = bool(torch.cuda.is_available())
    r["gpus"] = [{"name": torch.cuda.get_device_name(i), "bf16": torch.cuda.get_device_capability(i)[0] >= 8} for i in range(torch.cuda.device_count())] if r["cuda"] else []
except Exception as e:
    r["torchError"] = type(e).__name__ + ": " + str(e)
print(json.dumps(r))
`;

export async function probePython(python: string, timeoutMs = 30_000): Promise<PythonProbe> {
  const answer = await askChild(python, ['-c', PROBE_SCRIPT], timeoutMs, { ...process.env, PYTHONDONTWRITEBYTECODE: '1' });
  if (answer.kind === 'timeout') return { python, runs: false, error: `${python} did not answer within ${Math.round(timeoutMs / 1000)} s` };
  if (answer.kind === 'spawn-error') {
    const { code, message } = answer.error;
    return { python, runs: false, error: code === 'ENOENT' ? `${python} was not found` : code === 'EACCES' ? `${python} is not executable` : message };
  }
  try {
    const report = JSON.parse(answer.lastLine) as Omit<PythonProbe, 'python' | 'runs'>;
    return { python, runs: true, ...report };
  } catch {
    const reason = lastStderrLine(answer);
    return { python, runs: false, error: `${python} exited with code ${answer.code}${reason ? `: ${reason}` : ''} (is it a Python 3 interpreter?)` };
  }
}

/** One probe per interpreter for the life of the process (the language server's, the CLI's). */
export class PythonProbes {
  private readonly cache = new Map<string, Promise<PythonProbe>>();

  constructor(private readonly timeoutMs = 30_000, private readonly probe = probePython) {}

  get(python: string): Promise<PythonProbe> {
    let entry = this.cache.get(python);
    if (!entry) {
      entry = this.probe(python, this.timeoutMs);
      this.cache.set(python, entry);
    }
    return entry;
  }

  /** Forget what is known (the user installed torch, changed the interpreter setting). */
  clear(): void {
    this.cache.clear();
  }

  /**
   * The interpreter for a run: the config's `pytorch.python`, else the editor's (rigl.pythonPath
   * or the Python extension's), else the first default candidate that has torch — a user who named
   * none expects the Python that has torch, not whichever `python3` comes first on PATH. With no
   * candidate having torch, the first one is returned with its probe, which says why.
   */
  async resolve(configured: string | undefined, editorDefault: string | undefined): Promise<{ python: string; probe: PythonProbe; source: 'config' | 'editor' | 'default' }> {
    if (configured) return { python: configured, probe: await this.get(configured), source: 'config' };
    if (editorDefault) return { python: editorDefault, probe: await this.get(editorDefault), source: 'editor' };
    const probes = await Promise.all(DEFAULT_PYTHON_CANDIDATES.map((candidate) => this.get(candidate)));
    const chosen = probes.find((p) => p.torch !== undefined) ?? probes.find((p) => p.runs) ?? probes[0]!;
    return { python: chosen.python, probe: chosen, source: 'default' };
  }
}
