// The trainer process (dist/trainer.js) that the language server forks, one per run: trains the
// run directory given on the command line, sends each event over IPC after it is on disk.
import { parseArgs } from 'node:util';
import type { TrainerCommand, TrainerMessage } from '../protocol.js';
import { ConfigError } from '../config/load.js';
import { RunDirectory } from '../rundir/store.js';
import { StopSignal, train } from '../train/trainer.js';
import { releaseBackend } from '../train/backend.js';

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { run: { type: 'string' }, resume: { type: 'boolean', default: false }, 'max-steps': { type: 'string' } }, strict: true });
  if (!values.run) throw new ConfigError('trainer: --run <run directory> is required');
  const stop = new StopSignal();
  const send = (message: TrainerMessage) => {
    // With a callback, a server that went away makes send fail quietly instead of throwing EPIPE
    // as an unhandled 'error' event; the disconnect handler then stops the run cleanly.
    if (process.connected) process.send?.(message, undefined, {}, () => undefined);
  };
  process.on('message', (command: TrainerCommand) => {
    if (command?.type === 'stop') stop.request(command.reason ?? 'stop requested');
  });
  // A server that exits (or crashes) disconnects: checkpoint and stop so the run can be resumed.
  process.on('disconnect', () => stop.request('the language server disconnected'));
  process.on('SIGTERM', () => stop.request('SIGTERM'));
  process.on('SIGINT', () => stop.request('SIGINT'));

  // The server wrote config.yaml and plan.json; the trainer executes the plan as it is.
  const run = new RunDirectory(values.run);
  if (!run.exists()) throw new ConfigError(`trainer: ${values.run} is not a run directory (no config.yaml)`);
  const maxSteps = values['max-steps'] !== undefined ? Number(values['max-steps']) : undefined;
  const summary = await train({
    run, resume: values.resume, maxSteps, stop,
    onEvent: (event) => send({ type: 'event', runId: run.runId, event }),
    onLog: (line) => send({ type: 'log', runId: run.runId, line }),
  });
  // The GPU finishes its work and the device goes before the process exits (see backend.ts).
  await releaseBackend();
  return summary.state === 'failed' ? 1 : 0;
}

main().then((code) => {
  process.exitCode = code;
  if (process.connected) process.disconnect();
}).catch((error: unknown) => {
  process.stderr.write(`trainer: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
  if (process.connected) process.disconnect();
});
