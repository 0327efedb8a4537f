// A run's lifecycle as one explicit state machine: the one function that decides every change of
// a run's state (protocol.ts's RunState), live and after a crash or a server restart. Pure.
import { FINAL_STATES, type RunState } from '../protocol.js';

// It sits beside the run directory, not in runs/: listings and resume (rundir, the CLI) decide what
// a recorded state means once its owner is gone, and lower layers never import the run manager.

/** A run's state, and what its live trainer has told or been told beyond it. */
export interface Lifecycle {
  readonly state: RunState;
  /** The final state the trainer reported; it becomes the state once the process has exited. */
  readonly reported?: RunState;
  /** The trainer ignored a stop request past the stop timeout and is being terminated. */
  readonly killRequested?: boolean;
}

export type LifecycleEvent =
  /** A run made and never started is admitted: it starts in a free slot, else waits in the queue. */
  | { type: 'start'; slotFree: boolean }
  /** A run is admitted again; `owned`: a live process (a server, a trainer) holds it already. */
  | { type: 'resume'; slotFree: boolean; owned: boolean }
  /** A queued run got a slot: its trainer is being spawned. */
  | { type: 'dequeue' }
  /** The trainer process could not be launched at all. */
  | { type: 'launch-failed' }
  /** The trainer reported a live state (starting, running). */
  | { type: 'trainer-status'; state: RunState }
  /** The trainer reported its final state (written to disk); it counts once the process exits. */
  | { type: 'trainer-final'; state: RunState }
  /** A stop was asked for (the user, or a server shutting down). */
  | { type: 'stop' }
  /** The stop timeout passed with the trainer still alive: it is terminated, then killed. */
  | { type: 'stop-overdue' }
  /** The trainer reported its final state long ago and still has not exited: the state counts now. */
  | { type: 'linger-overdue' }
  /** The trainer process ended; `finalOnDisk` reads a final state it wrote but could not send. */
  | { type: 'exited'; finalOnDisk?: () => RunState | undefined }
  /** Recorded in a live state, but its owner (the trainer, or the server that queued it) is gone. */
  | { type: 'owner-lost' };

/** Why an exited trainer's run ended in its state. */
export type ExitCause = 'reported' | 'found-on-disk' | 'killed-after-stop' | 'crashed' | 'already-final';

export type Transition =
  | { ok: true; next: Lifecycle; cause?: ExitCause }
  | { ok: false; refusal: string };

const LIVE_TRAINER_STATES: readonly RunState[] = ['starting', 'running', 'stopping'];

export function isFinalState(state: RunState): boolean {
  return FINAL_STATES.includes(state);
}

/** The one place a run's state changes: the next lifecycle, or why the event is refused in this state. */
export function transition(current: Lifecycle, event: LifecycleEvent): Transition {
  const { state } = current;
  const to = (next: RunState, cause?: ExitCause): Transition => ({ ok: true, next: { state: next }, ...(cause ? { cause } : {}) });
  const keep = (changes: Partial<Lifecycle>): Transition => ({ ok: true, next: { ...current, ...changes } });
  const refuse = (refusal: string): Transition => ({ ok: false, refusal });
  const hasTrainer = LIVE_TRAINER_STATES.includes(state);
  switch (event.type) {
    case 'start':
      if (state !== 'queued') return refuse(`the run was started before (it is ${state}); resume it instead`);
      return to(event.slotFree ? 'starting' : 'queued');
    case 'resume':
      if (event.owned) return refuse(`the run is still ${state}`);
      if (state === 'completed') return refuse('the run already completed; nothing to resume');
      // A live state nobody owns is a crash not yet recognised: 'owner-lost' says so first.
      if (hasTrainer) return refuse(`the run is recorded ${state} by no live process; it lists as killed first`);
      return to(event.slotFree ? 'starting' : 'queued');
    case 'dequeue':
      return state === 'queued' ? to('starting') : refuse(`only a queued run takes a free slot (it is ${state})`);
    case 'launch-failed':
      return state === 'starting' ? to('failed', 'crashed') : refuse(`no trainer was being launched (it is ${state})`);
    case 'trainer-status':
      if (!hasTrainer) return refuse(`a ${state} run has no trainer to report`);
      if (current.reported) return refuse(`the trainer already reported ${current.reported}`);
      if (event.state === 'starting' && state !== 'starting') return refuse(`a ${state} trainer does not start again`);
      if (event.state !== 'starting' && event.state !== 'running') return refuse(`a trainer reports starting or running, not ${event.state}`);
      // A trainer still starting up reports 'running' after a stop was asked for: the run is stopping.
      return state === 'stopping' ? keep({}) : keep({ state: event.state });
    case 'trainer-final':
      if (!hasTrainer) return refuse(`a ${state} run has no trainer to report`);
      if (!isFinalState(event.state)) return refuse(`${event.state} is not a final state`);
      return keep({ reported: event.state });
    case 'stop':
      if (state === 'queued') return to('stopped');
      if (hasTrainer) return keep({ state: 'stopping' });
      return refuse(`the run is already ${state}`);
    case 'stop-overdue':
      return state === 'stopping' ? keep({ killRequested: true }) : refuse(`no stop was asked for (it is ${state})`);
    case 'linger-overdue':
      return hasTrainer && current.reported ? keep({ state: current.reported }) : refuse('the trainer reported no final state');
    case 'exited':
      // The trainer of a run announced final after lingering has now gone too: nothing changes.
      if (isFinalState(state) && current.reported === undefined) return refuse(`a ${state} run has no trainer to exit`);
      if (isFinalState(state)) return { ok: true, next: { state }, cause: 'already-final' };
      if (!hasTrainer) return refuse(`a ${state} run has no trainer to exit`);
      if (current.reported) return to(current.reported, 'reported');
      if (current.killRequested) return to('killed', 'killed-after-stop');
      {
        const onDisk = event.finalOnDisk?.();
        return onDisk && isFinalState(onDisk) ? to(onDisk, 'found-on-disk') : to('failed', 'crashed');
      }
    case 'owner-lost':
      return isFinalState(state) ? refuse(`a ${state} run needs no owner`) : to('killed');
  }
}

/**
 * What a recorded run is now, read by anyone (a listing, a new server, the CLI): a live state whose
 * owner is gone is killed. `recorded` undefined (no summary.json): a run made and never started is
 * queued; one whose trainer began (events on disk) died before its first summary.
 */
export function recoveredState(recorded: RunState | undefined, facts: { ownerAlive: boolean; started: boolean }): RunState {
  const state = recorded ?? (facts.started ? 'starting' : 'queued');
  if (isFinalState(state)) return state;
  if (recorded === undefined && !facts.started) return state; // nobody ever owned it
  if (facts.ownerAlive && recorded !== undefined) return state;
  const lost = transition({ state }, { type: 'owner-lost' });
  return lost.ok ? lost.next.state : state;
}
