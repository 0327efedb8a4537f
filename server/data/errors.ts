// Dataset errors that say which path was read and what was expected there, so a user can fix
// the config without reading a stack trace; raw fs errors are translated, never passed on.
import { promises as fs } from 'node:fs';
import { errorMessage } from '../errors.js';

export class DatasetError extends Error {
  override name = 'DatasetError';
}

/** The fs error code of an unknown thrown value, if it has one. */
function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** One line describing an fs failure without its stack: "does not exist", "permission denied", … */
export function describeFsFailure(error: unknown): string {
  switch (errorCode(error)) {
    case 'ENOENT': return 'does not exist';
    case 'EACCES': case 'EPERM': return 'cannot be read (permission denied)';
    case 'ENOTDIR': return 'is not a folder';
    case 'EISDIR': return 'is a folder, not a file';
    default: return errorMessage(error);
  }
}

/** Reads a whole file; a failure becomes a DatasetError naming the dataset, the path and the expectation. */
export async function readFileOrExplain(file: string, dataset: string, expected: string): Promise<Buffer> {
  try {
    return await fs.readFile(file);
  } catch (error) {
    throw new DatasetError(`${dataset}: ${file} ${describeFsFailure(error)} (expected ${expected})`);
  }
}
