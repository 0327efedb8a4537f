// One trainer child process of any engine: spawned with an argument array (never a shell), its
// channel (Node IPC, or JSON lines on fd 3 with commands on stdin), its stdout/stderr in files of
// the run directory, whose tail explains a crash.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { TrainerCommand, TrainerMessage } from '../protocol.js';

/**
 * The trainer's own stdout and stderr (tfjs banners, Python warnings and tracebacks, V8's
 * out-of-memory report) land in files rather than pipes: a pipe would break when the server
 * exits, and a trainer then writing a warning would die of EPIPE before it could checkpoint.
 */
export const TRAINER_OUTPUT_FILES = { stdout: 'stdout.log', stderr: 'stderr.log' } as const;

/** How messages and commands travel: Node's IPC channel, or JSON lines (messages on fd 3, commands on stdin). */
export type TrainerChannelKind = 'node-ipc' | 'jsonl-fd3';

/** Everything needed to start one trainer process; an engine (engines.ts) produces it. */
export interface TrainerLaunch {
  command: string;
  args: string[];
  channel: TrainerChannelKind;
  runDir: string;
  /** Relative paths resolve against this folder. */
  cwd: string;
  env: NodeJS.ProcessEnv;
  /**
   * Start it in its own process group and signal the whole group: an engine that starts processes
   * of its own (the pytorch engine's ranks) must not leave them behind when it is killed.
   */
  processGroup?: boolean;
}

export interface TrainerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The last lines the process wrote to stderr (up to STDERR_TAIL_LINES). */
  stderrTail: string[];
  /** Set when the process could not be started at all. */
  spawnError?: string;
  spawnErrorCode?: string;
}

export const STDERR_TAIL_LINES = 20;

export class TrainerProcess {
  private readonly child: ChildProcess;
  private readonly stderrPath: string;
  /** Where this process's stderr begins in a file that earlier attempts (resumes) also wrote. */
  private readonly stderrStart: number;
  private exited?: { code: number | null; signal: NodeJS.Signals | null };
  private channelClosed = false;
  private reported = false;

  constructor(private readonly launch: TrainerLaunch, private readonly onMessage: (message: TrainerMessage) => void, private readonly onExit: (exit: TrainerExit) => void) {
    this.stderrPath = join(launch.runDir, TRAINER_OUTPUT_FILES.stderr);
    const stdoutFd = openSync(join(launch.runDir, TRAINER_OUTPUT_FILES.stdout), 'a');
    const stderrFd = openSync(this.stderrPath, 'a');
    this.stderrStart = fstatSync(stderrFd).size;
    try {
      // For Node: execArgv stays empty, the server's own flags (an inspector port) are not inherited.
      this.child = spawn(launch.command, launch.args, {
        cwd: launch.cwd,
        env: launch.env,
        stdio: launch.channel === 'node-ipc' ? ['ignore', stdoutFd, stderrFd, 'ipc'] : ['pipe', stdoutFd, stderrFd, 'pipe'],
        ...(launch.channel === 'node-ipc' ? { serialization: 'json' as const } : {}),
        detached: launch.processGroup === true,
        windowsHide: true,
      });
    } finally {
      // The child holds its own copies of the descriptors.
      closeSync(stdoutFd);
      closeSync(stderrFd);
    }
    if (launch.channel === 'node-ipc') this.listenIpc();
    else this.listenJsonLines();
    this.child.on('exit', (code, signal) => {
      this.exited = { code, signal };
      if (launch.channel === 'node-ipc' && !this.child.connected) this.channelClosed = true;
      this.reportWhenDone();
    });
    this.child.on('error', (error: NodeJS.ErrnoException) => {
      // Spawning failed (no 'exit' follows), or a send/kill failed on a live process (ignored).
      if (this.child.pid === undefined && !this.reported) {
        this.reported = true;
        this.onExit({ code: null, signal: null, stderrTail: [], spawnError: error.message, ...(error.code ? { spawnErrorCode: error.code } : {}) });
      }
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Sends a command; false when the channel is already closed. */
  send(command: TrainerCommand): boolean {
    if (this.launch.channel === 'node-ipc') {
      if (!this.child.connected) return false;
      try {
        this.child.send(command, () => undefined);
        return true;
      } catch {
        return false;
      }
    }
    const stdin = this.child.stdin;
    if (!stdin || stdin.destroyed || !stdin.writable) return false;
    stdin.write(JSON.stringify(command) + '\n');
    return true;
  }

  /** SIGTERM: every engine treats it as a stop request (finish the step, checkpoint, exit). */
  terminate(): void {
    this.signal('SIGTERM');
  }

  kill(): void {
    this.signal('SIGKILL');
  }

  private signal(signal: NodeJS.Signals): void {
    if (this.exited !== undefined || this.child.pid === undefined) return;
    try {
      if (this.launch.processGroup) process.kill(-this.child.pid, signal);
      else this.child.kill(signal);
    } catch {
      // already gone
    }
  }

  private listenIpc(): void {
    this.child.on('message', (message) => {
      if (isTrainerMessage(message)) this.onMessage(message);
    });
    // Messages already in the channel are delivered before 'disconnect'; report the exit after both.
    this.child.on('disconnect', () => {
      this.channelClosed = true;
      this.reportWhenDone();
    });
  }

  private listenJsonLines(): void {
    // A server that goes away closes stdin: the engine reads that as "stop". Writes after the
    // engine exited fail with EPIPE, which only means the command came too late.
    this.child.stdin?.on('error', () => undefined);
    const channel = this.child.stdio[3] as Readable | null;
    if (!channel) {
      this.channelClosed = true;
      return;
    }
    const lines = createInterface({ input: channel, crlfDelay: Infinity });
    lines.on('line', (line) => {
      if (!line.trim()) return;
      let message: unknown;
      try {
        message = JSON.parse(line);
      } catch {
        return; // not a message; the engine's own output goes to stdout.log, not here
      }
      if (isTrainerMessage(message)) this.onMessage(message);
    });
    lines.on('close', () => {
      this.channelClosed = true;
      this.reportWhenDone();
    });
    channel.on('error', () => undefined);
  }

  private reportWhenDone(): void {
    if (this.reported || !this.exited || !this.channelClosed) return;
    this.reported = true;
    // Nothing more will be sent: let the engine's stdin end now rather than with the server.
    this.child.stdin?.end();
    this.onExit({ ...this.exited, stderrTail: readTail(this.stderrPath, this.stderrStart, STDERR_TAIL_LINES) });
  }
}

export function isTrainerMessage(value: unknown): value is TrainerMessage {
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
