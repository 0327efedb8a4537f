// The CLI's way to train on an engine that runs in its own process (pytorch): started through the
// same seam as the language server's runs (server/runs/engines.ts), its events fed to the same
// progress display; Ctrl-C asks it to stop, a second Ctrl-C ends it at once.
import type { RiglConfig } from '../config/types.js';
import type { RunEvent, RunSummary, StatusEvent } from '../protocol.js';
import type { RunDirectory } from '../rundir/store.js';
import { isFinalState } from '../rundir/store.js';
import { pytorchEngine, type EngineRun } from '../runs/engines.js';
import { crashMessage } from '../runs/trainer-exit.js';
import { PythonProbes } from '../runs/python-interpreter.js';
import { TrainerProcess, type TrainerExit } from '../runs/trainer-process.js';
import type { StopSignal } from '../train/trainer.js';

export interface EngineProcessOptions {
  run: RunDirectory;
  config: RiglConfig;
  resume: boolean;
  maxSteps?: number;
  cwd: string;
  onEvent(event: RunEvent): void;
  /** A request reaches the engine as a stop command. */
  stop: StopSignal;
  /** Set to what ends the engine at once (a second Ctrl-C). */
  setKill(kill: () => void): void;
}

export async function trainInEngineProcess(options: EngineProcessOptions): Promise<RunSummary> {
  const { python } = await new PythonProbes().resolve(options.config.pytorch.python, undefined);
  const engine = pytorchEngine();
  const engineRun: EngineRun = { runDir: options.run.dir, resume: options.resume, maxSteps: options.maxSteps, cwd: options.cwd, env: process.env, python };
  let finalStatus: StatusEvent | undefined;
  const exit = await new Promise<TrainerExit>((resolve) => {
    let trainer: TrainerProcess;
    try {
      trainer = new TrainerProcess(engine.launch(engineRun), (message) => {
        if (message.type !== 'event') return;
        if (message.event.type === 'status' && isFinalState(message.event.state)) finalStatus = message.event;
        options.onEvent(message.event);
      }, resolve);
    } catch (error) {
      // Nothing could start (the package is missing): recorded like a process that failed to spawn.
      resolve({ code: null, signal: null, stderrTail: [], spawnError: error instanceof Error ? error.message : String(error) });
      return;
    }
    options.stop.onRequest((reason) => trainer.send({ type: 'stop', reason }));
    options.setKill(() => trainer.kill());
  });
  return finish(options.run, finalStatus, exit, engine.explainExit(exit, engineRun));
}

/** The engine's own summary when it reported a final state; else the run is recorded failed with why. */
function finish(run: RunDirectory, finalStatus: StatusEvent | undefined, exit: TrainerExit, explanation: string | undefined): RunSummary {
  const summary = run.readSummary();
  if (finalStatus && summary && isFinalState(summary.state)) return summary;
  const message = crashMessage(exit, explanation);
  const now = Date.now();
  const event: StatusEvent = { type: 'status', step: summary?.step ?? 0, epoch: summary?.epoch ?? 0, time: now, state: 'failed', message };
  run.appendEvent(event);
  const { pid: _pid, ...rest } = summary ?? { runId: run.runId, name: run.runId, model: '', method: '', backend: '', step: 0, totalSteps: 0, epoch: 0, startedAt: now, updatedAt: now, sparsity: { global: 0, layers: [] } } as Omit<RunSummary, 'state'> & { pid?: number };
  const failed: RunSummary = { ...rest, state: 'failed', message, updatedAt: now };
  run.writeSummary(failed);
  return failed;
}
