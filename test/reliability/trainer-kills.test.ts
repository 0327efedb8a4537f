// Kill-at-random-points of the trainer (the CLI's train and resume): seeded crash points
// (RIGL_TEST_CRASH_AT) SIGKILL it mid-checkpoint, mid-summary, between latest.json and summary.json,
// mid-event-line and mid-plan. After every kill the run lists with a truthful state and resumes;
// in the end it completes, its events read back with steps increasing, and nothing is left over.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { listRuns, RunDirectory } from '../../server/rundir/store.js';
import { SeededRandom } from '../../server/data/random.js';
import { assertStepsIncrease } from './event-order.js';

const root = join(__dirname, '..', '..', '..');
const cliPath = join(root, 'bin', 'rigl-studio.js');
const SEED = Number(process.env.RIGL_KILL_SEED ?? 11);
const CHAINS = Number(process.env.RIGL_KILL_CHAINS ?? 9);

/** Crash points and how many times a run reaches each (24 steps: 3 epochs of 8, a checkpoint per epoch). */
const POINTS: [string, number][] = [
  ['partial-write:checkpoint', 3], ['before-rename:checkpoint', 3], ['before-write:latest.json', 3], ['partial-write:latest.json', 3],
  ['partial-write:summary.json', 6], ['before-write:summary.json', 6], ['partial-append:events.jsonl', 30], ['partial-write:plan.json', 1],
];
const LIVE_STATES = new Set(['queued', 'starting', 'running', 'stopping']);

const CONFIG = `name: kill
model: lenet-300-100
dataset: { name: synthetic, synthetic_size: 64 }
sparsity: { method: rigl, sparsity: 0.9, update: { delta_t: 4 } }
training: { epochs: 3, batch_size: 8, log_every: 2, optimizer: { lr: 0.02 } }
backend: cpu
`;

function cli(args: string[], crashAt: string | undefined) {
  const env = { ...process.env, RIGL_TEST_CRASH_AT: crashAt ?? '' };
  // A watchdog, not a timing assertion: a hung trainer fails the test instead of stalling CI.
  return spawnSync(process.execPath, [cliPath, ...args], { encoding: 'utf8', env, timeout: 180_000 });
}

test(`${CHAINS} runs SIGKILLed at seeded crash points (seed ${SEED}) each list truthfully, resume and complete`, { timeout: 20 * 60_000 }, () => {
  const random = new SeededRandom(0x4b11, SEED);
  let kills = 0;
  let resumes = 0;
  let processes = 0;
  const killedAt = new Map<string, number>();
  for (let chain = 0; chain < CHAINS; chain++) {
    const sandbox = mkdtempSync(join(tmpdir(), 'rigl-kills-'));
    try {
      const configFile = join(sandbox, 'kill.rigl.yaml');
      writeFileSync(configFile, CONFIG);
      const out = join(sandbox, 'runs');
      // plan.json is written when a run is created (train), not when it resumes.
      const pick = (creating: boolean) => {
        const points = creating ? POINTS : POINTS.filter(([point]) => !point.endsWith('plan.json'));
        const [point, reached] = points[random.int(points.length)];
        return `${point}#${1 + random.int(reached)}`;
      };
      // Three attempts with a crash point each (one a resumed run may never reach), then a clean one.
      const attempts = [pick(true), pick(false), pick(false), undefined];
      let runDir: string | undefined;
      for (const [index, crashAt] of attempts.entries()) {
        const args = index === 0 ? ['train', configFile, '--out', out] : ['resume', runDir!];
        if (index > 0) resumes++;
        processes++;
        const result = cli(args, crashAt);
        const where = `chain ${chain}, attempt ${index} (${crashAt ?? 'no crash'})`;
        const runs = listRuns(out);
        assert.equal(runs.length, 1, `${where}: one run listed; stderr: ${result.stderr}`);
        runDir = runs[0].dir;
        if (result.signal === 'SIGKILL') {
          kills++;
          killedAt.set(crashAt!.split('#')[0], (killedAt.get(crashAt!.split('#')[0]) ?? 0) + 1);
          // Truthful: nothing is running this run any more, whatever the files were caught doing;
          // a run killed while being created (before its trainer's first event) was never started.
          const neverStarted = !existsSync(join(runDir, 'events.jsonl'));
          assert.ok(!LIVE_STATES.has(runs[0].state) || (neverStarted && runs[0].state === 'queued'), `${where}: listed as ${runs[0].state} after its trainer was killed`);
          continue;
        }
        assert.equal(result.status, 0, `${where}: exit ${result.status}; stdout ${result.stdout}; stderr ${result.stderr}`);
        if (runs[0].state === 'completed') break; // the crash point lay beyond this attempt's work
      }
      const [run] = listRuns(out);
      assert.equal(run.state, 'completed', `chain ${chain}: ended ${run.state}`);
      assert.equal(run.step, 24);
      const directory = new RunDirectory(run.dir);
      assertStepsIncrease(directory.readEvents(), `chain ${chain}`);
      const evals = directory.readEvents().filter((e) => e.type === 'eval').map((e) => e.step);
      assert.deepEqual(evals, [8, 16, 24], `chain ${chain}: one evaluation per epoch, latest attempt's`);
      // Nothing half-written is left, and nothing was written beside the runs folder.
      for (const dir of [run.dir, join(run.dir, 'checkpoints')]) assert.deepEqual(readdirSync(dir).filter((f) => f.includes('.tmp-')), [], dir);
      assert.deepEqual(readdirSync(sandbox).sort(), ['kill.rigl.yaml', 'runs']);
    } finally {
      rmSync(sandbox, { recursive: true, force: true });
    }
  }
  process.stdout.write(`# trainer kills: ${kills} SIGKILLs in ${processes} trainer processes over ${CHAINS} runs (${[...killedAt].map(([p, n]) => `${p} ${n}`).join(', ')}), ${resumes} resumes, 0 unresumable\n`);
  assert.ok(kills >= 20, `only ${kills} kills happened`);
});
