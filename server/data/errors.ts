// Dataset errors that say which path was read and what was expected there, so a user can fix
// the config without reading a stack trace; raw fs errors are translated, never passed on.
import { errorMessage } from '../errors.js';
import { FileReadError, readBoundedFile } from '../files/bounded-read.js';

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

/**
 * Reads a whole regular file of at most `maxBytes` (a FIFO or /dev/zero is refused before any
 * read); a failure becomes a DatasetError naming the dataset, the path and the expectation.
 */
export async function readFileOrExplain(file: string, dataset: string, expected: string, maxBytes: number): Promise<Buffer> {
  try {
    return readBoundedFile(file, { maxBytes });
  } catch (error) {
    const why = error instanceof FileReadError ? error.reason : describeFsFailure(error);
    throw new DatasetError(`${dataset}: ${file} ${why} (expected ${expected})`);
  }
}
