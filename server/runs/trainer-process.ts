// One trainer child process: spawned with an argument array (never a shell) and an IPC channel;
// its raw stdout/stderr go to files in the run directory, whose tail explains a crash.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import type { TrainerCommand, TrainerMessage } from '../protocol.js';

/**
 * The trainer's own stdout and stderr (tfjs banners, warnings, V8's out-of-memory report) land in
 * files rather than pipes: a pipe would break when the server exits, and a trainer then writing a
 * warning would die of EPIPE before it could checkpoint.
 */
export const TRAINER_OUTPUT_FILES = { stdout: 'stdout.log', stderr: 'stderr.log' } as const;

export interface TrainerLaunch {
  /** The trainer script run by this Node binary (dist/trainer.js, or a test's fake). */
  trainerPath: string;
  runDir: string;
  resume: boolean;
  maxSteps?: number;
  /** Relative dataset paths in the config resolve against this folder. */
  cwd: string;
  env?: NodeJS.ProcessEnv;
}

export interface TrainerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The last lines the process wrote to stderr (up to STDERR_TAIL_LINES). */
  stderrTail: string[];
  /** Set when the process could not be started at all. */
  spawnError?: string;
}

export const STDERR_TAIL_LINES = 20;

export function trainerArguments(launch: Pick<TrainerLaunch, 'trainerPath' | 'runDir' | 'resume' | 'maxSteps'>): string[] {
  return [
    launch.trainerPath,
    '--run', launch.runDir,
    ...(launch.resume ? ['--resume'] : []),
    ...(launch.maxSteps !== undefined ? ['--max-steps', String(launch.maxSteps)] : []),
  ];
}

export class TrainerProcess {
  private readonly child: ChildProcess;
  private readonly stderrPath: string;
  /** Where this process's stderr begins in a file that earlier attempts (resumes) also wrote. */
  private readonly stderrStart: number;
  private exited?: { code: number | null; signal: NodeJS.Signals | null };
  private channelClosed = false;
  private reported = false;

  constructor(launch: TrainerLaunch, private readonly onMessage: (message: TrainerMessage) => void, private readonly onExit: (exit: TrainerExit) => void) {
    this.stderrPath = join(launch.runDir, TRAINER_OUTPUT_FILES.stderr);
    const stdoutFd = openSync(join(launch.runDir, TRAINER_OUTPUT_FILES.stdout), 'a');
    const stderrFd = openSync(this.stderrPath, 'a');
    this.stderrStart = fstatSync(stderrFd).size;
    try {
      // execArgv stays empty: the server's own flags (an inspector port, say) must not be inherited.
      this.child = spawn(process.execPath, trainerArguments(launch), {
        cwd: launch.cwd,
        env: launch.env ?? process.env,
        stdio: ['ignore', stdoutFd, stderrFd, 'ipc'],
        serialization: 'json',
        windowsHide: true,
      });
    } finally {
      // The child holds its own copies of the descriptors.
      closeSync(stdoutFd);
      closeSync(stderrFd);
    }
    this.child.on('message', (message) => {
      if (isTrainerMessage(message)) this.onMessage(message);
    });
    // Messages already in the channel are delivered before 'disconnect'; report the exit after both.
    this.child.on('disconnect', () => {
      this.channelClosed = true;
      this.reportWhenDone();
    });
    this.child.on('exit', (code, signal) => {
      this.exited = { code, signal };
      if (!this.child.connected) this.channelClosed = true;
      this.reportWhenDone();
    });
    this.child.on('error', (error) => {
      // Spawning failed (no 'exit' follows), or a send/kill failed on a live process (ignored).
      if (this.child.pid === undefined && !this.reported) {
        this.reported = true;
        this.onExit({ code: null, signal: null, stderrTail: [], spawnError: error.message });
      }
    });
  }

  /** Sends a command over IPC; false when the channel is already closed. */
  send(command: TrainerCommand): boolean {
    if (!this.child.connected) return false;
    try {
      this.child.send(command, () => undefined);
      return true;
    } catch {
      return false;
    }
  }

  kill(): void {
    if (this.exited === undefined) this.child.kill('SIGKILL');
  }

  private reportWhenDone(): void {
    if (this.reported || !this.exited || !this.channelClosed) return;
    this.reported = true;
    this.onExit({ ...this.exited, stderrTail: readTail(this.stderrPath, this.stderrStart, STDERR_TAIL_LINES) });
  }
}

function isTrainerMessage(value: unknown): value is TrainerMessage {
  if (typeof value !== 'object' || value === null) return false;
  const message = value as Partial<TrainerMessage>;
  if (message.type === 'event') return typeof message.event === 'object' && message.event !== null;
  return message.type === 'log' && typeof message.line === 'string';
}

/** The last `lines` non-empty lines written to a file after `start`, reading at most its last 64 KiB. */
export function readTail(path: string, start: number, lines: number): string[] {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return [];
  }
  try {
    const size = fstatSync(fd).size;
    const from = Math.max(start, size - 64 * 1024);
    const buffer = Buffer.alloc(Math.max(0, size - from));
    let read = 0;
    while (read < buffer.length) {
      const n = readSync(fd, buffer, read, buffer.length - read, from + read);
      if (n === 0) break;
      read += n;
    }
    return buffer.subarray(0, read).toString('utf8').split(/\r?\n/).filter((line) => line.trim() !== '').slice(-lines).map((line) => (line.length > 500 ? line.slice(0, 500) + '…' : line));
  } finally {
    closeSync(fd);
  }
}
