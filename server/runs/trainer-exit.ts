// How a trainer's end reads when it sent no final status: the final status it wrote to disk but
// could not send, or why it crashed (the engine's explanation, then its stderr's last lines).
import type { StatusEvent } from '../protocol.js';
import { isFinalState } from '../rundir/lifecycle.js';
import { RUN_FILES, type RunDirectory } from '../rundir/store.js';
import type { TrainerExit } from './trainer-process.js';

/** The last status event in events.jsonl if it is a final one written at `since` or later (not an earlier attempt's). */
export function lastFinalStatus(run: RunDirectory, since: number): StatusEvent | undefined {
  const events = run.readEvents();
  for (let i = events.length - 1; i >= 0; i--) {
    const event = events[i];
    if (event.type === 'status') return isFinalState(event.state) && event.time >= since ? event : undefined;
  }
  return undefined;
}

/** Why a trainer ended without a final state: the engine's explanation first, then its stderr's last lines. */
export function crashMessage(exit: TrainerExit, explanation?: string): string {
  if (exit.spawnError) return `could not start the trainer: ${explanation ?? exit.spawnError}`;
  const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
  const head = `the trainer ${how} without reporting a final state${explanation ? `: ${explanation}` : ''}`;
  return exit.stderrTail.length > 0 ? `${head}; last lines of its stderr:\n${exit.stderrTail.join('\n')}` : `${head} (it wrote nothing to stderr; see ${RUN_FILES.log})`;
}
