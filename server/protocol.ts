// Every message that crosses a process boundary: run events (events.jsonl, trainer → server IPC,
// server → extension notifications), trainer IPC commands, and the custom `rigl/` LSP messages.
import { NotificationType, RequestType } from 'vscode-languageserver-protocol';
import type { RiglConfig } from './config/types.js';
import type { TrainFlopsRule } from './sparse/flops.js';

// ---------------------------------------------------------------------------------------------
// Run events: one JSON object per line of events.jsonl, the same objects over IPC.

export type RunState = 'queued' | 'starting' | 'running' | 'stopping' | 'completed' | 'stopped' | 'failed' | 'killed';
export const FINAL_STATES: readonly RunState[] = ['completed', 'stopped', 'failed', 'killed'];

interface EventBase {
  /** Optimizer steps done so far (t of RIGL-SPEC §3; 0 before the first step). */
  step: number;
  /** Fractional epoch: step / steps per epoch. */
  epoch: number;
  /** Unix time in milliseconds. */
  time: number;
}

export interface StatusEvent extends EventBase {
  type: 'status';
  state: RunState;
  message?: string;
  /** Sent with 'running': what the dashboard needs to lay itself out. */
  info?: RunInfo;
  /**
   * Sent with the 'starting' of a resumed attempt: the step it continues from (0 without a
   * checkpoint). Events of earlier attempts after this step were trained again; readers drop them.
   */
  resumedFrom?: number;
}

export interface RunInfo {
  runId: string;
  name: string;
  model: string;
  dataset: string;
  method: string;
  distribution: string;
  sparsity: number;
  backend: string;
  /** Why this backend was chosen (e.g. "webgpu: no GPU adapter; using wasm"). */
  backendReason: string;
  totalSteps: number;
  stepsPerEpoch: number;
  batchSize: number;
  /** Masked layers in forward order with their planned density. */
  layers: { name: string; shape: number[]; params: number; density: number }[];
  flopsDense: number;
  inferenceFlopsFactor: number;
  trainFlopsFactor: number;
  /** When masks change (from plan.json); absent in runs recorded before plans existed. */
  schedule?: RunScheduleInfo;
  /** The published result the config names under `reference:` (top-1 as a fraction). */
  reference?: { top1: number; source?: string };
}

export interface RunScheduleInfo {
  /** ΔT: steps between mask updates. */
  deltaT: number;
  /** T_end in steps (gmp: t1): no topology change after it. */
  endStep: number;
  /** Every step at which the masks change, in order. */
  updateSteps: number[];
}

export interface TrainEvent extends EventBase {
  type: 'train';
  /** Mean training loss over the steps since the last train event. */
  loss: number;
  /** Mean training top-1 accuracy over those steps, in [0, 1]. */
  accuracy: number;
  lr: number;
  imagesPerSec: number;
  /** Cumulative training FLOPs so far, and what dense training would have used. */
  trainFlops: number;
  denseTrainFlops: number;
}

export interface EvalEvent extends EventBase {
  type: 'eval';
  loss: number;
  top1: number;
  top5?: number;
}

export interface LayerMaskStats {
  name: string;
  targetDensity: number;
  density: number;
  active: number;
  dropped: number;
  grown: number;
  /** Dropped and regrown in the same update. */
  grownBack: number;
  /** grown / active. */
  churn: number;
  /** Fraction of the layer's weights ever active since the start (in-time over-parameterization). */
  itop: number;
}

export interface MaskEvent extends EventBase {
  type: 'mask';
  /** f(t), the update fraction used at this update (0 for methods that do not drop/grow). */
  updateFraction: number;
  layers: LayerMaskStats[];
  global: { sparsity: number; density: number; itop: number; active: number; params: number; inferenceFlopsFactor: number };
}

export type RunEvent = StatusEvent | TrainEvent | EvalEvent | MaskEvent;

/** summary.json of a run directory. */
export interface RunSummary {
  runId: string;
  name: string;
  state: RunState;
  message?: string;
  model: string;
  method: string;
  backend: string;
  step: number;
  totalSteps: number;
  epoch: number;
  startedAt: number;
  updatedAt: number;
  final?: { loss?: number; top1?: number; top5?: number };
  best?: { top1: number; top5?: number; step: number };
  sparsity: { global: number; layers: { name: string; density: number; targetDensity: number }[] };
  configFile?: string;
  /** The trainer's process id while it runs (to tell a live run from a crashed one). */
  pid?: number;
}

// ---------------------------------------------------------------------------------------------
// plan.json of a run directory (docs/engines.md): written by the server when the run is created;
// every engine executes it and never re-derives densities, counts or the schedule.

export const RUN_PLAN_FORMAT = 'rigl-studio-plan/1';

export interface RunPlan {
  format: typeof RUN_PLAN_FORMAT;
  runId: string;
  /** The resolved config (every default filled in): the same object as config.yaml. */
  config: RiglConfig;
  data: PlanData;
  model: string;
  /** Masked layers in forward order, named as server/nn/specs.ts names them. */
  layers: PlanLayer[];
  totals: PlanTotals;
  schedule: PlanSchedule;
  flopsRule: TrainFlopsRule;
}

/** What the opened dataset really is (an ImageNet folder's class count, a train_limit), not only nominal facts. */
export interface PlanData {
  name: string;
  /** The folder the data is read from (absolute), or null for generated data. */
  path: string | null;
  /** IDX datasets (mnist, fashion-mnist): the exact files, plain or gzip. */
  files?: { trainImages: string; trainLabels: string; testImages: string; testLabels: string };
  /** [height, width, channels]. */
  inputShape: [number, number, number];
  numClasses: number;
  /** Training examples used (after dataset.train_limit). */
  trainSize: number;
  testSize: number;
}

export interface PlanLayer {
  name: string;
  kind: 'conv' | 'fc';
  /** The spec's layout: conv [kh, kw, cin, cout], fc [in, out]. */
  shape: number[];
  params: number;
  /** nnz / params. */
  density: number;
  /** Exact nonzeros the masks hold (gmp: at the end of pruning). */
  nnz: number;
  /** Whether the layer's mask takes part in updates (false: kept dense or fixed). */
  participates: boolean;
  /** Dense forward FLOPs of the layer per example. */
  flopsDense: number;
  /** density × flopsDense. */
  flops: number;
  /** Why the layer is fixed: dense-first-layer, dense-last-layer or override:<pattern>. */
  fixedBy?: string;
}

export interface PlanTotals {
  params: number;
  nnz: number;
  sparsity: number;
  flopsDense: number;
  flopsSparse: number;
  inferenceFlopsFactor: number;
  trainFlopsFactor: number;
  /** Training FLOPs of the whole run: the flopsRule summed over the schedule × batch size. */
  trainFlops: number;
}

export interface PlanSchedule {
  stepsPerEpoch: number;
  totalSteps: number;
  deltaT: number;
  /** T_end in steps (gmp: t1). */
  endStep: number;
  /** gmp: t0 in steps (0 otherwise). */
  startStep: number;
  /** Every step at which masks change, in order. */
  maskUpdates: PlanMaskUpdate[];
}

export interface PlanMaskUpdate {
  step: number;
  /** rigl, set, snfs: f(t), the fraction of each layer's active weights dropped and regrown. */
  fraction?: number;
  /** gmp: per-layer target nonzeros after this prune, in `layers` order. */
  nnz?: number[];
}

// ---------------------------------------------------------------------------------------------
// Trainer process IPC (child_process.fork, process.send): events out, commands in.

export type TrainerCommand = { type: 'stop'; reason?: string };
export type TrainerMessage = { type: 'event'; runId: string; event: RunEvent } | { type: 'log'; runId: string; line: string };

// ---------------------------------------------------------------------------------------------
// Custom LSP messages (server ⇄ extension). Runs answer at once; progress arrives as notifications.

export interface RunListItem {
  runId: string;
  dir: string;
  name: string;
  state: RunState;
  step: number;
  totalSteps: number;
  bestTop1?: number;
  /** The published top-1 the run's config names under `reference:`. */
  referenceTop1?: number;
  updatedAt: number;
  /** The sweep folder the run belongs to (its id is then `sweep/run`). */
  sweep?: string;
}

export namespace StartRunRequest {
  export const method = 'rigl/startRun';
  /** Start a run from a config: a saved file (uri) and/or its current text. Answers with the run id at once. */
  export const type = new RequestType<{ uri: string; text?: string; overrides?: string[] }, { runId: string; dir: string; queued: boolean }, void>(method);
}

export namespace StopRunRequest {
  export const method = 'rigl/stopRun';
  /** Ask a run to finish its step, checkpoint and stop; it is killed if it does not exit in time. */
  export const type = new RequestType<{ runId: string }, { accepted: boolean }, void>(method);
}

export namespace ResumeRunRequest {
  export const method = 'rigl/resumeRun';
  /** Continue a stopped, failed or killed run from its last checkpoint. */
  export const type = new RequestType<{ runId: string }, { runId: string; queued: boolean }, void>(method);
}

export namespace ListRunsRequest {
  export const method = 'rigl/listRuns';
  /** Every run on disk under the runs directory, newest first, live ones included. */
  export const type = new RequestType<{}, { runs: RunListItem[] }, void>(method);
}

export namespace RunHistoryRequest {
  export const method = 'rigl/runHistory';
  /** A run's full event history (for a dashboard's first snapshot) and its summary. */
  export const type = new RequestType<{ runId: string }, { events: RunEvent[]; summary?: RunSummary }, void>(method);
}

export namespace StartSweepRequest {
  export const method = 'rigl/startSweep';
  /**
   * Start a config's sweep (its `sweep:` section) in the runs directory: every unfinished run is
   * started or resumed through the queue; completed ones are skipped. Answers at once.
   */
  export const type = new RequestType<{ uri: string; text?: string }, { sweepId: string; dir: string; runs: number; started: string[]; skipped: number }, void>(method);
}

export namespace SweepResultsRequest {
  export const method = 'rigl/sweepResults';
  /** A sweep's table (one row per grid point) and its runs' states; the sweep view asks again as runs progress. */
  export const type = new RequestType<{ sweepId: string }, SweepResultsPayload, void>(method);
}

/** Mean and sample standard deviation (n − 1; 0 for one value) over a grid point's seeds. */
export interface SweepStat {
  mean: number;
  std: number;
  n: number;
}

/** One grid point of a sweep: its values and its runs' results over seeds. */
export interface SweepRow {
  pointIndex: number;
  values: Record<string, unknown>;
  label: string;
  method: string;
  /** The configured target sparsity of the point. */
  targetSparsity: number;
  runs: number;
  completed: number;
  finalTop1?: SweepStat;
  bestTop1?: SweepStat;
  /** Effective (measured) global sparsity. */
  sparsity?: SweepStat;
  /** Measured where the runs logged them, else the plan's. */
  inferenceFlopsFactor?: number;
  trainFlopsFactor?: number;
  reference?: { top1: number; source?: string };
  /** Mean final top-1 minus the reference. */
  difference?: number;
}

export interface SweepRunStatus {
  runId: string;
  pointIndex: number;
  seed: number;
  state: RunState;
  /** Why the state is what it is, when the run directory alone does not say (SLURM). */
  detail?: string;
  step: number;
  totalSteps: number;
  finalTop1?: number;
  bestTop1?: number;
  sparsity?: number;
  inferenceFlopsFactor?: number;
  trainFlopsFactor?: number;
}

/** A sweep's results (server/sweeps/results.ts computes them; `results` prints them, the sweep view draws them). */
export interface SweepResultsPayload {
  sweepId: string;
  name: string;
  dir: string;
  axes: { key: string; values: unknown[] }[];
  seeds: number[];
  rows: SweepRow[];
  runs: SweepRunStatus[];
  slurmJobId?: string;
}

export namespace RunStatusNotification {
  export const method = 'rigl/runStatus';
  /** A run changed state; tests and the extension wait on these. */
  export const type = new NotificationType<{ runId: string; event: StatusEvent }>(method);
}

export namespace RunMetricsNotification {
  export const method = 'rigl/runMetrics';
  /** Batched train and eval events of one run, at most 4 per second per run. */
  export const type = new NotificationType<{ runId: string; events: (TrainEvent | EvalEvent)[] }>(method);
}

export namespace RunMaskNotification {
  export const method = 'rigl/runMask';
  /** Mask statistics of one run's mask update(s). */
  export const type = new NotificationType<{ runId: string; events: MaskEvent[] }>(method);
}

// ---------------------------------------------------------------------------------------------
// Server configuration and health (added with the language server's wiring).

/** `initializationOptions` the extension may pass; every field is optional. */
export interface RiglInitializationOptions {
  /** Where run directories go; relative to the first workspace folder. Default `<first workspace folder>/runs`, else `<cwd>/runs`. */
  runsDirectory?: string;
  /** Runs that train at once (the `rigl.maxConcurrentRuns` setting); further runs wait in a FIFO queue. Default 1. */
  maxConcurrentRuns?: number;
  /** Seconds a stopping trainer gets to checkpoint and exit before it is killed. Default 30. */
  stopTimeoutSeconds?: number;
  /** Probe the compute backends (in a child process) so that `backend:` choices get warnings. Default true. */
  probeBackends?: boolean;
  /** The Python for pytorch runs whose config names none (`rigl.pythonPath`, else the Python extension's interpreter). */
  pythonPath?: string;
}

/** The `rigl` section of the workspace settings, pulled with workspace/configuration when the client supports it. */
export interface RiglSettings {
  runsDirectory?: string;
  maxConcurrentRuns?: number;
  /** `rigl.pythonPath`; the extension fills in the Python extension's interpreter when it is empty. */
  pythonPath?: string;
}

export type ServerHealth = 'ok' | 'warning' | 'error';

export interface ServerStatus {
  /** 'warning' when something works less well than it could (e.g. backends could not be probed). */
  health: ServerHealth;
  /** True once start-up work (the backend probe) is done: diagnostics are then final for a given text. */
  quiescent: boolean;
  message: string;
  runsDirectory: string;
  runs: { running: number; queued: number };
  /** Compute backends on this machine, once probed. */
  backends?: { name: string; available: boolean; reason: string }[];
}

export namespace ServerStatusNotification {
  export const method = 'rigl/serverStatus';
  /**
   * The server's health (after the `initialized` notification, when the backend probe ends, when
   * the settings or the number of running/queued runs change); tests wait on `quiescent`.
   */
  export const type = new NotificationType<ServerStatus>(method);
}
