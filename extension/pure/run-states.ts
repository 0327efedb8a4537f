// Which runs each command may act on, by state: live runs can be stopped, interrupted ones
// resumed, finished ones deleted. Pure, so unit tests and the extension share one definition.
import { FINAL_STATES, type RunState } from '../../server/protocol.js';

/** Final states but 'completed': interrupted runs, which have checkpoints to continue from. */
const RESUMABLE: readonly RunState[] = FINAL_STATES.filter((state) => state !== 'completed');

/** A trainer is (or is about to be) working on the run: it must not be resumed or deleted. */
export function isLive(state: RunState): boolean {
  return !FINAL_STATES.includes(state);
}

/** A run that ended before its last step and has checkpoints to continue from. */
export function isResumable(state: RunState): boolean {
  return RESUMABLE.includes(state);
}

/** Whether Stop makes sense: 'stopping' is live but already on its way out. */
export function isStoppable(state: RunState): boolean {
  return isLive(state) && state !== 'stopping';
}

/** The tree item's contextValue, which the package.json menus' `when` clauses match on. */
export function runContextValue(state: RunState): string {
  return `rigl.run.${state}`;
}
