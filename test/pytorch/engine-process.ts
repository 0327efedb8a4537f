// Runs the PyTorch engine as the server does (docs/engines.md): Debian's /usr/bin/python3 with
// PYTHONPATH on server/engines/pytorch, JSON lines read from fd 3, commands written on stdin.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
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
  /** Called with each message; may write a command to the engine's stdin, or SIGKILL the engine. */
  onMessage?: (message: TrainerMessage, send: (command: object) => void, kill: () => void) => void;
  /** Keep stdin open until the engine exits (false closes it at once, which means "stop"). */
  keepStdin?: boolean;
}

export function runEngine(runDir: string, options: EngineOptions = {}): Promise<EngineResult> {
  const args = ['-m', 'rigl_torch', '--run', runDir];
  if (options.resume) args.push('--resume');
  if (options.maxSteps !== undefined) args.push('--max-steps', String(options.maxSteps));
  const child = spawn(PYTHON, args, {
    env: { ...process.env, PYTHONPATH: ENGINE_PATH, OMP_NUM_THREADS: '1', ...options.env },
    stdio: ['pipe', 'ignore', 'pipe', 'pipe'],
  });
  const stdin = child.stdin!;
  const messages: TrainerMessage[] = [];
  let stderr = '';
  let pending = '';
  const send = (command: object) => stdin.write(JSON.stringify(command) + '\n');
  const kill = () => child.kill('SIGKILL');
  child.stderr!.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  (child.stdio[3] as NodeJS.ReadableStream).on('data', (chunk: Buffer) => {
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.trim()) continue;
      const message = JSON.parse(line) as TrainerMessage;
      messages.push(message);
      options.onMessage?.(message, send, kill);
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
