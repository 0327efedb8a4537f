// Which Python runs the pytorch engine, and what it has: each interpreter is asked once, in a
// child process with a timeout (importing torch can take seconds), and the answer is cached.
import { spawn } from 'node:child_process';
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

export function probePython(python: string, timeoutMs = 30_000): Promise<PythonProbe> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (probe: PythonProbe) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(probe);
    };
    const child = spawn(python, ['-c', PROBE_SCRIPT], { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true, env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk; });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr = (stderr + chunk).slice(-2000); });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      done({ python, runs: false, error: `${python} did not answer within ${Math.round(timeoutMs / 1000)} s` });
    }, timeoutMs);
    child.on('error', (error: NodeJS.ErrnoException) => {
      done({ python, runs: false, error: error.code === 'ENOENT' ? `${python} was not found` : error.code === 'EACCES' ? `${python} is not executable` : error.message });
    });
    child.on('close', (code) => {
      const line = stdout.trim().split('\n').pop() ?? '';
      try {
        const report = JSON.parse(line) as Omit<PythonProbe, 'python' | 'runs'>;
        done({ python, runs: true, ...report });
      } catch {
        done({ python, runs: false, error: `${python} exited with code ${code}${stderr.trim() ? `: ${stderr.trim().split('\n').pop()}` : ''} (is it a Python 3 interpreter?)` });
      }
    });
  });
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
