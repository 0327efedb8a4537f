// Mask statistics of RIGL-SPEC §6: per-layer counts, churn and ITOP (the ever-active fraction,
// Liu et al. 2021), and the global sparsity/ITOP/FLOPs of a mask event, with checkpoint state.
import * as tf from '@tensorflow/tfjs-core';
import type { LayerMaskStats, MaskEvent } from '../protocol.js';
import { DeviceReads, queueCount } from './device-reads.js';
import type { LayerUpdate } from './types.js';

export interface StatsLayer {
  name: string;
  /** Number of weights. */
  params: number;
  /** Dense forward FLOPs of the layer (any unit; only ratios are reported). */
  flops: number;
}

/** What a mask event carries besides type, step, epoch and time. */
export type MaskStatsRecord = Pick<MaskEvent, 'updateFraction' | 'layers' | 'global'>;

/** A layer's starting mask with its host-known count of ones; undefined: the layer is not masked. */
export type InitialMask = { mask: tf.Tensor; active: number } | undefined;

const STATE_PREFIX = 'ever_active/';

interface LayerState {
  /** Union of every mask the layer has had; absent for an unmasked (dense) layer. */
  everActive?: tf.Tensor;
  everActiveCount: number;
  active: number;
  targetDensity: number;
}

export class MaskStatsTracker {
  private readonly states: LayerState[];

  /** `masks` are the initial masks in layer order with their counts (no read needed); the masks are copied. */
  constructor(private readonly layers: readonly StatsLayer[], masks: readonly InitialMask[]) {
    if (masks.length !== layers.length) throw new Error(`stats: ${layers.length} layers but ${masks.length} masks`);
    this.states = layers.map((layer, i) => {
      const initial = masks[i];
      if (!initial) return { everActiveCount: layer.params, active: layer.params, targetDensity: 1 };
      const { mask, active } = initial;
      return { everActive: tf.keep(tf.clone(mask)), everActiveCount: active, active, targetDensity: active / layer.params };
    });
  }

  /** The statistics of the starting masks (nothing dropped or grown yet). */
  initial(layers: readonly { name: string; targetDensity: number; active: number }[]): MaskStatsRecord {
    for (const entry of layers) {
      const state = this.states[this.indexOf(entry.name)];
      state.targetDensity = entry.targetDensity;
      state.active = entry.active;
    }
    return this.snapshot(new Map(), 0);
  }

  /**
   * Fold one mask update in: `masks` are the masks now in force, in layer order (undefined for
   * unmasked layers). The ever-active unions are updated on the device and their counts queued
   * on `reads`; after reads.read(), the returned function takes the updates (their counts give
   * the active, dropped and grown figures; layers without one keep their count) and f(t).
   */
  stageRecord(masks: readonly (tf.Tensor | undefined)[], reads: DeviceReads): (updates: readonly LayerUpdate[], updateFraction: number) => MaskStatsRecord {
    if (masks.length !== this.layers.length) throw new Error(`stats: ${this.layers.length} layers but ${masks.length} masks`);
    const everActiveCounts = this.states.map((state, i) => {
      const mask = masks[i];
      if (!mask || !state.everActive) return undefined;
      const previous = state.everActive;
      state.everActive = tf.keep(tf.maximum(previous, mask));
      previous.dispose();
      return queueCount(reads, state.everActive);
    });
    return (updates, updateFraction) => {
      const byName = new Map(updates.map((update) => [update.name, update]));
      for (const name of byName.keys()) this.indexOf(name);
      this.states.forEach((state, i) => {
        const everActiveCount = everActiveCounts[i];
        if (!everActiveCount) return;
        state.everActiveCount = everActiveCount();
        const update = byName.get(this.layers[i].name);
        if (!update) return;
        state.active = update.counts.active;
        state.targetDensity = update.targetDensity;
      });
      return this.snapshot(byName, updateFraction);
    };
  }

  /** stageRecord with its own single read. */
  async record(updates: readonly LayerUpdate[], masks: readonly (tf.Tensor | undefined)[], updateFraction: number): Promise<MaskStatsRecord> {
    const reads = new DeviceReads();
    const finish = this.stageRecord(masks, reads);
    await reads.read();
    return finish(updates, updateFraction);
  }

  private snapshot(updates: ReadonlyMap<string, LayerUpdate>, updateFraction: number): MaskStatsRecord {
    const layers: LayerMaskStats[] = this.layers.map((layer, i) => {
      const state = this.states[i];
      const counts = updates.get(layer.name)?.counts ?? { dropped: 0, grown: 0, grownBack: 0 };
      return {
        name: layer.name,
        targetDensity: state.targetDensity,
        density: state.active / layer.params,
        active: state.active,
        dropped: counts.dropped,
        grown: counts.grown,
        grownBack: counts.grownBack,
        churn: state.active > 0 ? counts.grown / state.active : 0,
        itop: state.everActiveCount / layer.params,
      };
    });
    return { updateFraction, layers, global: this.global() };
  }

  /** Whole-model figures over every tracked layer; FLOPs as RIGL-SPEC §7 (Σ density_l·flops_l / Σ flops_l). */
  global(): MaskEvent['global'] {
    let active = 0;
    let params = 0;
    let everActive = 0;
    let flopsDense = 0;
    let flopsSparse = 0;
    this.layers.forEach((layer, i) => {
      const state = this.states[i];
      active += state.active;
      params += layer.params;
      everActive += state.everActiveCount;
      flopsDense += layer.flops;
      flopsSparse += (state.active / layer.params) * layer.flops;
    });
    const density = params > 0 ? active / params : 1;
    return {
      sparsity: 1 - density,
      density,
      itop: params > 0 ? everActive / params : 1,
      active,
      params,
      inferenceFlopsFactor: flopsDense > 0 ? flopsSparse / flopsDense : 1,
    };
  }

  /**
   * The ever-active masks for a checkpoint: the live tensors, not copies (like model variables),
   * so the caller must not dispose them; valid until the next record or setState.
   */
  getState(): Map<string, tf.Tensor> {
    const state = new Map<string, tf.Tensor>();
    this.states.forEach(({ everActive }, i) => {
      if (everActive) state.set(STATE_PREFIX + this.layers[i].name, everActive);
    });
    return state;
  }

  /**
   * Restores the ever-active masks present in `state` (as copies; other layers keep theirs) and
   * the active counts `active` gives for masked layers (host-known after a restore's read); their
   * ever-active counts come back in one read.
   */
  async setState(state: ReadonlyMap<string, tf.Tensor>, active?: ReadonlyMap<string, number>): Promise<void> {
    const reads = new DeviceReads();
    const pending: [LayerState, () => number][] = [];
    this.states.forEach((layerState, i) => {
      const known = active?.get(this.layers[i].name);
      if (known !== undefined && layerState.everActive) layerState.active = known;
      const saved = state.get(STATE_PREFIX + this.layers[i].name);
      if (!saved || !layerState.everActive || saved === layerState.everActive) return;
      layerState.everActive.dispose();
      layerState.everActive = tf.keep(tf.clone(saved));
      pending.push([layerState, queueCount(reads, layerState.everActive)]);
    });
    await reads.read();
    for (const [layerState, count] of pending) layerState.everActiveCount = count();
  }

  dispose(): void {
    for (const state of this.states) {
      state.everActive?.dispose();
      state.everActive = undefined;
    }
  }

  private indexOf(name: string): number {
    const index = this.layers.findIndex((layer) => layer.name === name);
    if (index < 0) throw new Error(`stats: unknown layer ${name}`);
    return index;
  }
}
