// The run directory (docs/engines.md): config.yaml, plan.json, events.jsonl, summary.json,
// checkpoints/, trainer.log. Creating, appending, reading back and listing runs, past ones included.
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { parse } from 'yaml';
import { writeFileAtomic } from './atomic.js';
import { FINAL_STATES, type RunEvent, type RunListItem, type RunState, type RunSummary } from '../protocol.js';

export const RUN_FILES = { config: 'config.yaml', plan: 'plan.json', events: 'events.jsonl', summary: 'summary.json', log: 'trainer.log', checkpoints: 'checkpoints' } as const;
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
    mkdirSync(join(run.dir, RUN_FILES.checkpoints), { recursive: true });
    writeFileAtomic(run.path('config'), configText);
    return run;
  }

  path(file: keyof typeof RUN_FILES): string {
    return join(this.dir, RUN_FILES[file]);
  }

  exists(): boolean {
    return existsSync(this.path('config'));
  }

  /** One line per event; appended before the event is sent anywhere, so the disk is the record. */
  appendEvent(event: RunEvent): void {
    appendFileSync(this.path('events'), JSON.stringify(event) + '\n');
  }

  appendLog(line: string): void {
    appendFileSync(this.path('log'), line.endsWith('\n') ? line : line + '\n');
  }

  writeSummary(summary: RunSummary): void {
    writeFileAtomic(this.path('summary'), JSON.stringify(summary, null, 2) + '\n');
  }

  readSummary(): RunSummary | undefined {
    try {
      return JSON.parse(readFileSync(this.path('summary'), 'utf8')) as RunSummary;
    } catch {
      return undefined;
    }
  }

  /** Every complete event line; a line cut short by a crash (the last one) is skipped. */
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
      try {
        events.push(JSON.parse(line) as RunEvent);
      } catch {
        // a torn write at the end of the file: everything before it is intact
      }
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

  listItem(): RunListItem | undefined {
    const summary = this.readSummary();
    if (!summary && !this.exists()) return undefined;
    // A trainer killed outright (SIGKILL, out of memory) leaves a live-looking state behind.
    const orphaned = summary !== undefined && !isFinalState(summary.state) && summary.pid !== undefined && !isProcessAlive(summary.pid);
    return {
      runId: summary?.runId ?? this.runId,
      dir: this.dir,
      name: summary?.name ?? this.runId,
      state: orphaned ? 'killed' : summary?.state ?? 'queued',
      step: summary?.step ?? 0,
      totalSteps: summary?.totalSteps ?? 0,
      bestTop1: summary?.best?.top1,
      ...this.referenceTop1(),
      updatedAt: summary?.updatedAt ?? statSync(this.dir).mtimeMs,
    };
  }
}

export function isFinalState(state: RunState): boolean {
  return FINAL_STATES.includes(state);
}

/** Whether a process with this id exists (EPERM: it does, but belongs to someone else). */
export function isProcessAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
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
