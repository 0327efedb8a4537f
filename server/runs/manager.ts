// The run manager of the language server (and the CLI's sweeps): starts, queues, stops and resumes
// runs, relays their trainers' events in batches, and lists runs on disk with live states overlaid.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { resolveConfigText } from '../config/load.js';
import type { RiglConfig } from '../config/types.js';
import { describeWriteFailure } from '../rundir/disk-errors.js';
import type { EvalEvent, MaskEvent, RunEvent, RunListItem, RunState, RunSummary, StatusEvent, TrainEvent, TrainerMessage } from '../protocol.js';
import { KeyedBatcher } from './batcher.js';
import { createRun, openRunForResume } from '../rundir/start.js';
import { listRuns, RunDirectory } from '../rundir/store.js';
import { isFinalState, transition, type ExitCause, type Lifecycle, type LifecycleEvent } from '../rundir/lifecycle.js';
import { pytorchEngine, tfjsEngine, type EngineRun, type TrainerEngine } from './engines.js';
import { PythonProbes } from './python-interpreter.js';
import { runDirectoryOf } from '../rundir/run-path.js';
import type { TrainerExit } from './trainer-process.js';
import { crashMessage, lastFinalStatus } from './trainer-exit.js';
import { recordState, statusEventOf } from './run-records.js';
import { LiveTrainer } from './live-trainer.js';
import { RunQueue } from './run-queue.js';
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
  /** Every change goes through lifecycle.ts's transition (see `advance`). */
  lifecycle: Lifecycle;
  resume: boolean;
  maxSteps?: number;
  /** pytorch: the interpreter resolved when the run was admitted. */
  python?: string;
  trainer?: LiveTrainer;
  /** The trainer's own completed/stopped/failed status, announced once the process has exited. */
  finalStatus?: StatusEvent;
  step: number;
  epoch: number;
  totalSteps: number;
  /** When its trainer was launched: a final status on disk from before is an earlier attempt's. */
  launchedAt: number;
  exited: Promise<void>;
  markExited: () => void;
}

const DEFAULT_STOP_TIMEOUT_MS = 30_000;
const DEFAULT_BATCH_INTERVAL_MS = 250;

/**
 * Orchestrates runs: lifecycle.ts decides every state change, run-queue.ts which runs train and
 * which wait, live-trainer.ts each trainer process and its stop timers; here they are wired to the
 * run directory and to the listener.
 */
export class RunManager {
  private root: string;
  private readonly queue: RunQueue;
  private readonly engines: Record<EngineName, TrainerEngine>;
  private pythonPath: string | undefined;
  private readonly pythonProbes: PythonProbes;
  private readonly cwd: string;
  private readonly stopTimeoutMs: number;
  private readonly env: NodeJS.ProcessEnv | undefined;
  /** Runs that are queued or have a trainer process, by id. */
  private readonly active = new Map<string, ManagedRun>();
  private readonly metrics: KeyedBatcher<MetricEvent>;
  private readonly masks: KeyedBatcher<MaskEvent>;
  private shuttingDown = false;

  constructor(options: RunManagerOptions, private readonly listener: RunManagerListener) {
    this.root = resolve(options.runsRoot);
    this.queue = new RunQueue(options.maxConcurrentRuns);
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
    return this.queue.counts();
  }

  get maxConcurrentRuns(): number {
    return this.queue.maxConcurrent;
  }

  /** The editor's interpreter for pytorch runs whose config names none (runs already admitted keep theirs). */
  setPythonPath(pythonPath: string | undefined): void {
    this.pythonPath = pythonPath || undefined;
  }

  /** Changing the limit starts queued runs at once if it grew; running ones are never stopped. */
  setMaxConcurrentRuns(value: number | undefined): void {
    this.launchAll(this.queue.setLimit(value));
  }

  /** Resolves the config (a ConfigError rejects with its file:line:col message), creates the run directory, starts or queues. */
  async start(options: StartRunOptions): Promise<StartedRun> {
    this.assertOpen();
    const config = resolveConfigText(options.configText, options.configFile ?? 'untitled config', options.overrides ?? []);
    const python = await this.pythonFor(config);
    const run = await createRun(this.root, config, this.cwd);
    const managed = this.admit(run, config, { state: 'queued' }, false, options.maxSteps, python);
    return { runId: managed.runId, dir: run.dir, queued: managed.lifecycle.state === 'queued' };
  }

  /** Continues a stopped, failed or killed run from its latest checkpoint (from the start if it never wrote one). */
  async resume(runId: string, options: { maxSteps?: number } = {}): Promise<StartedRun> {
    this.assertOpen();
    const dir = this.runDir(runId);
    const live = this.active.get(runId);
    if (live) {
      const verdict = transition(live.lifecycle, { type: 'resume', slotFree: this.queue.hasFreeSlot(), owned: true });
      throw new Error(`run ${runId}: ${verdict.ok ? 'already admitted' : verdict.refusal}`);
    }
    // Refused unless lifecycle.ts allows it (completed, or held by a live process elsewhere).
    const { run, config, state } = await openRunForResume(dir, this.cwd, runId);
    // A run that ever started continues from its newest complete checkpoint, or from step 0 if it
    // has none (as the CLI's resume; its earlier events give way). One never started just starts.
    const started = existsSync(run.path('events'));
    const managed = this.admit(run, config, { state }, started, options.maxSteps, await this.pythonFor(config));
    return { runId: managed.runId, dir: run.dir, queued: managed.lifecycle.state === 'queued' };
  }

  /** Asks a run to finish its step, checkpoint and exit; a queued run just leaves the queue. */
  stop(runId: string): { accepted: boolean } {
    const managed = this.active.get(runId);
    if (!managed) return { accepted: false };
    const before = managed.lifecycle.state;
    if (!this.tryAdvance(managed, { type: 'stop' })) return { accepted: false };
    if (before === 'queued') {
      this.queue.remove(runId);
      this.retire(managed, 'stopped before it started (removed from the queue)');
    } else if (before !== 'stopping') {
      managed.trainer?.requestStop('stop requested', true);
      // Announced but not recorded: while the trainer lives, events.jsonl is its file alone.
      this.announce(managed, statusEventOf(managed, 'stopping', 'finishing the current step and writing a checkpoint'));
    }
    return { accepted: true };
  }

  /** Every run on disk, newest first, with live states (queued, starting, running, stopping) overlaid. */
  list(): RunListItem[] {
    return listRuns(this.root).map((item) => {
      const managed = this.active.get(item.runId);
      if (!managed) return item;
      return { ...item, state: managed.lifecycle.state, step: Math.max(item.step, managed.step), totalSteps: managed.totalSteps || item.totalSteps };
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
    return this.active.get(runId)?.lifecycle.state;
  }

  /**
   * On server exit: queued runs are marked stopped; running trainers are asked to stop and given
   * `graceMs` to checkpoint and exit. They are never killed here: once the server is gone they see
   * the IPC channel close, which they treat as a stop request.
   */
  async shutdown(graceMs = 5_000): Promise<void> {
    if (this.shuttingDown) return;
    this.shuttingDown = true;
    for (const runId of this.queue.drain()) {
      const managed = this.active.get(runId);
      if (managed && this.tryAdvance(managed, { type: 'stop' })) this.retire(managed, 'the language server shut down before the run started');
    }
    const running = [...this.active.values()];
    for (const managed of running) {
      const before = managed.lifecycle.state;
      if (this.tryAdvance(managed, { type: 'stop' }) && before !== 'stopping') managed.trainer?.requestStop('the language server is shutting down', false);
      managed.trainer?.disarmStop();
    }
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(running.map((m) => m.exited)), new Promise<void>((done) => { timer = setTimeout(done, graceMs); })]);
    clearTimeout(timer);
    // Whatever is still running stops on the channel's close; nothing here may kill it later.
    for (const managed of running) managed.trainer?.disarm();
    this.metrics.closeAll();
    this.masks.closeAll();
  }

  // -------------------------------------------------------------------------------------------

  /** pytorch: the interpreter the run will use (probed once per interpreter); undefined for tfjs. */
  private async pythonFor(config: RiglConfig): Promise<string | undefined> {
    if (config.engine !== 'pytorch') return undefined;
    return (await this.pythonProbes.resolve(config.pytorch.python, this.pythonPath)).python;
  }

  /** A new run (`queued`, never started) or one to resume (its recovered state) starts in a free slot or waits. */
  private admit(run: RunDirectory, config: RiglConfig, lifecycle: Lifecycle, resume: boolean, maxSteps: number | undefined, python?: string): ManagedRun {
    let markExited: () => void = () => undefined;
    const exited = new Promise<void>((done) => { markExited = done; });
    const previous = run.readSummary();
    const managed: ManagedRun = {
      runId: run.runId, run, config, lifecycle, resume, maxSteps, python,
      step: previous?.step ?? 0, epoch: previous?.epoch ?? 0, totalSteps: previous?.totalSteps ?? 0, launchedAt: 0, exited, markExited,
    };
    const slotFree = this.queue.hasFreeSlot();
    this.advance(managed, resume || lifecycle.state !== 'queued' ? { type: 'resume', slotFree, owned: false } : { type: 'start', slotFree });
    this.active.set(managed.runId, managed);
    if (managed.lifecycle.state === 'starting') {
      this.queue.occupy(managed.runId);
      this.launch(managed);
    } else {
      const waiting = this.queue.enqueue(managed.runId);
      this.record(managed, `waiting for a free slot (rigl.maxConcurrentRuns is ${this.queue.maxConcurrent}; ${waiting} in the queue)`);
    }
    return managed;
  }

  /** A run that never got (or lost) its trainer leaves the active set with its final state recorded. */
  private retire(managed: ManagedRun, message: string): void {
    this.active.delete(managed.runId);
    this.record(managed, message);
    managed.markExited();
  }

  /** Runs that took free slots from the queue: each is spawned (a failure frees its slot for the next). */
  private launchAll(runIds: string[]): void {
    for (const runId of runIds) {
      const managed = this.active.get(runId);
      if (managed && this.tryAdvance(managed, { type: 'dequeue' })) this.launch(managed);
      else this.launchAll(this.queue.release(runId));
    }
  }

  private launch(managed: ManagedRun): void {
    managed.launchedAt = Date.now();
    try {
      const engine = this.engineOf(managed);
      managed.trainer = new LiveTrainer(engine.launch(this.engineRun(managed)), {
        onMessage: (message) => this.onTrainerMessage(managed, message),
        onExit: (exit) => this.onTrainerExit(managed, exit),
        onStopOverdue: () => this.tryAdvance(managed, { type: 'stop-overdue' }),
        onLingerOverdue: () => this.onLingerOverdue(managed),
      }, this.stopTimeoutMs);
    } catch (error) {
      // e.g. the run directory vanished; the run cannot start, the others are unaffected.
      this.advance(managed, { type: 'launch-failed' });
      this.retire(managed, `could not start the trainer: ${describeWriteFailure(error)}`);
      if (!this.shuttingDown) this.launchAll(this.queue.release(managed.runId));
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
        if (isFinalState(event.state)) {
          // Announced when the process has exited: by then summary.json and the checkpoint are
          // written and the slot is free, so whoever waits on it finds the run finished.
          if (!this.tryAdvance(managed, { type: 'trainer-final', state: event.state })) return;
          managed.finalStatus = event;
          managed.trainer?.expectExit();
        } else if (this.tryAdvance(managed, { type: 'trainer-status', state: event.state })) {
          this.announce(managed, event);
        }
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

  /** A trainer lingering after its final report (a leaked handle) is announced finished anyway, so it does not hold its slot's waiters. */
  private onLingerOverdue(managed: ManagedRun): void {
    if (this.tryAdvance(managed, { type: 'linger-overdue' }) && managed.finalStatus) this.announce(managed, managed.finalStatus);
  }

  private onTrainerExit(managed: ManagedRun, exit: TrainerExit): void {
    managed.trainer = undefined;
    this.active.delete(managed.runId);
    let onDisk: StatusEvent | undefined;
    // events.jsonl is read only when nothing else says how the run ended.
    const ended = this.advance(managed, { type: 'exited', finalOnDisk: () => (onDisk = lastFinalStatus(managed.run, managed.launchedAt))?.state });
    switch (ended.cause) {
      case 'reported':
        this.announce(managed, managed.finalStatus!);
        break;
      case 'found-on-disk':
        // It wrote its final status but exited before the IPC message got through.
        this.announce(managed, onDisk!);
        break;
      case 'killed-after-stop':
        this.record(managed, `the trainer did not stop within ${Math.round(this.stopTimeoutMs / 1000)} s of the stop request and was killed`);
        break;
      case 'crashed':
        this.record(managed, crashMessage(exit, this.engineOf(managed).explainExit(exit, this.engineRun(managed))));
        break;
      case 'already-final':
        break;
    }
    this.metrics.close(managed.runId);
    this.masks.close(managed.runId);
    managed.markExited();
    const next = this.queue.release(managed.runId);
    if (!this.shuttingDown) this.launchAll(next);
  }

  /** Applies an event the manager itself caused; a refusal here is a bug in the manager, not the user's doing. */
  private advance(managed: ManagedRun, event: LifecycleEvent): { cause?: ExitCause } {
    const result = transition(managed.lifecycle, event);
    if (!result.ok) throw new Error(`run ${managed.runId}: ${event.type} refused: ${result.refusal}`);
    managed.lifecycle = result.next;
    return result;
  }

  /** Applies an event from outside (a request, a trainer's message); false if this state refuses it. */
  private tryAdvance(managed: ManagedRun, event: LifecycleEvent): boolean {
    const result = transition(managed.lifecycle, event);
    if (result.ok) managed.lifecycle = result.next;
    return result.ok;
  }

  /** Delivers a status event, after the run's pending metrics. */
  private announce(managed: ManagedRun, event: StatusEvent): void {
    this.flushBatches(managed.runId);
    this.listener.onStatus(managed.runId, event);
  }

  /** A state the manager decided (queued, stopped from the queue, killed, crashed): on disk, then announced. */
  private record(managed: ManagedRun, message: string): void {
    this.announce(managed, recordState(managed.run, managed, managed.lifecycle.state, message));
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
