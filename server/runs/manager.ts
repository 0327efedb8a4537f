// The run lifecycle for the language server: start (or queue) trainer processes, stop them (kill
// after a timeout), resume, detect crashes, relay their events in batches, list runs on disk.
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { resolveConfigText } from '../config/load.js';
import type { RiglConfig } from '../config/types.js';
import { errorMessage } from '../errors.js';
import type { EvalEvent, MaskEvent, RunEvent, RunListItem, RunState, RunSummary, StatusEvent, TrainEvent, TrainerMessage } from '../protocol.js';
import { KeyedBatcher } from './batcher.js';
import { createRun, openRunForResume } from '../rundir/start.js';
import { isFinalState, listRuns, RunDirectory, RUN_FILES } from '../rundir/store.js';
import { pytorchEngine, tfjsEngine, type EngineRun, type TrainerEngine } from './engines.js';
import { PythonProbes } from './python-interpreter.js';
import { runDirectoryOf } from '../rundir/run-path.js';
import { TrainerProcess, type TrainerExit } from './trainer-process.js';
import type { EngineName } from '../config/types.js';

export type MetricEvent = TrainEvent | EvalEvent;

/** What the manager tells its owner (the language server, a test). */
export interface RunManagerListener {
  /** A state change, delivered at once (pending metrics of the run are delivered first). */
  onStatus(runId: string, event: StatusEvent): void;
  /** Train and eval events, batched per run. */
  onMetrics(runId: string, events: MetricEvent[]): void;
  /** Mask statistics, batched per run like metrics. */
  onMask(runId: string, events: MaskEvent[]): void;
  /** A line the trainer logged (it is in trainer.log too). */
  onLog?(runId: string, line: string): void;
}

export interface RunManagerOptions {
  /** The folder holding one directory per run. */
  runsRoot: string;
  /** Runs training at once; the rest wait in a FIFO queue. Default 1. */
  maxConcurrentRuns?: number;
  /** The tfjs engine's trainer script; default dist/trainer.js next to the running bundle. */
  trainerPath?: string;
  /** The folder holding the pytorch engine's package rigl_torch/; default: found next to the bundle. */
  pytorchPackageRoot?: string;
  /** The editor's Python (rigl.pythonPath, or the Python extension's) for configs that name none. */
  pythonPath?: string;
  /** Interpreter probes, shared with whoever else asks (the language server's diagnostics). */
  pythonProbes?: PythonProbes;
  /** The trainers' working directory: relative dataset paths resolve against it. Default: the server's. */
  cwd?: string;
  /** How long a stop request may take before the trainer is killed. Default 30 s. */
  stopTimeoutMs?: number;
  /** Minimum time between two metric (or mask) deliveries of one run. Default 250 ms (4 per second). */
  batchIntervalMs?: number;
  /** The trainers' environment. Default: the server's. */
  env?: NodeJS.ProcessEnv;
}

export interface StartRunOptions {
  configText: string;
  /** Names the config in error messages (file:line:col). */
  configFile?: string;
  /** `key.path=value` overrides, as the CLI's --set. */
  overrides?: readonly string[];
  /** Stop (as completed) after this many optimizer steps. */
  maxSteps?: number;
}

export interface StartedRun {
  runId: string;
  dir: string;
  queued: boolean;
}

interface ManagedRun {
  runId: string;
  run: RunDirectory;
  config: RiglConfig;
  state: RunState;
  resume: boolean;
  maxSteps?: number;
  /** pytorch: the interpreter resolved when the run was admitted. */
  python?: string;
  process?: TrainerProcess;
  stopRequested: boolean;
  killRequested: boolean;
  stopTimer?: NodeJS.Timeout;
  killTimer?: NodeJS.Timeout;
  /** The trainer's own completed/stopped/failed status, announced once the process has exited. */
  finalStatus?: StatusEvent;
  finalAnnounced: boolean;
  finalTimer?: NodeJS.Timeout;
  step: number;
  epoch: number;
  totalSteps: number;
  exited: Promise<void>;
  markExited: () => void;
}

const DEFAULT_STOP_TIMEOUT_MS = 30_000;
const DEFAULT_BATCH_INTERVAL_MS = 250;
const FINAL_STATUS_GRACE_MS = 10_000;
/** After SIGTERM, how long a trainer gets before SIGKILL (at most; a shorter stop timeout shortens it). */
const TERMINATE_GRACE_MS = 5_000;

export class RunManager {
  private root: string;
  private maxConcurrent: number;
  private readonly engines: Record<EngineName, TrainerEngine>;
  private pythonPath: string | undefined;
  private readonly pythonProbes: PythonProbes;
  private readonly cwd: string;
  private readonly stopTimeoutMs: number;
  private readonly env: NodeJS.ProcessEnv | undefined;
  /** Runs that are queued or have a trainer process, by id. */
  private readonly active = new Map<string, ManagedRun>();
  private readonly queue: string[] = [];
  private readonly metrics: KeyedBatcher<MetricEvent>;
  private readonly masks: KeyedBatcher<MaskEvent>;
  private shuttingDown = false;

  constructor(options: RunManagerOptions, private readonly listener: RunManagerListener) {
    this.root = resolve(options.runsRoot);
    this.maxConcurrent = sanitizeConcurrency(options.maxConcurrentRuns);
    this.engines = { tfjs: tfjsEngine(options.trainerPath ?? join(__dirname, 'trainer.js')), pytorch: pytorchEngine(options.pytorchPackageRoot) };
    this.pythonPath = options.pythonPath;
    this.pythonProbes = options.pythonProbes ?? new PythonProbes();
    this.cwd = options.cwd ?? process.cwd();
    this.stopTimeoutMs = options.stopTimeoutMs ?? DEFAULT_STOP_TIMEOUT_MS;
    this.env = options.env;
    const interval = options.batchIntervalMs ?? DEFAULT_BATCH_INTERVAL_MS;
    this.metrics = new KeyedBatcher((runId, events) => this.listener.onMetrics(runId, events), interval);
    this.masks = new KeyedBatcher((runId, events) => this.listener.onMask(runId, events), interval);
  }

  get runsRoot(): string {
    return this.root;
  }

  /** New runs go to the new folder and listing reads it; live runs keep their directories. */
  setRunsRoot(runsRoot: string): void {
    this.root = resolve(runsRoot);
  }

  /** How many runs have a trainer process, and how many wait. */
  counts(): { running: number; queued: number } {
    return { running: this.runningCount(), queued: this.queue.length };
  }

  get maxConcurrentRuns(): number {
    return this.maxConcurrent;
  }

  /** The editor's interpreter for pytorch runs whose config names none (runs already admitted keep theirs). */
  setPythonPath(pythonPath: string | undefined): void {
    this.pythonPath = pythonPath || undefined;
  }

  /** Changing the limit starts queued runs at once if it grew; running ones are never stopped. */
  setMaxConcurrentRuns(value: number | undefined): void {
    this.maxConcurrent = sanitizeConcurrency(value);
    this.startQueued();
  }

  /** Resolves the config (a ConfigError rejects with its file:line:col message), creates the run directory, starts or queues. */
  async start(options: StartRunOptions): Promise<StartedRun> {
    this.assertOpen();
    const config = resolveConfigText(options.configText, options.configFile ?? 'untitled config', options.overrides ?? []);
    mkdirSync(this.root, { recursive: true });
    const python = await this.pythonFor(config);
    const run = await createRun(this.root, config, this.cwd);
    const managed = this.admit(run, config, false, options.maxSteps, python);
    return { runId: managed.runId, dir: run.dir, queued: managed.state === 'queued' };
  }

  /** Continues a stopped, failed or killed run from its latest checkpoint (from the start if it never wrote one). */
  async resume(runId: string, options: { maxSteps?: number } = {}): Promise<StartedRun> {
    this.assertOpen();
    const dir = this.runDir(runId);
    const live = this.active.get(runId);
    if (live) throw new Error(`run ${runId} is already ${live.state}`);
    const { run, config } = await openRunForResume(dir, this.cwd, runId);
    // A run that ever started continues from its newest complete checkpoint, or from step 0 if it
    // has none (as the CLI's resume; its earlier events give way). One never started just starts.
    const started = existsSync(run.path('events'));
    const managed = this.admit(run, config, started, options.maxSteps, await this.pythonFor(config));
    return { runId: managed.runId, dir: run.dir, queued: managed.state === 'queued' };
  }

  /** Asks a run to finish its step, checkpoint and exit; a queued run just leaves the queue. */
  stop(runId: string): { accepted: boolean } {
    const managed = this.active.get(runId);
    if (!managed) return { accepted: false };
    if (!managed.process) {
      const position = this.queue.indexOf(runId);
      if (position >= 0) this.queue.splice(position, 1);
      this.retire(managed, 'stopped', 'stopped before it started (removed from the queue)');
      return { accepted: true };
    }
    if (managed.stopRequested) return { accepted: true };
    this.requestStop(managed, 'stop requested');
    // Announced but not recorded: while the trainer lives, events.jsonl is its file alone.
    this.announce(managed, this.statusEvent(managed, 'stopping', 'finishing the current step and writing a checkpoint'));
    // Then SIGTERM (a stop request to every engine, and to ranks it started), then SIGKILL.
    managed.stopTimer = setTimeout(() => {
      managed.killRequested = true;
      managed.process?.terminate();
      managed.killTimer = setTimeout(() => managed.process?.kill(), Math.min(TERMINATE_GRACE_MS, this.stopTimeoutMs));
    }, this.stopTimeoutMs);
    return { accepted: true };
  }

  /** Every run on disk, newest first, with live states (queued, starting, running, stopping) overlaid. */
  list(): RunListItem[] {
    return listRuns(this.root).map((item) => {
      const managed = this.active.get(item.runId);
      if (!managed) return item;
      return { ...item, state: managed.state, step: Math.max(item.step, managed.step), totalSteps: managed.totalSteps || item.totalSteps };
    });
  }

  /** A run's events as recorded in events.jsonl, and its summary. */
  history(runId: string): { events: RunEvent[]; summary?: RunSummary } {
    const run = this.active.get(runId)?.run ?? new RunDirectory(this.runDir(runId), runId);
    if (!run.exists()) throw new Error(`no run ${runId} in ${this.root}`);
    const summary = run.readSummary();
    return { events: run.readEvents(), ...(summary ? { summary } : {}) };
  }

  /** The live state of a run this manager queued or started, if it is not over. */
  liveState(runId: string): RunState | undefined {
    return this.active.get(runId)?.state;
  }

  /**
   * On server exit: queued runs are marked stopped; running trainers are asked to stop and given
   * `graceMs` to checkpoint and exit. They are never killed here: once the server is gone they see
   * the IPC channel close, which they treat as a stop request.
   */
  async shutdown(graceMs = 5_000): Promise<void> {
    if (this.shuttingDown) return;
    this.shuttingDown = true;
    for (const runId of this.queue.splice(0)) {
      const managed = this.active.get(runId);
      if (!managed) continue;
      this.retire(managed, 'stopped', 'the language server shut down before the run started');
    }
    const running = [...this.active.values()];
    for (const managed of running) {
      if (!managed.stopRequested) this.requestStop(managed, 'the language server is shutting down');
      clearTimeout(managed.stopTimer);
      clearTimeout(managed.killTimer);
    }
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(running.map((m) => m.exited)), new Promise<void>((done) => { timer = setTimeout(done, graceMs); })]);
    clearTimeout(timer);
    // Whatever is still running stops on the channel's close; nothing here may kill it later.
    for (const managed of running) clearTimeout(managed.finalTimer);
    this.metrics.closeAll();
    this.masks.closeAll();
  }

  // -------------------------------------------------------------------------------------------

  /** pytorch: the interpreter the run will use (probed once per interpreter); undefined for tfjs. */
  private async pythonFor(config: RiglConfig): Promise<string | undefined> {
    if (config.engine !== 'pytorch') return undefined;
    return (await this.pythonProbes.resolve(config.pytorch.python, this.pythonPath)).python;
  }

  private admit(run: RunDirectory, config: RiglConfig, resume: boolean, maxSteps: number | undefined, python?: string): ManagedRun {
    let markExited: () => void = () => undefined;
    const exited = new Promise<void>((done) => { markExited = done; });
    const previous = run.readSummary();
    const managed: ManagedRun = {
      runId: run.runId, run, config, state: 'queued', resume, maxSteps, python, stopRequested: false, killRequested: false, finalAnnounced: false,
      step: previous?.step ?? 0, epoch: previous?.epoch ?? 0, totalSteps: previous?.totalSteps ?? 0, exited, markExited,
    };
    this.active.set(managed.runId, managed);
    if (this.runningCount() < this.maxConcurrent) {
      this.launch(managed);
    } else {
      this.queue.push(managed.runId);
      this.record(managed, 'queued', `waiting for a free slot (rigl.maxConcurrentRuns is ${this.maxConcurrent}; ${this.queue.length} in the queue)`);
    }
    return managed;
  }

  /** A run that never got (or lost) its trainer leaves the active set with a recorded final status. */
  private retire(managed: ManagedRun, state: RunState, message: string): void {
    this.active.delete(managed.runId);
    this.record(managed, state, message);
    managed.markExited();
  }

  private runningCount(): number {
    let count = 0;
    for (const managed of this.active.values()) if (managed.process) count++;
    return count;
  }

  private startQueued(): void {
    while (!this.shuttingDown && this.queue.length > 0 && this.runningCount() < this.maxConcurrent) {
      const managed = this.active.get(this.queue.shift()!);
      if (managed) this.launch(managed);
    }
  }

  private launch(managed: ManagedRun): void {
    managed.state = 'starting';
    try {
      const engine = this.engineOf(managed);
      managed.process = new TrainerProcess(
        engine.launch(this.engineRun(managed)),
        (message) => this.onTrainerMessage(managed, message),
        (exit) => this.onTrainerExit(managed, exit),
      );
    } catch (error) {
      // e.g. the run directory vanished; the run cannot start, the others are unaffected.
      this.retire(managed, 'failed', `could not start the trainer: ${errorMessage(error)}`);
    }
  }

  private engineOf(managed: ManagedRun): TrainerEngine {
    return this.engines[managed.config.engine] ?? this.engines.tfjs;
  }

  private engineRun(managed: ManagedRun): EngineRun {
    return { runDir: managed.run.dir, resume: managed.resume, maxSteps: managed.maxSteps, cwd: this.cwd, env: this.env ?? process.env, ...(managed.python ? { python: managed.python } : {}) };
  }

  private onTrainerMessage(managed: ManagedRun, message: TrainerMessage): void {
    if (message.type === 'log') {
      this.listener.onLog?.(managed.runId, message.line);
      return;
    }
    const event = message.event;
    if (typeof event.step === 'number') managed.step = event.step;
    if (typeof event.epoch === 'number') managed.epoch = event.epoch;
    switch (event.type) {
      case 'status':
        if (event.info) managed.totalSteps = event.info.totalSteps;
        if (isFinalState(event.state)) this.holdFinalStatus(managed, event);
        else this.announce(managed, event);
        break;
      case 'train':
      case 'eval':
        this.metrics.add(managed.runId, event);
        break;
      case 'mask':
        this.masks.add(managed.runId, event);
        break;
    }
  }

  /**
   * A final status is announced when the process has exited: by then summary.json and the
   * checkpoint are written and the slot is free, so whoever waits on it finds the run finished.
   * A trainer that lingers after it reported (a leaked handle) is announced anyway after a while
   * and ended, so that it does not hold the slot the queue is waiting for.
   */
  private holdFinalStatus(managed: ManagedRun, event: StatusEvent): void {
    managed.finalStatus = event;
    clearTimeout(managed.finalTimer);
    managed.finalTimer = setTimeout(() => {
      this.announceFinal(managed);
      managed.process?.kill();
    }, FINAL_STATUS_GRACE_MS);
  }

  private announceFinal(managed: ManagedRun): void {
    if (!managed.finalStatus || managed.finalAnnounced) return;
    managed.finalAnnounced = true;
    this.announce(managed, managed.finalStatus);
  }

  private onTrainerExit(managed: ManagedRun, exit: TrainerExit): void {
    clearTimeout(managed.stopTimer);
    clearTimeout(managed.killTimer);
    clearTimeout(managed.finalTimer);
    managed.process = undefined;
    this.active.delete(managed.runId);
    if (managed.finalStatus) {
      this.announceFinal(managed);
    } else if (managed.killRequested) {
      this.record(managed, 'killed', `the trainer did not stop within ${Math.round(this.stopTimeoutMs / 1000)} s of the stop request and was killed`);
    } else {
      // It may have written its final status but exited before the IPC message got through.
      const onDisk = lastFinalStatus(managed.run);
      if (onDisk) this.announce(managed, onDisk);
      else this.record(managed, 'failed', crashMessage(exit, this.engineOf(managed).explainExit(exit, this.engineRun(managed))));
    }
    this.metrics.close(managed.runId);
    this.masks.close(managed.runId);
    managed.markExited();
    this.startQueued();
  }

  private requestStop(managed: ManagedRun, reason: string): void {
    managed.stopRequested = true;
    managed.process?.send({ type: 'stop', reason });
  }

  /** Delivers a status event (after the run's pending metrics) and tracks the live state. */
  private announce(managed: ManagedRun, event: StatusEvent): void {
    this.flushBatches(managed.runId);
    // A trainer still starting up reports 'running' after a stop was asked for; the list keeps saying 'stopping'.
    managed.state = managed.stopRequested && !isFinalState(event.state) ? 'stopping' : event.state;
    this.listener.onStatus(managed.runId, event);
  }

  /** A status the manager decides itself (queued, stopped from the queue, killed, crashed): on disk, then announced. */
  private record(managed: ManagedRun, state: RunState, message: string): void {
    const event = this.statusEvent(managed, state, message);
    try {
      managed.run.appendEvent(event);
      managed.run.writeSummary(this.summaryWith(managed, state, message));
    } catch {
      // The directory is gone (deleted by the user); the notification still tells the editor.
    }
    this.announce(managed, event);
  }

  private statusEvent(managed: ManagedRun, state: RunState, message: string): StatusEvent {
    return { type: 'status', step: managed.step, epoch: managed.epoch, time: Date.now(), state, message };
  }

  /** The trainer's summary with a new state, or a first one for a run not started yet. */
  private summaryWith(managed: ManagedRun, state: RunState, message: string): RunSummary {
    const now = Date.now();
    const existing = managed.run.readSummary();
    // A final state has no owner; a queued run is this server's: if it dies, listings see the owner gone.
    const owner = isFinalState(state) ? {} : { pid: process.pid };
    if (existing) {
      // The trainer's pid goes: the process it named is not running this run any more (or never did).
      const { pid: _pid, ...rest } = existing;
      return { ...rest, state, message, updatedAt: now, ...owner };
    }
    const { config } = managed;
    return {
      runId: managed.runId, name: config.name, state, message, model: config.model, method: config.sparsity.method, backend: '',
      step: managed.step, totalSteps: managed.totalSteps, epoch: managed.epoch, startedAt: now, updatedAt: now, ...owner,
      sparsity: { global: config.sparsity.method === 'dense' ? 0 : config.sparsity.sparsity, layers: [] },
    };
  }

  private flushBatches(runId: string): void {
    this.metrics.flush(runId);
    this.masks.flush(runId);
  }

  /** A run id from a client names a real folder under the runs root (`run`, or `sweep/run` one level down), nothing else (run-path.ts). */
  private runDir(runId: string): string {
    return runDirectoryOf(this.root, runId);
  }

  private assertOpen(): void {
    if (this.shuttingDown) throw new Error('the run manager is shutting down');
  }
}

function sanitizeConcurrency(value: number | undefined): number {
  return value !== undefined && Number.isFinite(value) && value >= 1 ? Math.floor(value) : 1;
}

/** The last status event in events.jsonl, if it is a final one. */
function lastFinalStatus(run: RunDirectory): StatusEvent | undefined {
  const events = run.readEvents();
  for (let i = events.length - 1; i >= 0; i--) {
    const event = events[i];
    if (event.type === 'status') return isFinalState(event.state) ? event : undefined;
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
