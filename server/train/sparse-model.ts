// A network together with its masks, updater and mask statistics: what the training loop steps.
// Owns the invariant of RIGL-SPEC §1 (W and momentum are zero where M = 0) across mask updates.
import * as tf from '@tensorflow/tfjs-core';
import type { RiglConfig } from '../config/types.js';
import type { MaskEvent } from '../protocol.js';
import { createModel, type TrainableModel } from '../nn/models/index.js';
import type { Plan } from '../sparse/plan.js';
import { DeviceReads, countOnesAll } from '../sparse/device-reads.js';
import { MaskStatsTracker } from '../sparse/stats.js';
import type { SparseUpdater } from '../sparse/types.js';
import { createInitialMasks, createUpdater } from '../sparse/updaters/index.js';
import { resolveStaged } from '../sparse/updaters/layers.js';
import type { MaskedSgd, OptimizedParameter } from './optimizer.js';

interface MaskedLayerState {
  name: string;
  weight: tf.Variable;
  /** Absent for dense training. */
  mask?: tf.Variable;
  flopsDense: number;
  params: number;
  /** Active weights now (host copy, refreshed when the masks change). */
  active: number;
  targetDensity: number;
}

export class SparseModel {
  readonly network: TrainableModel;
  readonly updater: SparseUpdater;
  private readonly layers: MaskedLayerState[];
  private readonly stats: MaskStatsTracker;
  private readonly otherNames: string[];
  private sparseFlops = 0;

  constructor(private readonly config: RiglConfig, private readonly plan: Plan, totalSteps: number) {
    const { sparsity, training } = config;
    this.network = createModel(plan.spec, training.seed);
    const masked = sparsity.method !== 'dense';
    const updaterLayers = plan.layers.map((l) => ({ name: l.name, shape: l.shape, density: l.density }));
    // gmp starts dense and prunes towards the plan; every other sparse method starts at the plan.
    const initialMasks = masked ? createInitialMasks(sparsity.method, updaterLayers, training.seed) : new Map<string, tf.Tensor>();
    this.layers = this.network.maskedWeights.map(({ name, variable }, index) => {
      const layerPlan = plan.layers[index];
      if (layerPlan.name !== name) throw new Error(`model layer ${index} is ${name}, the plan has ${layerPlan.name}`);
      const startDensity = sparsity.method === 'gmp' ? 1 : layerPlan.density;
      const active = sparsity.method === 'gmp' || !masked ? layerPlan.params : layerPlan.nnz;
      const initial = initialMasks.get(name);
      // Unnamed variables: tfjs names must be unique per process, and two runs may share one (tests).
      const mask = initial ? tf.variable(initial, false) : undefined;
      initial?.dispose();
      if (mask) tf.tidy(() => variable.assign(tf.mul(variable, mask)));
      return { name, weight: variable, mask, flopsDense: layerPlan.flopsDense, params: layerPlan.params, active, targetDensity: startDensity };
    });
    this.otherNames = [...this.network.otherParamNames];
    this.updater = createUpdater(sparsity.method, sparsity, { totalSteps, seed: training.seed, layers: updaterLayers });
    this.stats = new MaskStatsTracker(plan.layers.map((l) => ({ name: l.name, params: l.params, flops: l.flopsDense })), this.layers.map((l) => (l.mask ? { mask: l.mask, active: l.active } : undefined)));
    this.refreshSparseFlops();
  }

  /** What the optimizer steps: masked weights (with their masks) and every other trainable parameter. */
  parameters(): OptimizedParameter[] {
    return [
      ...this.layers.map(({ name, weight, mask }) => ({ name, variable: weight, role: 'kernel' as const, mask })),
      ...this.network.otherParams.map((variable, i) => ({ name: this.otherNames[i], variable, role: this.network.otherParamRoles[i] })),
    ];
  }

  /** W ⊙ M per masked layer; `owned` are the tensors the caller must dispose. */
  effectiveWeights(): { tensors: tf.Tensor[]; owned: tf.Tensor[] } {
    const tensors = this.layers.map(({ weight, mask }) => (mask ? tf.mul(weight, mask) : weight));
    return { tensors, owned: tensors.filter((t, i) => t !== this.layers[i].weight) };
  }

  observeGradients(step: number, denseGradients: tf.Tensor[]): void {
    if (!this.updater.needsDenseGradient(step)) return;
    this.updater.observeGradients(step, new Map(this.layers.map((l, i) => [l.name, denseGradients[i]])));
  }

  /**
   * Gradients by parameter name. For masked weights ∂L/∂W = ∂L/∂(W ⊙ M) ⊙ M; the ⊙ M is left to
   * the optimizer, which multiplies W and its momentum by M after every step anyway, so the
   * dense gradient is passed as it is (one multiply less per layer and step, same values).
   */
  weightGradients(denseGradients: tf.Tensor[], otherGradients: tf.Tensor[]): Map<string, tf.Tensor> {
    const gradients = new Map<string, tf.Tensor>();
    this.layers.forEach(({ name }, i) => gradients.set(name, denseGradients[i]));
    otherGradients.forEach((g, i) => gradients.set(this.otherNames[i], g));
    return gradients;
  }

  /**
   * Apply the updater's new masks at step t: zero what it says (weights and momentum), record
   * statistics. Everything stays on the device except one batched read of all layers' counts.
   */
  async updateMasks(step: number, optimizer: MaskedSgd): Promise<Omit<MaskEvent, 'step' | 'epoch' | 'time'>> {
    const reads = new DeviceReads();
    const staged = this.updater.stageUpdate({ step, layers: this.layers.map(({ name, weight, mask, active }) => ({ name, weight, mask: mask!, active })) }, reads);
    try {
      for (const update of staged) {
        const layer = this.layers.find((l) => l.name === update.name);
        if (!layer?.mask) throw new Error(`updater returned unknown layer ${update.name}`);
        tf.tidy(() => layer.weight.assign(tf.mul(layer.weight, update.keep)));
        optimizer.applyKeep(layer.name, update.keep);
        layer.mask.assign(update.mask);
      }
      const finishStats = this.stats.stageRecord(this.layers.map((l) => l.mask), reads);
      await reads.read();
      const updates = resolveStaged(staged);
      for (const update of updates) {
        const layer = this.layers.find((l) => l.name === update.name)!;
        layer.active = update.counts.active;
        layer.targetDensity = update.targetDensity;
      }
      this.refreshSparseFlops();
      return { type: 'mask', ...finishStats(updates, this.updater.updateFraction(step)) };
    } finally {
      reads.dispose();
      tf.dispose(staged.flatMap((u) => [u.mask, u.keep]));
    }
  }

  /** The statistics of the initial masks (step 0), so dashboards start from the plan. */
  async emitInitialMaskStats(emit: (event: Omit<MaskEvent, 'step' | 'epoch' | 'time'>) => void): Promise<void> {
    if (this.config.sparsity.method === 'dense') return;
    emit({ type: 'mask', ...this.stats.initial(this.layers.map((l) => ({ name: l.name, targetDensity: l.targetDensity, active: l.active }))) });
  }

  /** Masked layers' weights and masks, for observers (tests read invariants from them). */
  maskedLayers(): readonly { name: string; weight: tf.Variable; mask?: tf.Variable }[] {
    return this.layers;
  }

  /** f_D and f_S per example (RIGL-SPEC §7); f_S follows the masks, so it is refreshed with them. */
  get flopsDense(): number {
    return this.plan.totals.flopsDense;
  }

  get flopsSparse(): number {
    return this.sparseFlops;
  }

  private refreshSparseFlops(): void {
    this.sparseFlops = this.layers.reduce((sum, l) => sum + (l.flopsDense * l.active) / l.params, 0);
  }

  layerDensities(): { name: string; density: number; targetDensity: number }[] {
    return this.layers.map(({ name, active, params }, i) => ({ name, density: active / params, targetDensity: this.plan.layers[i].density }));
  }

  activeCount(): number {
    return this.layers.reduce((sum, l) => sum + l.active, 0);
  }

  checkpointTensors(optimizer: MaskedSgd): Map<string, tf.Tensor> {
    const tensors = new Map<string, tf.Tensor>();
    for (const { name, variable } of this.network.namedVariables()) tensors.set(`model/${name}`, variable);
    for (const { name, mask } of this.layers) if (mask) tensors.set(`mask/${name}`, mask);
    for (const [name, buffer] of optimizer.momentum) tensors.set(`momentum/${name}`, buffer);
    for (const [name, tensor] of this.updater.getState()) tensors.set(`updater/${name}`, tensor);
    for (const [name, tensor] of this.stats.getState()) tensors.set(`stats/${name}`, tensor);
    return tensors;
  }

  async restore(tensors: ReadonlyMap<string, tf.Tensor>, optimizer: MaskedSgd): Promise<void> {
    const take = (key: string): tf.Tensor => {
      const tensor = tensors.get(key);
      if (!tensor) throw new Error(`checkpoint has no ${key}; it was written by a different model or method`);
      return tensor;
    };
    for (const { name, variable } of this.network.namedVariables()) variable.assign(take(`model/${name}`));
    const maskedLayers = this.layers.filter((layer) => layer.mask);
    for (const layer of maskedLayers) layer.mask!.assign(take(`mask/${layer.name}`));
    // The host-tracked counts after a restore: one batched read of every mask.
    const counts = await countOnesAll(maskedLayers.map((layer) => layer.mask!));
    maskedLayers.forEach((layer, i) => { layer.active = counts[i]; });
    for (const [name, buffer] of optimizer.momentum) buffer.assign(take(`momentum/${name}`));
    const prefixed = (prefix: string) => new Map([...tensors].filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v]));
    this.updater.setState(prefixed('updater/'));
    await this.stats.setState(prefixed('stats/'), new Map(maskedLayers.map((layer) => [layer.name, layer.active])));
    this.refreshSparseFlops();
  }

  dispose(): void {
    this.updater.dispose();
    this.stats.dispose();
    for (const { mask } of this.layers) mask?.dispose();
    this.network.dispose();
  }
}
