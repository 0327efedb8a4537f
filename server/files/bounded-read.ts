// The one reader of user-named files (configs, a run request's file, dataset files): it opens
// without blocking, checks that the path is a regular file and not larger than the caller allows,
// and only then reads. Its errors name the file and the problem, never the file's contents.
import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';

const gunzipAsync = promisify(gunzip);

export class FileReadError extends Error {
  override name = 'FileReadError';
  constructor(readonly file: string, readonly reason: string) {
    super(`${file}: ${reason}`);
  }
}

export interface BoundedReadOptions {
  /** The most bytes the caller will take; a larger file is refused before it is read. */
  maxBytes: number;
  /** How messages name the file (the path the user wrote). Default: the path. */
  displayName?: string;
  /** What the file should be, for messages: "a *.rigl.yaml config". */
  expected?: string;
}

/** "4 MiB", "1.5 GiB": sizes in messages. */
export function byteSize(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit++; }
  return unit === 0 ? `${bytes} bytes` : `${Number(value.toFixed(1))} ${units[unit]}`;
}

function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return 'a folder';
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** One line for an fs failure, without its stack or the syscall's details. */
export function describeFsError(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  switch (code) {
    case 'ENOENT': return 'does not exist';
    case 'EACCES': case 'EPERM': return 'cannot be read (permission denied)';
    case 'ENOTDIR': return 'a part of the path is not a folder';
    case 'EISDIR': return 'is a folder, not a file';
    case 'ELOOP': return 'is a loop of symbolic links';
    case 'ENAMETOOLONG': return 'the path is too long';
    default: return typeof code === 'string' ? `cannot be read (${code})` : 'cannot be read';
  }
}

/** Throws a FileReadError unless the path (links followed) is a regular file: for readers that stream. */
export function assertRegularFile(path: string, displayName = path): void {
  let stats: Stats;
  try {
    stats = statSync(path);
  } catch (error) {
    throw new FileReadError(displayName, describeFsError(error));
  }
  if (!stats.isFile()) throw new FileReadError(displayName, `is ${kindOf(stats)}, not a regular file`);
}

/** Reads a whole regular file of at most `maxBytes`; anything else is a FileReadError. */
export function readBoundedFile(path: string, options: BoundedReadOptions): Buffer {
  const name = options.displayName ?? path;
  const expected = options.expected ? `; expected ${options.expected}` : '';
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO nobody writes to would otherwise wait forever.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    throw new FileReadError(name, `${describeFsError(error)}${expected}`);
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw new FileReadError(name, `is ${kindOf(stats)}, not a regular file${expected}`);
    if (stats.size > options.maxBytes) throw new FileReadError(name, `is ${byteSize(stats.size)} (${stats.size} bytes), more than the ${byteSize(options.maxBytes)} allowed${expected}`);
    // Read at most one byte past the limit: a file that grows while being read is refused too.
    const buffer = Buffer.allocUnsafe(Math.min(options.maxBytes + 1, Math.max(stats.size + 1, 1)));
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        if (length > options.maxBytes) throw new FileReadError(name, `is larger than the ${byteSize(options.maxBytes)} allowed${expected}`);
        break;
      }
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
    }
    if (length > options.maxBytes) throw new FileReadError(name, `is larger than the ${byteSize(options.maxBytes)} allowed${expected}`);
    return buffer.subarray(0, length);
  } catch (error) {
    if (error instanceof FileReadError) throw error;
    throw new FileReadError(name, `${describeFsError(error)}${expected}`);
  } finally {
    closeSync(fd);
  }
}

/** A bounded read of a UTF-8 text file. */
export function readBoundedText(path: string, options: BoundedReadOptions): string {
  return readBoundedFile(path, options).toString('utf8');
}

/** Gunzips at most `maxBytes` of output: a gzip bomb stops at the cap instead of filling memory. */
export async function gunzipBounded(bytes: Uint8Array, maxBytes: number, displayName: string): Promise<Buffer> {
  try {
    return await gunzipAsync(bytes, { maxOutputLength: maxBytes });
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') throw new FileReadError(displayName, `decompresses to more than the ${byteSize(maxBytes)} allowed`);
    throw new FileReadError(displayName, 'is not a valid gzip file');
  }
}
