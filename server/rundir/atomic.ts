// Crash-safe file writes: data goes to a temporary name in the same folder, is flushed, then
// renamed over the target, so a reader sees the old file or the new one, never half of one.
import { closeSync, fsyncSync, openSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { crashName, crashPoint } from './crash-points.js';

/** What marks a temporary name: `<target>.tmp-<pid>-<random>`. */
const TEMPORARY_MARK = '.tmp-';

export function writeFileAtomic(path: string, data: string | Uint8Array | readonly Uint8Array[]): void {
  const point = crashName(path);
  crashPoint(`before-write:${point}`);
  const temporary = `${path}${TEMPORARY_MARK}${process.pid}-${randomBytes(4).toString('hex')}`;
  const fd = openSync(temporary, 'w');
  try {
    const chunks = typeof data === 'string' ? [Buffer.from(data)] : data instanceof Uint8Array ? [data] : data;
    for (const chunk of chunks) {
      let written = 0;
      while (written < chunk.byteLength) {
        written += writeSync(fd, chunk, written, Math.max(1, Math.min(chunk.byteLength - written, Math.ceil(chunk.byteLength / 2))));
        crashPoint(`partial-write:${point}`);
      }
    }
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(temporary, { force: true });
    throw error;
  }
  closeSync(fd);
  crashPoint(`before-rename:${point}`);
  renameSync(temporary, path);
}

/**
 * Removes temporaries a killed writer left in a folder (a checkpoint half written). Called by the
 * one process that owns a run, before it writes: no other writer's file can be in flight there.
 */
export function removeStaleTemporaries(dir: string): number {
  let removed = 0;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return 0;
  }
  for (const name of names) {
    if (!/\.tmp-\d+-[0-9a-f]+$/.test(name)) continue;
    rmSync(join(dir, name), { force: true });
    removed++;
  }
  return removed;
}
