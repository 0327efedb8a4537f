// `rigl-studio validate <config...>`: every diagnostic of each config (schema and semantic checks)
// as `file:line:col: severity code message`; exit 1 if any is an error, 2 if a file cannot be read.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { configProblems } from '../config/diagnostics.js';
import { ConfigError, formatProblem, readConfigFile } from '../config/load.js';
import type { ConfigEnvironment } from '../config/environment.js';
import { parseCommandArgs, UsageError, type CommandContext } from './args.js';

/** Dataset paths are taken as written, so relative ones resolve against the working directory, as in a run. */
export function cliEnvironment(cwd: string): ConfigEnvironment {
  return { fileExists: (path) => existsSync(resolve(cwd, path)) };
}

export async function validateCommand(args: string[], context: CommandContext): Promise<number> {
  const { positionals } = parseCommandArgs('validate', args, {});
  if (positionals.length === 0) throw new UsageError('rigl-studio validate: expected one or more config files, e.g. rigl-studio validate examples/*.rigl.yaml');
  const env = cliEnvironment(context.cwd);
  let errors = 0;
  let warnings = 0;
  let unreadable = 0;
  for (const file of positionals) {
    let text: string;
    try {
      text = readConfigFile(resolve(context.cwd, file), file);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      context.stderr.write(`${error.message}\n`);
      unreadable++;
      continue;
    }
    for (const problem of configProblems(text, env)) {
      context.stdout.write(formatProblem(file, text, problem) + '\n');
      if (problem.severity === 'error') errors++;
      else if (problem.severity === 'warning') warnings++;
    }
  }
  const files = positionals.length - unreadable;
  context.stderr.write(`${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'} in ${files} file${files === 1 ? '' : 's'}\n`);
  if (unreadable > 0) return 2;
  return errors > 0 ? 1 : 0;
}
