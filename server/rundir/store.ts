// The run directory (docs/engines.md): config.yaml, plan.json, events.jsonl, summary.json,
// checkpoints/, trainer.log. Creating, appending, reading back and listing runs, past ones included.
import { accessSync, appendFileSync, closeSync, constants, existsSync, fstatSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { parse } from 'yaml';
import { writeFileAtomic } from './atomic.js';
import { crashPoint } from './crash-points.js';
import { describeWriteFailure } from './disk-errors.js';
import type { RunEvent, RunListItem, RunSummary } from '../protocol.js';
import { isFinalState, recoveredState } from './lifecycle.js';

export const RUN_FILES = { config: 'config.yaml', plan: 'plan.json', events: 'events.jsonl', summary: 'summary.json', log: 'trainer.log', checkpoints: 'checkpoints', reserve: '.space-reserve' } as const;
/**
 * The size of `.space-reserve`: room kept so that a run's final record (its failed status line and
 * summary, a few KiB even for ResNet-50) fits on a disk that filled up; spent only on that record.
 */
export const SPACE_RESERVE_BYTES = 64 * 1024;
/** A folder of the runs root holding this file is a sweep: its runs are its sub-folders (server/sweeps/). */
export const SWEEP_FILE = 'sweep.json';

/** A filesystem-safe run id: name, local time and a short random suffix (two runs in one second differ). */
export function newRunId(name: string, now = new Date()): string {
  // Letters, digits, '_', '-' and single dots (resnet50-0.9); '..' and separators never survive.
  const safe = name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/\.{2,}/g, '-').replace(/-{2,}/g, '-').replace(/^[-.]+|[-.]+$/g, '').slice(0, 60) || 'run';
  const pad = (n: number) => String(n).padStart(2, '0');
  const stamp = `${now.getFullYear()}${pad(now.getMonth() + 1)}${pad(now.getDate())}-${pad(now.getHours())}${pad(now.getMinutes())}${pad(now.getSeconds())}`;
  return `${safe}-${stamp}-${randomBytes(2).toString('hex')}`;
}

export class RunDirectory {
  readonly dir: string;
  constructor(dir: string, readonly runId = dir.split(/[\\/]/).filter(Boolean).pop() ?? 'run') {
    this.dir = resolve(dir);
  }

  /** A new run directory; `runId` fixes its folder name (a sweep's runs), else one is made from the name. */
  static create(outputRoot: string, name: string, configText: string, runId = newRunId(name)): RunDirectory {
    const run = new RunDirectory(join(outputRoot, runId), runId);
    let made = false;
    try {
      mkdirSync(join(run.dir, RUN_FILES.checkpoints), { recursive: true });
      made = true;
      run.ensureReserve();
      writeFileAtomic(run.path('config'), configText);
    } catch (error) {
      const why = whyNotWritable(outputRoot, error);
      // No half-made run is left behind (a disk too full for the reserve or the config).
      if (made) rmSync(run.dir, { recursive: true, force: true });
      throw new RunFolderError(`cannot create a run in ${resolve(outputRoot)}: ${why}`);
    }
    return run;
  }

  path(file: keyof typeof RUN_FILES): string {
    return join(this.dir, RUN_FILES[file]);
  }

  exists(): boolean {
    return existsSync(this.path('config'));
  }

  /** Whether this writer has made sure events.jsonl ends with a whole line. */
  private eventsTailChecked = false;

  /**
   * Makes sure the space reserve is there (a new run, a resumed one whose reserve a full disk
   * used up). Random bytes: a compressing file system would keep zeros in no space at all.
   * Throws ENOSPC when even that does not fit; nothing partial is left.
   */
  ensureReserve(): void {
    try {
      if (statSync(this.path('reserve')).size >= SPACE_RESERVE_BYTES) return;
    } catch {
      // not there yet
    }
    try {
      writeFileSync(this.path('reserve'), randomBytes(SPACE_RESERVE_BYTES));
    } catch (error) {
      rmSync(this.path('reserve'), { force: true });
      throw error;
    }
  }

  /**
   * A final record (a final status line, a summary in a final state) that the disk refuses for lack
   * of space gets the reserve's room: the reserve goes and the write is tried once more.
   */
  private withReserve(final: boolean, write: () => void): void {
    try {
      write();
    } catch (error) {
      if (!final || !isDiskFull(error) || !existsSync(this.path('reserve'))) throw error;
      rmSync(this.path('reserve'), { force: true });
      write();
    }
  }

  /** One line per event; appended before the event is sent anywhere, so the disk is the record. */
  appendEvent(event: RunEvent): void {
    this.withReserve(event.type === 'status' && isFinalState(event.state), () => {
      try {
        this.appendEventLine(event);
      } catch (error) {
        // A full disk may have taken part of the line: the next write ends the fragment first.
        this.eventsTailChecked = false;
        throw error;
      }
    });
  }

  private appendEventLine(event: RunEvent): void {
    const line = JSON.stringify(event) + '\n';
    if (!this.eventsTailChecked) {
      // A writer killed mid-line left a fragment: end it, so this event starts a line of its own.
      if (!endsWithNewline(this.path('events'))) appendFileSync(this.path('events'), '\n');
      this.eventsTailChecked = true;
    }
    if (process.env.RIGL_TEST_CRASH_AT) {
      appendFileSync(this.path('events'), line.slice(0, line.length >> 1));
      crashPoint('partial-append:events.jsonl');
      appendFileSync(this.path('events'), line.slice(line.length >> 1));
      return;
    }
    appendFileSync(this.path('events'), line);
  }

  appendLog(line: string): void {
    appendFileSync(this.path('log'), line.endsWith('\n') ? line : line + '\n');
  }

  writeSummary(summary: RunSummary): void {
    this.withReserve(isFinalState(summary.state), () => writeFileAtomic(this.path('summary'), JSON.stringify(summary, null, 2) + '\n'));
  }

  readSummary(): RunSummary | undefined {
    try {
      return JSON.parse(readFileSync(this.path('summary'), 'utf8')) as RunSummary;
    } catch {
      return undefined;
    }
  }

  /**
   * Every complete event line, as the latest attempt of each step recorded it: a resumed run's
   * status event carries `resumedFrom`, and the events an earlier attempt wrote after that step
   * (trained again after the crash) give way to the new ones, so steps never run backwards.
   * A line cut short by a crash is skipped.
   */
  readEvents(): RunEvent[] {
    let text: string;
    try {
      text = readFileSync(this.path('events'), 'utf8');
    } catch {
      return [];
    }
    const events: RunEvent[] = [];
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      let event: RunEvent;
      try {
        event = JSON.parse(line) as RunEvent;
      } catch {
        continue; // a torn write (a crash mid-line): everything around it is intact
      }
      if (event.type === 'status' && typeof event.resumedFrom === 'number') {
        // Step 0 has no checkpoint: an attempt from 0 starts over, its initial mask statistics included.
        const from = event.resumedFrom;
        const superseded = (e: RunEvent) => e.step > from || (from === 0 && e.type !== 'status');
        const kept = events.filter((e) => !superseded(e));
        events.length = 0;
        events.push(...kept);
      }
      events.push(event);
    }
    return events;
  }

  readConfigText(): string {
    return readFileSync(this.path('config'), 'utf8');
  }

  /** The published top-1 under the resolved config's `reference:` (written by the server, so for every engine). */
  private referenceTop1(): { referenceTop1?: number } {
    try {
      const top1 = (parse(this.readConfigText()) as { reference?: { top1?: unknown } } | null)?.reference?.top1;
      return typeof top1 === 'number' ? { referenceTop1: top1 } : {};
    } catch {
      return {}; // no config.yaml yet, or not readable: the listing shows no reference
    }
  }

  /** Whether a live process (the trainer, or the server that queued the run) holds this run now. */
  ownerAlive(summary = this.readSummary()): boolean {
    return summary !== undefined && !isFinalState(summary.state) && summary.pid !== undefined && isProcessAlive(summary.pid);
  }

  listItem(): RunListItem | undefined {
    const summary = this.readSummary();
    if (!summary && !this.exists()) return undefined;
    // A live-looking state whose owner (the trainer, or the server that queued the run) is gone,
    // or events but no summary (a trainer killed while writing its first one): the run is not
    // going anywhere (lifecycle.ts decides). A run created and never started (no events yet, a
    // sweep's) is queued. A run manager overlays the runs it really has queued or running.
    const state = recoveredState(summary?.state, { ownerAlive: this.ownerAlive(summary), started: existsSync(this.path('events')) });
    return {
      runId: summary?.runId ?? this.runId,
      dir: this.dir,
      name: summary?.name ?? this.runId,
      state,
      step: summary?.step ?? 0,
      totalSteps: summary?.totalSteps ?? 0,
      bestTop1: summary?.best?.top1,
      ...this.referenceTop1(),
      updatedAt: summary?.updatedAt ?? statSync(this.dir).mtimeMs,
    };
  }
}

export class RunFolderError extends Error {
  override name = 'RunFolderError';
}

/** Why a runs folder cannot take a new run, in words (not the ENOENT that mkdir reports under a read-only parent). */
function whyNotWritable(outputRoot: string, error: unknown): string {
  // The nearest folder that exists is the one that refused.
  let existing = resolve(outputRoot);
  while (!existsSync(existing) && dirname(existing) !== existing) existing = dirname(existing);
  if (!statSync(existing).isDirectory()) return `${existing} is a file, not a folder`;
  try {
    accessSync(existing, constants.W_OK);
  } catch (denied) {
    // Node's recursive mkdir reports ENOENT under a read-only parent; access says what it is.
    return (denied as NodeJS.ErrnoException).code === 'EROFS' ? `${existing} is on a read-only file system` : `${existing} is not writable (no permission)`;
  }
  return describeWriteFailure(error);
}

/** ENOSPC or EDQUOT: the disk (or the quota) has no room left. */
function isDiskFull(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT';
}

/** Whether a file is empty, missing, or ends with a newline (reads its last byte only). */
function endsWithNewline(path: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return true;
  }
  try {
    const { size } = fstatSync(fd);
    if (size === 0) return true;
    const last = Buffer.alloc(1);
    readSync(fd, last, 0, 1, size - 1);
    return last[0] === 0x0a;
  } finally {
    closeSync(fd);
  }
}

export { isFinalState };

/** Whether a process with this id runs (EPERM: it does, but belongs to someone else). */
export function isProcessAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  return !isZombie(pid);
}

/**
 * A zombie has exited and runs nothing; it waits to be reaped. A trainer killed together with its
 * server is one for as long as the init that inherits it takes to reap it (minutes in some
 * containers). Linux says so in /proc/<pid>/stat; elsewhere the answer is no.
 */
function isZombie(pid: number): boolean {
  try {
    return /^\d+ \(.*\) Z/s.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/**
 * Every run under a runs folder, newest first, the runs of its sweep folders included (their ids
 * are `sweep/run`, and they carry `sweep`). A missing folder is an empty list.
 */
export function listRuns(outputRoot: string): RunListItem[] {
  if (!existsSync(outputRoot)) return [];
  const items: RunListItem[] = [];
  for (const entry of readdirSync(outputRoot, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const dir = join(outputRoot, entry.name);
    if (existsSync(join(dir, SWEEP_FILE))) {
      for (const run of listRunsIn(dir)) items.push({ ...run, runId: `${entry.name}/${basename(run.dir)}`, sweep: entry.name });
      continue;
    }
    const item = new RunDirectory(dir, entry.name).listItem();
    if (item) items.push(item);
  }
  return items.sort((a, b) => b.updatedAt - a.updatedAt);
}

function listRunsIn(folder: string): RunListItem[] {
  const items: RunListItem[] = [];
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const item = new RunDirectory(join(folder, entry.name), entry.name).listItem();
    if (item) items.push(item);
  }
  return items;
}
