// Everything the dashboard knows about one run, folded from its events: header facts, the
// metric series the charts draw, and per-layer mask statistics for the density chart and heatmap.
import type { LayerMaskStats, MaskEvent, RunEvent, RunInfo, RunState } from '../../../server/protocol.js';
import { StepRate } from './rate.js';
import { Series } from './series.js';

export type EventKind = RunEvent['type'];

/** One mask update: the stats of every layer, indexed like RunModel.layerNames (undefined: not reported). */
export interface MaskColumn {
  step: number;
  stats: (LayerMaskStats | undefined)[];
}

export interface LayerDensities {
  names: string[];
  target: number[];
  /** null until the first mask event reports the layer. */
  actual: (number | null)[];
}

export class RunModel {
  info?: RunInfo;
  state?: RunState;
  stateMessage?: string;
  step = 0;
  epoch = 0;
  imagesPerSec?: number;
  /** The best evaluation top-1 so far. */
  bestTop1?: number;
  readonly events: RunEvent[] = [];
  readonly rate = new StepRate();

  readonly trainLoss = new Series();
  readonly trainAccuracy = new Series();
  readonly lr = new Series();
  readonly throughput = new Series();
  readonly trainFlops = new Series();
  readonly denseTrainFlops = new Series();

  readonly evalLoss = new Series();
  readonly evalTop1 = new Series();
  readonly evalTop5 = new Series();

  readonly updateFraction = new Series();
  readonly dropped = new Series();
  readonly grown = new Series();
  readonly grownBack = new Series();
  readonly globalItop = new Series();
  readonly globalSparsity = new Series();

  /** Masked layers in forward order (from RunInfo, extended by any name a mask event adds). */
  readonly layerNames: string[] = [];
  private readonly layerIndex = new Map<string, number>();
  /** ITOP over time, per layer index. */
  private readonly layerItop: Series[] = [];
  readonly maskColumns: MaskColumn[] = [];
  latestMask?: MaskEvent;

  constructor(readonly runId: string) {}

  get displayName(): string {
    return this.info?.name ?? this.runId;
  }

  get totalSteps(): number | undefined {
    return this.info?.totalSteps;
  }

  /** The planned mask-update steps (empty for runs recorded without a schedule). */
  get updateSteps(): readonly number[] {
    return this.info?.schedule?.updateSteps ?? [];
  }

  apply(event: RunEvent): void {
    this.events.push(event);
    this.step = event.step;
    this.epoch = event.epoch;
    switch (event.type) {
      case 'status':
        this.state = event.state;
        this.stateMessage = event.message;
        if (event.info) this.setInfo(event.info);
        // Time spent queued or stopped is not training time.
        if (event.state === 'running') this.rate.reset();
        break;
      case 'train':
        this.trainLoss.push(event.step, event.loss);
        this.trainAccuracy.push(event.step, event.accuracy);
        this.lr.push(event.step, event.lr);
        this.trainFlops.push(event.step, event.trainFlops);
        this.denseTrainFlops.push(event.step, event.denseTrainFlops);
        this.throughput.push(event.step, event.imagesPerSec);
        this.imagesPerSec = event.imagesPerSec;
        this.rate.add(event.step, event.time);
        break;
      case 'eval':
        this.evalLoss.push(event.step, event.loss);
        this.evalTop1.push(event.step, event.top1);
        if (this.bestTop1 === undefined || event.top1 > this.bestTop1) this.bestTop1 = event.top1;
        if (event.top5 !== undefined) this.evalTop5.push(event.step, event.top5);
        break;
      case 'mask':
        this.applyMask(event);
        break;
    }
  }

  layerItopSeries(name: string): Series | undefined {
    const index = this.layerIndex.get(name);
    return index === undefined ? undefined : this.layerItop[index];
  }

  hasLayer(name: string): boolean {
    return this.layerIndex.has(name);
  }

  densities(): LayerDensities {
    const planned = new Map(this.info?.layers.map((layer) => [layer.name, layer.density]) ?? []);
    const reported = new Map(this.latestMask?.layers.map((layer) => [layer.name, layer]) ?? []);
    return {
      names: [...this.layerNames],
      target: this.layerNames.map((name) => reported.get(name)?.targetDensity ?? planned.get(name) ?? 0),
      actual: this.layerNames.map((name) => reported.get(name)?.density ?? null),
    };
  }

  private setInfo(info: RunInfo): void {
    this.info = info;
    for (const layer of info.layers) this.layerSlot(layer.name);
  }

  private layerSlot(name: string): number {
    let index = this.layerIndex.get(name);
    if (index === undefined) {
      index = this.layerNames.length;
      this.layerNames.push(name);
      this.layerIndex.set(name, index);
      this.layerItop.push(new Series());
    }
    return index;
  }

  private applyMask(event: MaskEvent): void {
    this.latestMask = event;
    this.updateFraction.push(event.step, event.updateFraction);
    this.globalItop.push(event.step, event.global.itop);
    this.globalSparsity.push(event.step, event.global.sparsity);
    let dropped = 0;
    let grown = 0;
    let grownBack = 0;
    const stats: (LayerMaskStats | undefined)[] = [];
    for (const layer of event.layers) {
      const index = this.layerSlot(layer.name);
      stats[index] = layer;
      this.layerItop[index].push(event.step, layer.itop);
      dropped += layer.dropped;
      grown += layer.grown;
      grownBack += layer.grownBack;
    }
    this.dropped.push(event.step, dropped);
    this.grown.push(event.step, grown);
    this.grownBack.push(event.step, grownBack);
    // Same rewind rule as Series: a resumed run replaces the updates at or after this step.
    while (this.maskColumns.length > 0 && this.maskColumns[this.maskColumns.length - 1].step >= event.step) this.maskColumns.pop();
    this.maskColumns.push({ step: event.step, stats });
  }
}
