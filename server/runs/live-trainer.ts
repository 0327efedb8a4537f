// One run's live trainer process and its timers: a stop is a message, then SIGTERM once the stop
// timeout passes, then SIGKILL; a trainer that reported its final state but lingers is ended.
import type { TrainerMessage } from '../protocol.js';
import { TrainerProcess, type TrainerExit, type TrainerLaunch } from './trainer-process.js';

/** After SIGTERM, how long a trainer gets before SIGKILL (at most; a shorter stop timeout shortens it). */
const TERMINATE_GRACE_MS = 5_000;
/** How long a trainer may live on after reporting its final state (a leaked handle) before it is ended. */
export const FINAL_STATUS_GRACE_MS = 10_000;

export interface LiveTrainerHooks {
  onMessage(message: TrainerMessage): void;
  /** The process is gone (or never started); every timer is cleared by then. */
  onExit(exit: TrainerExit): void;
  /** The stop timeout passed: SIGTERM follows at once, SIGKILL after a grace. */
  onStopOverdue(): void;
  /** The final state was reported FINAL_STATUS_GRACE_MS ago and the process still lives: SIGKILL follows. */
  onLingerOverdue(): void;
}

export class LiveTrainer {
  private readonly process: TrainerProcess;
  private stopTimer?: NodeJS.Timeout;
  private killTimer?: NodeJS.Timeout;
  private lingerTimer?: NodeJS.Timeout;

  /** Spawns the trainer; throws if it cannot even be spawned (e.g. the run directory vanished). */
  constructor(launch: TrainerLaunch, private readonly hooks: LiveTrainerHooks, private readonly stopTimeoutMs: number) {
    this.process = new TrainerProcess(launch, (message) => hooks.onMessage(message), (exit) => {
      this.disarm();
      hooks.onExit(exit);
    });
  }

  /** Asks the trainer to finish its step, checkpoint and exit; with `enforce`, terminates it if it has not after the stop timeout. */
  requestStop(reason: string, enforce: boolean): void {
    this.process.send({ type: 'stop', reason });
    if (!enforce) return;
    clearTimeout(this.stopTimer);
    this.stopTimer = setTimeout(() => {
      this.hooks.onStopOverdue();
      this.process.terminate(); // a stop request to every engine, and to ranks it started
      this.killTimer = setTimeout(() => this.process.kill(), Math.min(TERMINATE_GRACE_MS, this.stopTimeoutMs));
    }, this.stopTimeoutMs);
  }

  /** The trainer reported its final state: it should exit now, and is ended if it lingers. */
  expectExit(): void {
    clearTimeout(this.lingerTimer);
    this.lingerTimer = setTimeout(() => {
      this.hooks.onLingerOverdue();
      this.process.kill();
    }, FINAL_STATUS_GRACE_MS);
  }

  /** No stop request is enforced any more (a server shutting down leaves its trainers to stop on their own). */
  disarmStop(): void {
    clearTimeout(this.stopTimer);
    clearTimeout(this.killTimer);
  }

  /** Nothing here may signal the process later. */
  disarm(): void {
    this.disarmStop();
    clearTimeout(this.lingerTimer);
  }
}
