// `rigl-studio validate <config...>`: every diagnostic of each config (schema and semantic checks)
// as `file:line:col: severity code message`; exit 1 if any is an error, 2 if a file cannot be read.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { configProblems } from '../config/diagnostics.js';
import { formatProblem } from '../config/load.js';
import type { ConfigEnvironment } from '../config/environment.js';
import { parseCommandArgs, UsageError, type CommandContext } from './args.js';

/** Dataset paths are taken as written, so relative ones resolve against the working directory, as in a run. */
export function cliEnvironment(cwd: string): ConfigEnvironment {
  return { fileExists: (path) => existsSync(resolve(cwd, path)) };
}

function readConfig(file: string): { text: string } | { error: string } {
  try {
    return { text: readFileSync(file, 'utf8') };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { error: code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory, expected a *.rigl.yaml file' : `cannot read (${code ?? String(error)})` };
  }
}

export async function validateCommand(args: string[], context: CommandContext): Promise<number> {
  const { positionals } = parseCommandArgs('validate', args, {});
  if (positionals.length === 0) throw new UsageError('rigl-studio validate: expected one or more config files, e.g. rigl-studio validate examples/*.rigl.yaml');
  const env = cliEnvironment(context.cwd);
  let errors = 0;
  let warnings = 0;
  let unreadable = 0;
  for (const file of positionals) {
    const read = readConfig(resolve(context.cwd, file));
    if ('error' in read) {
      context.stderr.write(`${file}: ${read.error}\n`);
      unreadable++;
      continue;
    }
    for (const problem of configProblems(read.text, env)) {
      context.stdout.write(formatProblem(file, read.text, problem) + '\n');
      if (problem.severity === 'error') errors++;
      else if (problem.severity === 'warning') warnings++;
    }
  }
  const files = positionals.length - unreadable;
  context.stderr.write(`${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'} in ${files} file${files === 1 ? '' : 's'}\n`);
  if (unreadable > 0) return 2;
  return errors > 0 ? 1 : 0;
}
