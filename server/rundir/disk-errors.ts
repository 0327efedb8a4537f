// What a failed write to the run folder means for the user: a full disk, a read-only folder or a
// missing permission, said in one line with the path, instead of a raw errno message or a stack.
import { errorMessage } from '../errors.js';

/** One line for a write failure; other errors keep their own message. */
export function describeWriteFailure(error: unknown): string {
  const { code, path } = (error ?? {}) as { code?: unknown; path?: unknown };
  // A failed atomic write names its temporary (atomic.ts); the user knows the file it stands for.
  const where = typeof path === 'string' ? ` (writing ${path.replace(/\.tmp-\d+-[0-9a-f]+$/, '')})` : '';
  switch (code) {
    case 'ENOSPC': return `the disk holding the run folder is full${where}; free some space and resume the run`;
    case 'EDQUOT': return `the disk quota is exhausted${where}; free some space and resume the run`;
    case 'EROFS': return `the run folder is on a read-only file system${where}`;
    case 'EACCES': case 'EPERM': return `no permission to write in the run folder${where}`;
    case 'ENOTDIR': return `a part of the path is a file, not a folder${where}`;
    default: return errorMessage(error);
  }
}
