// Runs the PyTorch engine as the server does (docs/engines.md): Debian's /usr/bin/python3 with
// PYTHONPATH on server/engines/pytorch, JSON lines read from fd 3, commands written on stdin.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import type { RunEvent, TrainerMessage } from '../../server/protocol.js';

export const PYTHON = process.env.RIGL_TEST_PYTHON ?? '/usr/bin/python3';
/** server/engines/pytorch of this clone, found upwards from the bundle (dist/test/pytorch or dist/bench). */
export const ENGINE_PATH = ((): string => {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const candidate = join(dir, 'server', 'engines', 'pytorch');
    if (existsSync(join(candidate, 'rigl_torch', '__main__.py'))) return candidate;
  }
  throw new Error(`no server/engines/pytorch above ${__dirname}`);
})();

export interface EngineResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  messages: TrainerMessage[];
  stderr: string;
}

export interface EngineOptions {
  resume?: boolean;
  maxSteps?: number;
  env?: Record<string, string>;
  /** Called with each message; may write a command to the engine's stdin, or act on the engine. */
  onMessage?: (message: TrainerMessage, send: (command: object) => void, engine: EngineControl) => void;
  /** Start it in its own process group (its id is the engine's pid), as the server does. */
  processGroup?: boolean;
  /** Called with the engine's pid once it is started. */
  onStart?: (pid: number) => void;
  /** Keep stdin open until the engine exits (false closes it at once, which means "stop"). */
  keepStdin?: boolean;
}

export interface EngineControl {
  /** A signal to the engine process, or to its whole process group (processGroup: true). */
  signal(signal: NodeJS.Signals, target?: 'process' | 'group'): void;
  /** What a server that dies leaves the engine: its stdin ended and fd 3's reader gone, no signal. */
  serverGone(): void;
}

export function runEngine(runDir: string, options: EngineOptions = {}): Promise<EngineResult> {
  const args = ['-m', 'rigl_torch', '--run', runDir];
  if (options.resume) args.push('--resume');
  if (options.maxSteps !== undefined) args.push('--max-steps', String(options.maxSteps));
  const child = spawn(PYTHON, args, {
    env: { ...process.env, PYTHONPATH: ENGINE_PATH, OMP_NUM_THREADS: '1', ...options.env },
    stdio: ['pipe', 'ignore', 'pipe', 'pipe'],
    detached: options.processGroup === true,
  });
  if (child.pid !== undefined) options.onStart?.(child.pid);
  const stdin = child.stdin!;
  const messages: TrainerMessage[] = [];
  let stderr = '';
  let pending = '';
  const send = (command: object) => stdin.write(JSON.stringify(command) + '\n');
  const channel = child.stdio[3] as Readable;
  const engine: EngineControl = {
    signal: (signal, target = 'process') => {
      if (target === 'group' && options.processGroup && child.pid !== undefined) process.kill(-child.pid, signal);
      else child.kill(signal);
    },
    serverGone: () => {
      stdin.end();
      channel.destroy();
    },
  };
  child.stderr!.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  channel.on('data', (chunk: Buffer) => {
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.trim()) continue;
      const message = JSON.parse(line) as TrainerMessage;
      messages.push(message);
      options.onMessage?.(message, send, engine);
    }
  });
  if (options.keepStdin === false) stdin.end();
  return new Promise((resolvePromise, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolvePromise({ code, signal, messages, stderr }));
  });
}

export function readEvents(runDir: string): RunEvent[] {
  return readFileSync(join(runDir, 'events.jsonl'), 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as RunEvent);
}

export interface TraceRecord { rank: number; step: number; update: boolean; loss: number; maskedWeightMax: number; maskedMomentumMax: number; nnz: number[]; digests: string[] }

export function readTrace(path: string, rank = 0): TraceRecord[] {
  const file = `${path}.rank${rank}`;
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as TraceRecord);
}

export function torchAvailable(): boolean {
  return existsSync(PYTHON);
}

/** Processes whose process group is `group` (Linux /proc), zombies excluded. */
export function processesInGroup(group: number): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    // pid (comm) state ppid pgrp …; comm may hold spaces and parentheses, so split after its last ')'.
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(pgrp) === group && state !== 'Z') found.push(Number(entry));
  }
  return found;
}

/** Waits (polling /proc) until no process of the group is left; the processes still there after `limitMs`. */
export async function groupGone(group: number, limitMs: number): Promise<number[]> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const left = processesInGroup(group);
    if (left.length === 0 || Date.now() > deadline) return left;
    await new Promise((resolveWait) => setTimeout(resolveWait, 100));
  }
}
