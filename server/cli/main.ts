// The `rigl-studio` command line: parses the subcommand and dispatches. Usage errors and bad
// configs exit 2 with a readable message, never a stack trace.
import { ConfigError } from '../config/load.js';
import { inspectCommand } from './inspect.js';
import { validateCommand } from './validate.js';
import { UsageError, type CommandContext } from './args.js';

const USAGE = `rigl-studio — RigL dynamic sparse training

Usage:
  rigl-studio inspect <config> [--json] [--set key.path=value ...]
      Print the per-layer sparsity plan, FLOPs and step schedule of a config.
  rigl-studio train <config> [--set key.path=value ...] [--out DIR] [--max-steps N]
      Train headless; writes a run directory under DIR (default ./runs). With
      --set engine=pytorch the PyTorch engine trains it (pytorch.python, else a Python with torch).
  rigl-studio slurm <config> [--nodes N] [--time T] [--partition P] [--account A] [--set ...] [--out DIR]
      Create the run directory and write an sbatch script (srun + torchrun, the pytorch
      engine) beside it; prints how to submit it.
  rigl-studio train --run <runDir> [--max-steps N]
      Train a run directory made beforehand (a sweep's run): from its checkpoint if it has one.
  rigl-studio sweep <config> [--grid key=v1,v2 ...] [--seeds 0,1] [--out DIR] [--parallel N] [--max-steps N]
      Train every grid point × seed of the config's sweep: section here, through a queue of N at once;
      running it again skips completed runs and resumes stopped, failed or killed ones.
  rigl-studio sweep <config> --slurm [--partition P] [--gpus-per-run N] [--time HH:MM] [--cpus-per-run N]
                    [--mem 16G] [--account A] [--max-parallel N] [--no-submit]
      Write one sbatch job array (a task per unfinished run) into the sweep folder and submit it.
  rigl-studio results <sweepDir> [--json | --csv | --markdown]
      The sweep's table: final and best top-1 (mean ± std over seeds), sparsity, FLOPs, reference.
  rigl-studio resume <runDir>
      Continue a stopped or failed run from its last checkpoint.
  rigl-studio runs [DIR]
      List the runs under DIR (default ./runs) with state and best accuracy.
  rigl-studio validate <config...>
      Print every diagnostic as file:line:col: severity code message; exit 1 on errors.

Config keys: see examples/*.rigl.yaml and README.md.`;

type Command = (args: string[], context: CommandContext) => Promise<number>;

async function loadCommand(name: string): Promise<Command | undefined> {
  switch (name) {
    case 'inspect': return inspectCommand;
    case 'validate': return validateCommand;
    case 'train': return (await import('./train.js')).trainCommand;
    case 'resume': return (await import('./train.js')).resumeCommand;
    case 'runs': return (await import('./runs.js')).runsCommand;
    case 'slurm': return (await import('./slurm.js')).slurmCommand;
    case 'sweep': return (await import('./sweep.js')).sweepCommand;
    case 'results': return (await import('./results.js')).resultsCommand;
    default: return undefined;
  }
}

export async function main(argv: string[], context: CommandContext): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    context.stdout.write(USAGE + '\n');
    return name ? 0 : 2;
  }
  const command = await loadCommand(name);
  if (!command) {
    context.stderr.write(`rigl-studio: unknown command "${name}"\n\n${USAGE}\n`);
    return 2;
  }
  try {
    return await command(rest, context);
  } catch (error) {
    if (error instanceof ConfigError || error instanceof UsageError) {
      context.stderr.write(`${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

/** Run the CLI on this process's arguments and streams; sets the exit code. */
export function run(): void {
  // `rigl-studio inspect … | head` closes the pipe early: that is the reader's choice, not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
  main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), isTTY: Boolean(process.stdout.isTTY) })
    .then((code) => { process.exitCode = code; })
    .catch((error: unknown) => {
      // An unexpected failure: say what happened in one line; the stack only when debugging.
      process.stderr.write(`rigl-studio: ${error instanceof Error ? error.message : String(error)}\n`);
      if (process.env.RIGL_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
      process.exitCode = 1;
    });
}

// `node dist/cli.js …` runs directly; bin/rigl-studio.js calls run() itself.
if (require.main === module) run();
