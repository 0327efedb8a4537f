// The run lifecycle's transition table (server/rundir/lifecycle.ts): every allowed transition, the
// refused ones (a finished run goes back only by an explicit resume), and restart recovery.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { recoveredState, transition, type Lifecycle, type LifecycleEvent } from '../../server/rundir/lifecycle.js';
import { FINAL_STATES, type RunState } from '../../server/protocol.js';

const ALL_STATES: RunState[] = ['queued', 'starting', 'running', 'stopping', 'completed', 'stopped', 'failed', 'killed'];

/** One of each kind of event, with the variants that matter. */
const EVENTS: LifecycleEvent[] = [
  { type: 'start', slotFree: true }, { type: 'start', slotFree: false },
  { type: 'resume', slotFree: true, owned: false }, { type: 'resume', slotFree: false, owned: false }, { type: 'resume', slotFree: true, owned: true },
  { type: 'dequeue' }, { type: 'launch-failed' },
  { type: 'trainer-status', state: 'starting' }, { type: 'trainer-status', state: 'running' }, { type: 'trainer-status', state: 'completed' },
  { type: 'trainer-final', state: 'completed' }, { type: 'trainer-final', state: 'running' },
  { type: 'stop' }, { type: 'stop-overdue' }, { type: 'linger-overdue' },
  { type: 'exited' }, { type: 'exited', finalOnDisk: () => 'stopped' },
  { type: 'owner-lost' },
];

const describe = (event: LifecycleEvent) => JSON.stringify(event, (key, value) => (typeof value === 'function' ? `() => ${value()}` : value));

function step(from: Lifecycle, event: LifecycleEvent): { next: Lifecycle; cause?: string } {
  const result = transition(from, event);
  assert.ok(result.ok, `${describe(event)} from ${JSON.stringify(from)} refused: ${result.ok ? '' : result.refusal}`);
  return result;
}

/** [from, event, expected next lifecycle, expected exit cause]: the allowed transitions, all of them. */
const ALLOWED: [Lifecycle, LifecycleEvent, Lifecycle, string?][] = [
  [{ state: 'queued' }, { type: 'start', slotFree: true }, { state: 'starting' }],
  [{ state: 'queued' }, { type: 'start', slotFree: false }, { state: 'queued' }],
  [{ state: 'queued' }, { type: 'resume', slotFree: true, owned: false }, { state: 'starting' }],
  [{ state: 'queued' }, { type: 'resume', slotFree: false, owned: false }, { state: 'queued' }],
  [{ state: 'queued' }, { type: 'dequeue' }, { state: 'starting' }],
  [{ state: 'queued' }, { type: 'stop' }, { state: 'stopped' }],
  [{ state: 'queued' }, { type: 'owner-lost' }, { state: 'killed' }],
  [{ state: 'starting' }, { type: 'launch-failed' }, { state: 'failed' }, 'crashed'],
  [{ state: 'starting' }, { type: 'trainer-status', state: 'starting' }, { state: 'starting' }],
  [{ state: 'starting' }, { type: 'trainer-status', state: 'running' }, { state: 'running' }],
  [{ state: 'starting' }, { type: 'trainer-final', state: 'failed' }, { state: 'starting', reported: 'failed' }],
  [{ state: 'starting' }, { type: 'stop' }, { state: 'stopping' }],
  [{ state: 'starting' }, { type: 'exited' }, { state: 'failed' }, 'crashed'],
  [{ state: 'starting' }, { type: 'exited', finalOnDisk: () => 'completed' }, { state: 'completed' }, 'found-on-disk'],
  [{ state: 'starting' }, { type: 'owner-lost' }, { state: 'killed' }],
  [{ state: 'running' }, { type: 'trainer-status', state: 'running' }, { state: 'running' }],
  [{ state: 'running' }, { type: 'trainer-final', state: 'completed' }, { state: 'running', reported: 'completed' }],
  [{ state: 'running' }, { type: 'stop' }, { state: 'stopping' }],
  // A second final report (failing after a stop, say) is the trainer's last word.
  [{ state: 'running', reported: 'completed' }, { type: 'trainer-final', state: 'failed' }, { state: 'running', reported: 'failed' }],
  [{ state: 'running', reported: 'completed' }, { type: 'exited' }, { state: 'completed' }, 'reported'],
  [{ state: 'running', reported: 'completed' }, { type: 'linger-overdue' }, { state: 'completed', reported: 'completed' }],
  [{ state: 'running' }, { type: 'exited' }, { state: 'failed' }, 'crashed'],
  [{ state: 'running' }, { type: 'exited', finalOnDisk: () => 'completed' }, { state: 'completed' }, 'found-on-disk'],
  [{ state: 'running' }, { type: 'exited', finalOnDisk: () => 'running' }, { state: 'failed' }, 'crashed'],
  [{ state: 'running' }, { type: 'owner-lost' }, { state: 'killed' }],
  [{ state: 'stopping' }, { type: 'stop' }, { state: 'stopping' }],
  [{ state: 'stopping' }, { type: 'trainer-status', state: 'running' }, { state: 'stopping' }],
  [{ state: 'stopping' }, { type: 'trainer-final', state: 'stopped' }, { state: 'stopping', reported: 'stopped' }],
  [{ state: 'stopping' }, { type: 'stop-overdue' }, { state: 'stopping', killRequested: true }],
  [{ state: 'stopping', killRequested: true }, { type: 'exited' }, { state: 'killed' }, 'killed-after-stop'],
  [{ state: 'stopping', killRequested: true, reported: 'stopped' }, { type: 'exited' }, { state: 'stopped' }, 'reported'],
  [{ state: 'stopping', reported: 'stopped' }, { type: 'exited' }, { state: 'stopped' }, 'reported'],
  [{ state: 'stopping' }, { type: 'exited', finalOnDisk: () => 'stopped' }, { state: 'stopped' }, 'found-on-disk'],
  [{ state: 'stopping', reported: 'stopped' }, { type: 'linger-overdue' }, { state: 'stopped', reported: 'stopped' }],
  [{ state: 'stopping' }, { type: 'owner-lost' }, { state: 'killed' }],
  [{ state: 'completed', reported: 'completed' }, { type: 'exited' }, { state: 'completed' }, 'already-final'],
  [{ state: 'stopped' }, { type: 'resume', slotFree: true, owned: false }, { state: 'starting' }],
  [{ state: 'stopped' }, { type: 'resume', slotFree: false, owned: false }, { state: 'queued' }],
  [{ state: 'failed' }, { type: 'resume', slotFree: true, owned: false }, { state: 'starting' }],
  [{ state: 'failed' }, { type: 'resume', slotFree: false, owned: false }, { state: 'queued' }],
  [{ state: 'killed' }, { type: 'resume', slotFree: true, owned: false }, { state: 'starting' }],
  [{ state: 'killed' }, { type: 'resume', slotFree: false, owned: false }, { state: 'queued' }],
];

test('every allowed transition leads where the table says', () => {
  for (const [from, event, expected, cause] of ALLOWED) {
    const result = step(from, event);
    assert.deepEqual(result.next, expected, `${describe(event)} from ${JSON.stringify(from)}`);
    assert.equal(result.cause, cause, `cause of ${describe(event)} from ${JSON.stringify(from)}`);
  }
});

test('everything outside the table is refused with a reason', () => {
  const allowed = new Set(ALLOWED.map(([from, event]) => `${JSON.stringify(from)} ${describe(event)}`));
  let refused = 0;
  const unlisted: string[] = [];
  // Every state × every kind of event; the flags a trainer's run carries are checked by name below.
  for (const from of ALL_STATES.map((state): Lifecycle => ({ state }))) {
    for (const event of EVENTS) {
      if (allowed.has(`${JSON.stringify(from)} ${describe(event)}`)) continue;
      const result = transition(from, event);
      // The table lists each allowed pair once; a generated pair that is allowed must be one of them.
      if (result.ok) {
        const listed = ALLOWED.some(([f, e]) => JSON.stringify(f) === JSON.stringify(from) && e.type === event.type);
        if (!listed) unlisted.push(`${describe(event)} from ${JSON.stringify(from)}`);
        continue;
      }
      assert.ok(result.refusal.length > 0);
      refused++;
    }
  }
  assert.deepEqual(unlisted, [], 'allowed but not in the table');
  assert.ok(refused > 100, `${refused} refusals checked`);
});

test('a finished run never goes back to a live state except by an explicit resume, and a completed one not even then', () => {
  for (const state of FINAL_STATES) {
    for (const event of EVENTS) {
      const result = transition({ state }, event);
      if (event.type === 'resume' && !event.owned && state !== 'completed') {
        assert.ok(result.ok && ['starting', 'queued'].includes(result.next.state));
        continue;
      }
      assert.ok(!result.ok, `${state} accepted ${describe(event)}`);
    }
  }
  const completed = transition({ state: 'completed' }, { type: 'resume', slotFree: true, owned: false });
  assert.ok(!completed.ok && /already completed/.test(completed.refusal));
});

test('named refusals: a live run is not started again, not resumed while owned, a trainer cannot report a final state as live', () => {
  const cases: [Lifecycle, LifecycleEvent, RegExp][] = [
    [{ state: 'stopped' }, { type: 'start', slotFree: true }, /resume it instead/],
    [{ state: 'running' }, { type: 'resume', slotFree: true, owned: true }, /still running/],
    [{ state: 'queued' }, { type: 'resume', slotFree: true, owned: true }, /still queued/],
    [{ state: 'running' }, { type: 'resume', slotFree: true, owned: false }, /no live process/],
    [{ state: 'running' }, { type: 'trainer-status', state: 'completed' }, /not completed/],
    [{ state: 'running' }, { type: 'stop-overdue' }, /no stop was asked for/],
    [{ state: 'running' }, { type: 'linger-overdue' }, /no final state/],
    [{ state: 'killed' }, { type: 'stop' }, /already killed/],
    [{ state: 'queued' }, { type: 'exited' }, /no trainer/],
    [{ state: 'stopped' }, { type: 'owner-lost' }, /needs no owner/],
    [{ state: 'running', reported: 'completed' }, { type: 'trainer-status', state: 'running' }, /already reported completed/],
    [{ state: 'running' }, { type: 'trainer-status', state: 'starting' }, /does not start again/],
    [{ state: 'completed', reported: 'completed' }, { type: 'linger-overdue' }, /no final state/],
  ];
  for (const [from, event, reason] of cases) {
    const result = transition(from, event);
    assert.ok(!result.ok, `${describe(event)} from ${from.state} was allowed`);
    assert.match(result.refusal, reason);
  }
});

test('a whole life: queued, started, stop ignored, killed; resumed, completed; not resumed again', () => {
  let life: Lifecycle = { state: 'queued' };
  const path: RunState[] = [];
  const events: LifecycleEvent[] = [
    { type: 'start', slotFree: false }, { type: 'dequeue' }, { type: 'trainer-status', state: 'starting' }, { type: 'trainer-status', state: 'running' },
    { type: 'stop' }, { type: 'trainer-status', state: 'running' }, { type: 'stop-overdue' }, { type: 'exited' },
    { type: 'resume', slotFree: true, owned: false }, { type: 'trainer-status', state: 'running' }, { type: 'trainer-final', state: 'completed' }, { type: 'exited' },
  ];
  for (const event of events) {
    life = step(life, event).next;
    path.push(life.state);
  }
  assert.deepEqual(path, ['queued', 'starting', 'starting', 'running', 'stopping', 'stopping', 'stopping', 'killed', 'starting', 'running', 'running', 'completed']);
  assert.ok(!transition(life, { type: 'resume', slotFree: true, owned: false }).ok);
});

test('restart recovery: a live state whose owner is gone is killed; an owned one stays; never started is queued; final stays', () => {
  for (const state of ['queued', 'starting', 'running', 'stopping'] as RunState[]) {
    assert.equal(recoveredState(state, { ownerAlive: false, started: true }), 'killed', `${state}, owner dead`);
    assert.equal(recoveredState(state, { ownerAlive: true, started: true }), state, `${state}, owner alive`);
  }
  // A queued summary written by a server that died before the run started (no trainer events).
  assert.equal(recoveredState('queued', { ownerAlive: false, started: false }), 'killed');
  for (const state of FINAL_STATES) assert.equal(recoveredState(state, { ownerAlive: false, started: true }), state);
  assert.equal(recoveredState(undefined, { ownerAlive: false, started: false }), 'queued', 'made, never started (a sweep\'s run)');
  assert.equal(recoveredState(undefined, { ownerAlive: false, started: true }), 'killed', 'a trainer that died before its first summary');
  // Whatever recovery says is resumable unless completed.
  for (const state of [...ALL_STATES.filter((s) => s !== 'completed')]) {
    const recovered = recoveredState(state, { ownerAlive: false, started: true });
    assert.ok(transition({ state: recovered }, { type: 'resume', slotFree: true, owned: false }).ok, `${state} → ${recovered} resumes`);
  }
});
