// Argument parsing shared by the CLI subcommands (node:util parseArgs), and the context they
// write to, so tests can call a command in-process and read its output.
import { parseArgs, type ParseArgsConfig } from 'node:util';

export interface CommandContext {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  cwd: string;
  isTTY: boolean;
}

export class UsageError extends Error {}

export function parseCommandArgs<T extends NonNullable<ParseArgsConfig['options']>>(command: string, args: string[], options: T) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(`rigl-studio ${command}: ${(error as Error).message} (see rigl-studio --help)`);
  }
}
