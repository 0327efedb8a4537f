// The engine seam (docs/engines.md): how each training engine is launched (command and argument
// array, never a shell), which channel it speaks, and how its failures are explained. The run
// manager and the CLI start every engine through here.
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { EngineName } from '../config/types.js';
import type { TrainerExit, TrainerLaunch } from './trainer-process.js';
import { TORCH_INSTALL_COMMAND } from '../config/validators/pytorch.js';

/** One run to start: its directory (config.yaml and plan.json written) and how far to go. */
export interface EngineRun {
  runDir: string;
  resume: boolean;
  maxSteps?: number;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** pytorch: the interpreter, already resolved (python-interpreter.ts). */
  python?: string;
}

export interface TrainerEngine {
  readonly name: EngineName;
  launch(run: EngineRun): TrainerLaunch;
  /** What to tell the user when a process exited without a final state; undefined: nothing beyond stderr. */
  explainExit(exit: TrainerExit, run: EngineRun): string | undefined;
}

/** The arguments every engine takes after its program: --run DIR [--resume] [--max-steps N]. */
export function runArguments(run: Pick<EngineRun, 'runDir' | 'resume' | 'maxSteps'>): string[] {
  return ['--run', run.runDir, ...(run.resume ? ['--resume'] : []), ...(run.maxSteps !== undefined ? ['--max-steps', String(run.maxSteps)] : [])];
}

/** The TypeScript trainer (dist/trainer.js) under this Node binary, over Node IPC. */
export function tfjsEngine(trainerPath: string): TrainerEngine {
  return {
    name: 'tfjs',
    launch: (run) => ({ command: process.execPath, args: [trainerPath, ...runArguments(run)], channel: 'node-ipc', runDir: run.runDir, cwd: run.cwd, env: run.env }),
    explainExit: () => undefined,
  };
}

/** The folder holding the Python package rigl_torch/: the packaged copy (dist/engines/pytorch) or the clone's server/engines/pytorch. */
export function pytorchPackageRoot(bundleFolder = __dirname): string | undefined {
  const candidates = [
    join(bundleFolder, 'engines', 'pytorch'), // an installed extension: dist/engines/pytorch
    join(bundleFolder, '..', 'server', 'engines', 'pytorch'), // a clone: dist/ → server/
    join(bundleFolder, '..', '..', '..', 'server', 'engines', 'pytorch'), // tests: dist/test/<tier>/
  ];
  return candidates.find((folder) => existsSync(join(folder, 'rigl_torch', '__main__.py')));
}

export const PYTHON_DEFAULT = 'python3';

/** `<python> -m rigl_torch --run DIR …` with the package on PYTHONPATH, JSON lines on fd 3, in its own process group (it may start ranks). */
export function pytorchEngine(packageRoot: string | undefined = pytorchPackageRoot()): TrainerEngine {
  return {
    name: 'pytorch',
    launch(run) {
      if (!packageRoot) throw new Error('the pytorch engine\'s Python package (rigl_torch) is missing from this installation');
      const pythonPath = [packageRoot, ...(run.env.PYTHONPATH ? run.env.PYTHONPATH.split(delimiter) : [])].join(delimiter);
      return {
        command: run.python ?? PYTHON_DEFAULT,
        args: ['-m', 'rigl_torch', ...runArguments(run)],
        channel: 'jsonl-fd3',
        runDir: run.runDir,
        cwd: run.cwd,
        // Unbuffered: a traceback reaches stderr.log even when the process is killed right after.
        env: { ...run.env, PYTHONPATH: pythonPath, PYTHONUNBUFFERED: '1', PYTHONDONTWRITEBYTECODE: '1' },
        processGroup: true,
      };
    },
    explainExit(exit, run) {
      const python = run.python ?? PYTHON_DEFAULT;
      if (exit.spawnErrorCode === 'ENOENT') return `the Python interpreter ${python} was not found; set pytorch.python in the config (or the rigl.pythonPath setting) to a Python 3 with torch`;
      if (exit.spawnErrorCode === 'EACCES') return `the Python interpreter ${python} is not executable; set pytorch.python (or rigl.pythonPath) to a Python 3 with torch`;
      if (exit.stderrTail.some((line) => /No module named '?torch'?/.test(line))) return `${python} has no torch; install it: ${TORCH_INSTALL_COMMAND}, or point pytorch.python at a Python that has it`;
      if (exit.stderrTail.some((line) => /No module named '?rigl_torch'?/.test(line))) return `${python} cannot import rigl_torch (PYTHONPATH ${packageRoot ?? 'unset'})`;
      return undefined;
    },
  };
}
