// Where a client's run id may lead: a real folder under the runs folder (a sweep's runs one level
// down), never through a symbolic link (of a folder or of a run file) to anything outside it.
import { lstatSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { RUN_FILES } from './store.js';

/** File names allow 255 bytes; a run id is at most that. */
const MAX_RUN_ID_LENGTH = 255;

export class RunPathError extends Error {
  override name = 'RunPathError';
}

const PART = /^[A-Za-z0-9._-]+$/;

/** The run directory a run id (`run`, or `sweep/run` for a sweep's run) names under `root`; throws a RunPathError for anything else. */
export function runDirectoryOf(root: string, runId: unknown): string {
  const parts = typeof runId === 'string' ? runId.split('/') : [];
  if (typeof runId !== 'string' || runId.length > MAX_RUN_ID_LENGTH || parts.length > 2 || parts.some((part) => !PART.test(part) || part === '.' || part === '..')) {
    const shown = typeof runId === 'string' ? JSON.stringify(runId.length > 60 ? `${runId.slice(0, 60)}…` : runId) : String(runId);
    throw new RunPathError(`invalid run id: ${shown} (run ids are folder names under the runs folder)`);
  }
  const dir = join(root, ...parts);
  assertNoLinks(root, parts, runId);
  return dir;
}

/**
 * Every folder from the runs folder down to the run, and the run files the server reads, writes
 * or deletes, must be real entries inside the runs folder: a link could make a resume train in,
 * and prune the checkpoints of, a folder elsewhere, or a history read show another file.
 */
function assertNoLinks(root: string, parts: readonly string[], runId: string): void {
  let parent: string;
  try {
    parent = realpathSync(root);
  } catch {
    return; // no runs folder yet: nothing to follow
  }
  let dir = root;
  for (const part of parts) {
    dir = join(dir, part);
    let real: string;
    try {
      real = realpathSync(dir);
    } catch {
      return; // no such run: the caller reports it
    }
    if (dirname(real) !== parent || lstatSync(dir).isSymbolicLink()) {
      throw new RunPathError(`run ${runId} is a link to a folder outside the runs folder; refused`);
    }
    parent = real;
  }
  for (const file of Object.values(RUN_FILES)) {
    const entry = join(dir, file);
    let link = false;
    try {
      link = lstatSync(entry).isSymbolicLink();
    } catch {
      continue; // not there (yet)
    }
    if (link) throw new RunPathError(`run ${runId}: ${file} is a symbolic link; run files must be real files in the run folder`);
  }
}
