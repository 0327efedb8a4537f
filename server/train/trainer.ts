// The training loop of the tfjs engine: builds backend, data, model, masks, updater and optimizer
// from the run's plan.json (resolved config, data facts, layer counts, schedule), trains with RigL (or a baseline), records every event to the run directory first,
// checkpoints atomically each epoch and on stop, and resumes from a checkpoint exactly.
import * as tf from '@tensorflow/tfjs-core';
import type { RiglConfig } from '../config/types.js';
import type { RunEvent, RunInfo, RunPlan, RunState, RunSummary, StatusEvent } from '../protocol.js';
import { PLAN_FILE, planOfRunPlan, readPlanFile, scheduleInfo } from '../rundir/plan-file.js';
import { RunDirectory } from '../rundir/store.js';
import type { Plan } from '../sparse/plan.js';
import { openDataset } from '../data/index.js';
import type { Dataset } from '../data/types.js';
import { assertBackendHealthy, selectBackend } from './backend.js';
import { latestCheckpoint, loadCheckpoint, saveCheckpoint } from './checkpoint.js';
import { removeStaleTemporaries } from '../rundir/atomic.js';
import { describeWriteFailure } from '../rundir/disk-errors.js';
import { evaluate, type EvalResult } from './evaluate.js';
import { disposeDeviceScalars } from '../nn/device-scalars.js';
import { learningRateAt } from './lr-schedule.js';
import { TrainWindow } from './metrics.js';
import { applyFlopsTerm } from '../sparse/flops.js';
import { MaskedSgd } from './optimizer.js';
import { forwardBackward } from './step.js';
import { mixBatch } from './mixup.js';
import { SparseModel } from './sparse-model.js';

/** Set by a signal, an IPC 'stop' or a disconnect; the loop finishes its step, checkpoints and exits. */
export class StopSignal {
  requested = false;
  reason = '';
  private readonly listeners: ((reason: string) => void)[] = [];
  request(reason: string): void {
    if (this.requested) return;
    this.requested = true;
    this.reason = reason;
    for (const listener of this.listeners) listener(reason);
  }
  /** Called once when a stop is requested (at once if it already was): how a stop reaches an engine process. */
  onRequest(listener: (reason: string) => void): void {
    if (this.requested) listener(this.reason);
    else this.listeners.push(listener);
  }
}

export interface TrainerOptions {
  run: RunDirectory;
  /** The run's plan; read from its plan.json when absent. */
  plan?: RunPlan;
  /** Continue from the run directory's latest checkpoint. */
  resume?: boolean;
  /** Stop (as completed) after this many optimizer steps in total, whatever the plan says. */
  maxSteps?: number;
  stop?: StopSignal;
  /** Called after each event is on disk. */
  onEvent?: (event: RunEvent) => void;
  onLog?: (line: string) => void;
  /** Observation hook after every optimizer step (tests and benchmarks read masks and state here). */
  afterStep?: (step: number, model: SparseModel, optimizer: MaskedSgd) => void | Promise<void>;
}

export class TrainingFailure extends Error {}

export async function train(options: TrainerOptions): Promise<RunSummary> {
  const trainer = new Trainer(options);
  return trainer.train();
}

class Trainer {
  private config!: RiglConfig;
  private runPlan!: RunPlan;
  private readonly runDir: RunDirectory;
  private readonly stop: StopSignal;
  private step = 0;
  private stepsPerEpoch = 1;
  private totalSteps = 1;
  private backendName = 'unknown';
  private backendReason = '';
  private best: RunSummary['best'];
  private lastEval?: EvalResult;
  private lastLoss?: number;
  private trainFlops = 0;
  private denseTrainFlops = 0;
  private readonly startedAt = Date.now();
  private plan!: Plan;

  constructor(private readonly options: TrainerOptions) {
    this.runDir = options.run;
    this.stop = options.stop ?? new StopSignal();
  }

  async train(): Promise<RunSummary> {
    try {
      this.runPlan = this.options.plan ?? readPlanFile(this.runDir.path('plan'));
    } catch (error) {
      return this.failBeforePlan(error);
    }
    this.config = this.runPlan.config;
    this.stepsPerEpoch = this.runPlan.schedule.stepsPerEpoch;
    this.totalSteps = this.runPlan.schedule.totalSteps;
    let checkpoint: ReturnType<typeof latestCheckpoint>;
    try {
      // This process owns the run now: whatever a killed writer left half-written goes first.
      removeStaleTemporaries(this.runDir.dir);
      removeStaleTemporaries(this.runDir.path('checkpoints'));
      checkpoint = this.options.resume ? latestCheckpoint(this.runDir.path('checkpoints')) : undefined;
      this.step = checkpoint?.meta.step ?? 0;
      // A resumed attempt says where it continues from, so readers drop what an earlier attempt wrote past it.
      this.status('starting', 'preparing backend, data and model', undefined, undefined, this.options.resume ? { resumedFrom: this.step } : {});
    } catch (error) {
      return this.fail(error, undefined);
    }
    let model: SparseModel | undefined;
    let dataset: Dataset | undefined;
    try {
      const backend = await selectBackend(this.config.backend);
      this.backendName = backend.name;
      this.backendReason = backend.reason;
      this.log(`backend: ${backend.name} (${backend.reason})`);
      this.plan = planOfRunPlan(this.runPlan);
      const { data } = this.runPlan;
      // The data the server described when it created the run; the plan's counts hold only for it.
      dataset = await openDataset({ ...this.config.dataset, ...(data.path !== null ? { path: data.path } : {}) }, { inputShape: data.inputShape, numClasses: data.numClasses, seed: this.config.training.seed });
      if (dataset.trainSize !== data.trainSize || dataset.numClasses !== data.numClasses) {
        throw new TrainingFailure(`${dataset.name} now holds ${dataset.trainSize} training examples of ${dataset.numClasses} classes, but the run was planned for ${data.trainSize} of ${data.numClasses} (${PLAN_FILE}); the data changed since the run was created: start a new run`);
      }
      model = new SparseModel(this.config, this.plan, this.totalSteps);
      const optimizer = new MaskedSgd(this.config.training.optimizer, model.parameters());
      if (checkpoint) await this.restore(model, optimizer, checkpoint.path);
      else await model.emitInitialMaskStats((event) => this.emit({ ...event, ...this.clock() }));
      if (this.options.resume && !checkpoint) this.log('no complete checkpoint: the run starts again from step 0, under the same run id');
      this.status('running', `training on ${this.backendName}`, this.runInfo());
      const outcome = await this.loop(model, optimizer, dataset);
      optimizer.dispose();
      return this.status(outcome.state, outcome.message, undefined, model);
    } catch (error) {
      return this.fail(error, model);
    } finally {
      model?.dispose();
      disposeDeviceScalars();
    }
  }

  /**
   * Records the failure, each part as far as the disk allows: a full disk may refuse the event
   * line and still take the small summary. The listener hears the failed status in any case.
   */
  private fail(error: unknown, model: SparseModel | undefined): RunSummary {
    const message = describeWriteFailure(error);
    const detail = error instanceof Error && !(error instanceof TrainingFailure) && !('code' in error) ? error.stack : message;
    const event: StatusEvent = { type: 'status', ...this.clock(), state: 'failed', message };
    const summary = this.summaryOf('failed', message, model);
    for (const record of [() => this.log(`failed: ${detail}`), () => this.runDir.appendEvent(event), () => this.runDir.writeSummary(summary)]) {
      try {
        record();
      } catch {
        // the disk refuses this part too; the message above already says why
      }
    }
    this.options.onEvent?.(event);
    return summary;
  }

  private async loop(model: SparseModel, optimizer: MaskedSgd, dataset: Dataset): Promise<{ state: RunState; message: string }> {
    const { training } = this.config;
    const [h, w, c] = dataset.inputShape;
    const limit = Math.min(this.totalSteps, this.options.maxSteps ?? Infinity);
    const window = new TrainWindow();
    const parameters = model.parameters();
    try {
      while (this.step < limit) {
        const epoch = Math.floor(this.step / this.stepsPerEpoch);
        const startBatch = this.step - epoch * this.stepsPerEpoch;
        for await (const batch of dataset.trainBatches({ epoch, batchSize: training.batch_size, seed: training.seed, startBatch })) {
          const t = this.step + 1;
          const lr = learningRateAt(t, { baseLr: training.optimizer.lr, schedule: training.lr_schedule, stepsPerEpoch: this.stepsPerEpoch, totalSteps: this.totalSteps, multiplier: training.multiplier });
          const x = tf.tensor4d(batch.x, [batch.size, h, w, c]);
          const labels = tf.tensor1d(batch.y, 'int32');
          const mixed = training.mixup_alpha > 0 ? mixBatch(x, labels, training.mixup_alpha, training.seed, t) : undefined;
          const effective = model.effectiveWeights();
          const result = forwardBackward(model.network, mixed?.x ?? x, labels, effective.tensors, dataset.numClasses, training.label_smoothing, mixed);
          model.observeGradients(t, result.denseGradients);
          const isUpdate = model.updater.isUpdateStep(t);
          if (!model.updater.skipsOptimizerStep(t)) {
            optimizer.step(parameters, model.weightGradients(result.denseGradients, result.otherGradients), lr);
          }
          for (const [variable, value] of result.bufferUpdates) variable.assign(value);
          tf.dispose([x, labels, ...(mixed ? [mixed.x, mixed.partnerLabels] : []), ...effective.owned, ...result.denseGradients, ...result.otherGradients, ...result.bufferUpdates.map(([, v]) => v)]);
          const rule = this.runPlan.flopsRule;
          this.trainFlops += applyFlopsTerm(isUpdate ? rule.update : rule.step, model.flopsDense, model.flopsSparse) * batch.size;
          this.denseTrainFlops += applyFlopsTerm(rule.dense, model.flopsDense, model.flopsSparse) * batch.size;
          this.step = t;
          if (isUpdate) this.emit({ ...(await model.updateMasks(t, optimizer)), ...this.clock() });
          window.add(t, result.loss, result.correct, batch.size);
          const epochEnd = t % this.stepsPerEpoch === 0;
          if (t % training.log_every === 0 || epochEnd || t === limit) {
            const stats = await window.flush();
            // A WebGPU validation error drops the command buffer silently: fail with it rather than report its zeros.
            assertBackendHealthy();
            if (stats.nonFiniteStep !== undefined) throw new TrainingFailure(`the loss became ${Number.isNaN(stats.loss) ? 'NaN' : 'infinite'} at step ${stats.nonFiniteStep}; lower training.optimizer.lr or check the data`);
            this.lastLoss = stats.loss;
            this.emit({ type: 'train', ...this.clock(), loss: stats.loss, accuracy: stats.accuracy, lr, imagesPerSec: stats.imagesPerSec, trainFlops: this.trainFlops, denseTrainFlops: this.denseTrainFlops });
          }
          if (epochEnd || t === limit) {
            await this.evaluateAndRecord(model, dataset);
            await this.checkpoint(model, optimizer);
          }
          await this.options.afterStep?.(t, model, optimizer);
          if (t >= limit) break;
          // The step is synchronous work; give the event loop a turn so a stop message, an IPC
          // disconnect or a signal is seen before the next step, not after the run.
          await new Promise<void>((resolve) => setImmediate(resolve));
          assertBackendHealthy();
          if (this.stop.requested) {
            if (!epochEnd) await this.checkpoint(model, optimizer);
            return { state: 'stopped', message: `stopped at step ${t}: ${this.stop.reason}` };
          }
        }
      }
    } finally {
      window.dispose();
    }
    const truncated = limit < this.totalSteps;
    return { state: 'completed', message: truncated ? `completed ${limit} of ${this.totalSteps} planned steps (--max-steps)` : `completed ${this.totalSteps} steps` };
  }

  private async evaluateAndRecord(model: SparseModel, dataset: Dataset): Promise<void> {
    const effective = model.effectiveWeights();
    try {
      this.lastEval = await evaluate(model.network, dataset, effective.tensors, this.config.training.eval_batch_size);
    } finally {
      tf.dispose(effective.owned);
    }
    const { loss, top1, top5 } = this.lastEval;
    if (!this.best || top1 > this.best.top1) this.best = { top1, ...(top5 !== undefined ? { top5 } : {}), step: this.step };
    this.emit({ type: 'eval', ...this.clock(), loss, top1, ...(top5 !== undefined ? { top5 } : {}) });
  }

  private async checkpoint(model: SparseModel, optimizer: MaskedSgd): Promise<void> {
    const tensors = model.checkpointTensors(optimizer);
    const epoch = Math.floor(this.step / this.stepsPerEpoch);
    await saveCheckpoint(this.runDir.path('checkpoints'), {
      step: this.step,
      epoch,
      batchInEpoch: this.step - epoch * this.stepsPerEpoch,
      rng: { seed: this.config.training.seed, scheme: 'stateless-per-step' },
      counters: {
        trainFlops: this.trainFlops, denseTrainFlops: this.denseTrainFlops,
        ...(this.best ? { bestTop1: this.best.top1, bestStep: this.best.step, ...(this.best.top5 !== undefined ? { bestTop5: this.best.top5 } : {}) } : {}),
      },
    }, tensors);
    this.writeSummary('running');
  }

  private async restore(model: SparseModel, optimizer: MaskedSgd, path: string): Promise<void> {
    const { meta, tensors } = loadCheckpoint(path);
    try {
      await model.restore(tensors, optimizer);
    } finally {
      tf.dispose([...tensors.values()]);
    }
    this.step = meta.step;
    this.trainFlops = meta.counters.trainFlops ?? 0;
    this.denseTrainFlops = meta.counters.denseTrainFlops ?? 0;
    if (meta.counters.bestTop1 !== undefined) this.best = { top1: meta.counters.bestTop1, step: meta.counters.bestStep ?? meta.step, ...(meta.counters.bestTop5 !== undefined ? { top5: meta.counters.bestTop5 } : {}) };
    this.log(`resumed from ${path} at step ${meta.step}`);
  }

  private runInfo(): RunInfo {
    const { config, plan } = this;
    return {
      runId: this.runDir.runId, name: config.name, model: config.model, dataset: config.dataset.name,
      method: config.sparsity.method, distribution: config.sparsity.distribution, sparsity: plan.totals.sparsity,
      backend: this.backendName, backendReason: this.backendReason, totalSteps: this.totalSteps,
      stepsPerEpoch: this.stepsPerEpoch, batchSize: config.training.batch_size,
      layers: plan.layers.map((l) => ({ name: l.name, shape: l.shape, params: l.params, density: l.density })),
      flopsDense: plan.totals.flopsDense, inferenceFlopsFactor: plan.totals.inferenceFlopsFactor, trainFlopsFactor: plan.totals.trainFlopsFactor,
      schedule: scheduleInfo(this.runPlan),
      ...(config.reference ? { reference: { ...config.reference } } : {}),
    };
  }

  /** Without a readable plan there is no config either: record the failure with what the directory says. */
  private failBeforePlan(error: unknown): RunSummary {
    const message = error instanceof Error ? error.message : String(error);
    this.log(`failed: ${message}`);
    const event: StatusEvent = { type: 'status', ...this.clock(), state: 'failed', message };
    this.emit(event);
    const summary: RunSummary = {
      runId: this.runDir.runId, name: this.runDir.runId, state: 'failed', message, model: '', method: '', backend: '',
      step: 0, totalSteps: 0, epoch: 0, startedAt: this.startedAt, updatedAt: Date.now(), pid: process.pid, sparsity: { global: 0, layers: [] },
    };
    this.runDir.writeSummary(summary);
    return summary;
  }

  private clock(): { step: number; epoch: number; time: number } {
    return { step: this.step, epoch: this.step / this.stepsPerEpoch, time: Date.now() };
  }

  private status(state: RunState, message: string, info?: RunInfo, model?: SparseModel, extra: Pick<StatusEvent, 'resumedFrom'> = {}): RunSummary {
    const event: StatusEvent = { type: 'status', ...this.clock(), state, message, ...(info ? { info } : {}), ...extra };
    this.emit(event);
    return this.writeSummary(state, message, model);
  }

  private emit(event: RunEvent): void {
    this.runDir.appendEvent(event);
    this.options.onEvent?.(event);
  }

  private log(line: string): void {
    const stamped = `${new Date().toISOString()} ${line}`;
    this.runDir.appendLog(stamped);
    this.options.onLog?.(line);
  }

  private writeSummary(state: RunState, message?: string, model?: SparseModel): RunSummary {
    const summary = this.summaryOf(state, message, model);
    this.runDir.writeSummary(summary);
    return summary;
  }

  private summaryOf(state: RunState, message?: string, model?: SparseModel): RunSummary {
    const layers = model?.layerDensities() ?? this.plan?.layers.map((l) => ({ name: l.name, density: l.density, targetDensity: l.density })) ?? [];
    const params = this.plan?.totals.params ?? 0;
    const nnz = model ? model.activeCount() : this.plan?.totals.nnz ?? 0;
    const summary: RunSummary = {
      runId: this.runDir.runId, name: this.config.name, state, ...(message ? { message } : {}),
      model: this.config.model, method: this.config.sparsity.method, backend: this.backendName,
      step: this.step, totalSteps: this.totalSteps, epoch: this.step / this.stepsPerEpoch,
      startedAt: this.startedAt, updatedAt: Date.now(), pid: process.pid,
      ...(this.lastEval || this.lastLoss !== undefined ? { final: { ...(this.lastLoss !== undefined ? { loss: this.lastLoss } : {}), ...(this.lastEval ? { top1: this.lastEval.top1, ...(this.lastEval.top5 !== undefined ? { top5: this.lastEval.top5 } : {}) } : {}) } } : {}),
      ...(this.best ? { best: this.best } : {}),
      sparsity: { global: params > 0 ? 1 - nnz / params : 0, layers },
    };
    return summary;
  }
}
