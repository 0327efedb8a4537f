// The order invariant of a run's events after kills and resumes, shared by the kill tests of the
// CLI trainer and of the language server: steps never go back, and per event type strictly increase.
import assert from 'node:assert/strict';
import type { RunEvent } from '../../server/protocol.js';

/** For each event type, steps strictly increase; across all events they never go back. */
export function assertStepsIncrease(events: RunEvent[], where: string): void {
  const last = new Map<string, number>();
  let previous = -1;
  for (const event of events) {
    assert.ok(event.step >= previous, `${where}: step ${event.step} after ${previous} (${event.type})`);
    previous = event.step;
    if (event.type === 'status') continue;
    const before = last.get(event.type);
    assert.ok(before === undefined || event.step > before, `${where}: ${event.type} at step ${event.step} after ${before}`);
    last.set(event.type, event.step);
  }
}
