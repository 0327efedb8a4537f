// The seeded config fuzzer over the pure config language: thousands of hostile texts, each answered
// as diagnostics (never a throw), in a worker with a capped heap and a watchdog that names a hang.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { join } from 'node:path';
import { runConfigFuzz, type FuzzCounts, type FuzzFailure } from './config-fuzz-run.js';

const REPO_ROOT = join(__dirname, '..', '..', '..');
const SEED = Number(process.env.RIGL_FUZZ_SEED ?? 11);
const CONFIGS = Number(process.env.RIGL_FUZZ_CONFIGS ?? 2000);
/** Far above what any config needs: an unbounded allocation (a V8 crash in the issue) ends the worker. */
const HEAP_LIMIT_MB = 768;
/** No progress for this long means a hang; the watchdog names the config instead of waiting forever. */
const HANG_MS = 60_000;

type WorkerMessage = { type: 'config'; index: number; kind: string } | { type: 'done'; counts: FuzzCounts; failures: FuzzFailure[] };

if (isMainThread) {
  test(`config fuzzer: ${CONFIGS} generated configs (seed ${SEED}) through every config-language feature`, { timeout: 15 * 60_000 }, async () => {
    const result = await new Promise<{ counts: FuzzCounts; failures: FuzzFailure[] }>((resolve, reject) => {
      const worker = new Worker(__filename, { workerData: { seed: SEED, count: CONFIGS }, resourceLimits: { maxOldGenerationSizeMb: HEAP_LIMIT_MB } });
      let last = 'before the first config';
      let watchdog: NodeJS.Timeout;
      const arm = () => {
        clearTimeout(watchdog);
        watchdog = setTimeout(() => { void worker.terminate(); reject(new Error(`no answer for ${HANG_MS / 1000} s at ${last} (seed ${SEED})`)); }, HANG_MS);
      };
      arm();
      worker.on('message', (message: WorkerMessage) => {
        if (message.type === 'config') { last = `config #${message.index} (${message.kind})`; arm(); return; }
        clearTimeout(watchdog);
        resolve({ counts: message.counts, failures: message.failures });
      });
      worker.on('error', (error) => { clearTimeout(watchdog); reject(new Error(`the fuzz worker died at ${last} (seed ${SEED}): ${error.message}`)); });
      worker.on('exit', (code) => { clearTimeout(watchdog); if (code !== 0) reject(new Error(`the fuzz worker exited with ${code} at ${last}`)); });
    });
    const { counts, failures } = result;
    process.stdout.write(`# config fuzz: ${counts.configs} configs, ${counts.calls} calls, ${counts.resolved} resolved; by kind ${JSON.stringify(counts.byKind)}\n`);
    assert.equal(counts.configs, CONFIGS);
    assert.deepEqual(failures.slice(0, 5), [], `${failures.length} broken answers; the first ones are shown`);
    // The generator must reach the planner too, not only the parser's error paths.
    assert.ok(counts.resolved > CONFIGS / 20, `only ${counts.resolved} configs resolved`);
  });
} else {
  const { seed, count } = workerData as { seed: number; count: number };
  const { counts, failures } = runConfigFuzz(seed, count, REPO_ROOT, (index, kind) => parentPort!.postMessage({ type: 'config', index, kind } satisfies WorkerMessage));
  parentPort!.postMessage({ type: 'done', counts, failures } satisfies WorkerMessage);
}
