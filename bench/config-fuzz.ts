// The config fuzzer of the reliability tier, run longer: `npm run bench:config-fuzz` (RIGL_FUZZ_CONFIGS,
// RIGL_FUZZ_SEED) prints configs tried, calls made, broken answers and the slowest call.
import { join } from 'node:path';
import { runConfigFuzz } from '../test/reliability/config-fuzz-run.js';

const seed = Number(process.env.RIGL_FUZZ_SEED ?? 1);
const count = Number(process.env.RIGL_FUZZ_CONFIGS ?? 20_000);
const verbose = process.env.RIGL_FUZZ_VERBOSE === '1';
const began = performance.now();
let last = performance.now();
const { counts, failures } = runConfigFuzz(seed, count, join(__dirname, '..', '..'), (index, kind) => {
  const now = performance.now();
  if (verbose) process.stderr.write(`#${index} ${kind} (previous took ${(now - last).toFixed(0)} ms)\n`);
  last = now;
});
const seconds = (performance.now() - began) / 1000;
console.log(`config fuzz, seed ${seed}: ${counts.configs} configs, ${counts.calls} calls, ${counts.resolved} resolved, ${failures.length} broken answers, in ${seconds.toFixed(1)} s`);
console.log(`by kind: ${Object.entries(counts.byKind).map(([k, n]) => `${k} ${n}`).join(', ')}`);
console.log(`slowest call: ${counts.slowestMs.toFixed(0)} ms (${counts.slowestKind})`);
const costly = Object.entries(counts.msByFeature).sort((a, b) => b[1] - a[1]).slice(0, 8);
console.log(`most time: ${costly.map(([k, ms]) => `${k} ${(ms / 1000).toFixed(1)} s`).join(', ')}`);
for (const failure of failures.slice(0, 10)) console.log(`broken: #${failure.index} ${failure.kind} ${failure.feature}: ${failure.problem.split('\n')[0]}\n  ${JSON.stringify(failure.text.slice(0, 160))}`);
process.exitCode = failures.length > 0 ? 1 : 0;
