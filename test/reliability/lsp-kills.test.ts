// Kills through the language server: trainers a live server spawned are SIGKILLed at seeded random
// moments, then the server itself (and a trainer with it) mid-run; a new server on the same runs
// folder lists every run with a truthful state and resumes each to completion, steps in order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SeededRandom } from '../../server/data/random.js';
import {
  FINAL_STATES, ListRunsRequest, ResumeRunRequest, RunHistoryRequest, RunMetricsNotification, RunStatusNotification, StartRunRequest,
  type RunEvent, type RunListItem, type RunSummary, type StatusEvent,
} from '../../server/protocol.js';
import { processEnds, TestServer } from '../lsp/lsp-client.js';
import { assertStepsIncrease } from './event-order.js';

const SEED = Number(process.env.RIGL_LSP_KILL_SEED ?? 7);
const TRAINER_KILLS = Number(process.env.RIGL_LSP_TRAINER_KILLS ?? 5);
const RUNS = 3;
const STEPS = 64;
const config = (name: string) => `name: ${name}
model: lenet-300-100
dataset: { name: synthetic, synthetic_size: 128 }
sparsity: { update: { delta_t: 4 } }
training: { epochs: 4, batch_size: 8, log_every: 1, optimizer: { lr: 0.01 } }
backend: cpu
`;

const statuses = (server: TestServer, runId: string): StatusEvent[] => server.received(RunStatusNotification.type).filter((n) => n.runId === runId).map((n) => n.event);
const trainSteps = (server: TestServer, runId: string) => server.received(RunMetricsNotification.type).filter((n) => n.runId === runId).flatMap((n) => n.events).filter((e) => e.type === 'train').length;
const summaryOf = (dir: string) => JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as RunSummary;
const list = async (server: TestServer): Promise<RunListItem[]> => (await server.connection.sendRequest(ListRunsRequest.type, {})).runs;

/** The first final status of the run after the `finalsBefore` it already had on this server. */
async function finalAfter(server: TestServer, runId: string, finalsBefore: number): Promise<StatusEvent> {
  const finals = () => statuses(server, runId).filter((e) => FINAL_STATES.includes(e.state));
  await server.until(() => finals().length > finalsBefore, `${runId} to end; saw ${statuses(server, runId).map((e) => e.state).join(', ')}`);
  return finals()[finalsBefore];
}

/** Waits until no process names this runs folder on its command line (trainers take `--run DIR`), orphans included. */
async function trainersEnd(runsDirectory: string): Promise<void> {
  for (let pids = trainersIn(runsDirectory); pids.length > 0; pids = trainersIn(runsDirectory)) {
    for (const pid of pids) await processEnds(pid);
  }
}

function trainersIn(runsDirectory: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(runsDirectory)) pids.push(Number(entry));
    } catch {
      // ended meanwhile
    }
  }
  return pids;
}

/** Runs whose trainer trains now on this server (their latest status is running). */
const training = (server: TestServer, runs: { runId: string; dir: string }[]) => runs.filter((r) => statuses(server, r.runId).at(-1)?.state === 'running');

test(`trainers SIGKILLed at ${TRAINER_KILLS} seeded random moments (seed ${SEED}), then the server killed mid-run (with a trainer at the same moment): a new server lists every run truthfully and resumes all`, { timeout: 15 * 60_000 }, async () => {
  const random = new SeededRandom(0x15c, SEED);
  const first = await TestServer.start({ initializationOptions: { maxConcurrentRuns: 2 } });
  let second: TestServer | undefined;
  let trainerKills = 0;
  let resumes = 0;
  const runs: { runId: string; dir: string }[] = [];
  try {
    for (let i = 0; i < RUNS; i++) runs.push(await first.connection.sendRequest(StartRunRequest.type, { uri: `file://${join(first.workspace, `kill-${i}.rigl.yaml`)}`, text: config(`kill-${i}`) }));

    // Trainer kills while the server lives: one of the runs training now, after 0–10 more of its steps.
    while (trainerKills < TRAINER_KILLS) {
      await first.until(() => training(first, runs).length > 0, 'a run to train');
      const now = training(first, runs);
      const run = now[random.int(now.length)];
      const finalsBefore = statuses(first, run.runId).filter((e) => FINAL_STATES.includes(e.state)).length;
      const target = trainSteps(first, run.runId) + random.int(11);
      await first.until(() => trainSteps(first, run.runId) >= target || statuses(first, run.runId).at(-1)?.state !== 'running', `${run.runId}: step ${target}`);
      if (statuses(first, run.runId).at(-1)?.state !== 'running') continue; // it completed first
      const pid = summaryOf(run.dir).pid;
      assert.ok(pid, `${run.runId}: its trainer recorded its pid`);
      process.kill(pid, 'SIGKILL');
      trainerKills++;
      const ended = await finalAfter(first, run.runId, finalsBefore);
      // The server saw its trainer die without a final state: failed, saying how, and listed so.
      assert.equal(ended.state, 'failed', `${run.runId}: ${ended.message}`);
      assert.match(ended.message ?? '', /killed by SIGKILL/);
      assert.equal((await list(first)).find((r) => r.runId === run.runId)?.state, 'failed');
      await first.connection.sendRequest(ResumeRunRequest.type, { runId: run.runId });
      resumes++;
    }

    // Then the server dies while runs train (and, if two do, one's trainer dies at the same moment).
    const unfinished = () => runs.filter((r) => statuses(first, r.runId).at(-1)?.state !== 'completed').length;
    await first.until(() => training(first, runs).length >= Math.min(2, unfinished()) && training(first, runs).length > 0, 'two runs to train before the server dies');
    const [orphan, alsoKilled] = training(first, runs);
    const target = trainSteps(first, orphan.runId) + random.int(6);
    await first.until(() => trainSteps(first, orphan.runId) >= target || statuses(first, orphan.runId).at(-1)?.state !== 'running', `${orphan.runId}: step ${target}`);
    const orphanPid = summaryOf(orphan.dir).pid;
    assert.ok(orphanPid);
    const runsDirectory = first.runsDirectory;
    const alsoKilledPid = alsoKilled ? summaryOf(alsoKilled.dir).pid : undefined;
    if (alsoKilledPid) {
      process.kill(alsoKilledPid, 'SIGKILL');
      trainerKills++;
    }
    await first.kill();
    // Every trainer of the first server ends: the orphan, and one it may have started from its queue
    // in its last moment (when the other trainer died).
    await trainersEnd(runsDirectory);

    // A new server on the same runs folder: nothing holds any run, so nothing lists as live.
    second = await TestServer.start({ initializationOptions: { runsDirectory, maxConcurrentRuns: 2 } });
    const listed = await list(second);
    assert.deepEqual(listed.map((r) => r.runId).sort(), runs.map((r) => r.runId).sort());
    for (const item of listed) assert.ok(FINAL_STATES.includes(item.state), `${item.runId} lists as ${item.state} with no process behind it`);
    const stateOf = (runId: string) => listed.find((r) => r.runId === runId)?.state;
    // Unless it completed just before: a trainer orphaned by its server checkpoints and stops.
    assert.ok(['stopped', 'completed'].includes(stateOf(orphan.runId)!), `the orphan lists as ${stateOf(orphan.runId)}`);
    // Killed with its server: the server may have recorded the crash (failed) or not (killed).
    if (alsoKilled) assert.ok(['failed', 'killed', 'completed'].includes(stateOf(alsoKilled.runId)!), `the run killed with its server lists as ${stateOf(alsoKilled.runId)}`);
    for (const item of listed.filter((r) => r.state !== 'completed')) {
      await second.connection.sendRequest(ResumeRunRequest.type, { runId: item.runId });
      resumes++;
    }
    for (const item of listed) {
      if (item.state !== 'completed') assert.equal((await finalAfter(second, item.runId, 0)).state, 'completed', `${item.runId} after resume`);
      const history: { events: RunEvent[]; summary?: RunSummary } = await second.connection.sendRequest(RunHistoryRequest.type, { runId: item.runId });
      assert.equal(history.summary?.state, 'completed');
      assert.equal(history.summary?.step, STEPS);
      assertStepsIncrease(history.events, item.runId);
      assert.deepEqual(history.events.filter((e) => e.type === 'train').map((e) => e.step), Array.from({ length: STEPS }, (_, i) => i + 1), `${item.runId}: every step once, the latest attempt's`);
    }
    process.stdout.write(`# lsp kills: ${trainerKills} trainer SIGKILLs at random moments, 1 server SIGKILL mid-run (states after it: ${listed.map((r) => r.state).join(', ')}), ${resumes} resumes over ${RUNS} runs, 0 unresumable\n`);
  } finally {
    await first.stop().catch(() => undefined);
    await second?.stop();
    // Trainers the first server left after a failed assertion stop on its exit; wait for them.
    await trainersEnd(first.runsDirectory);
    first.removeWorkspace();
    second?.removeWorkspace();
  }
});
