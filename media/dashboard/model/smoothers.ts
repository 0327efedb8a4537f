// The smoothed twin of every series the smoothing slider applies to, created on first use and all
// kept at the slider's weight, so charts ask for "the smoothed loss of run r" without owning state.
import { DebiasedEma } from './ema.js';
import type { Point, Series } from './series.js';

export class Smoothers {
  private readonly bySeries = new Map<Series, DebiasedEma>();

  constructor(private weight: number) {}

  /** The smoothed points of `series`, up to date as of the last sync(). */
  pointsOf(series: Series): Point[] {
    let ema = this.bySeries.get(series);
    if (!ema) {
      ema = new DebiasedEma(series, this.weight);
      ema.sync();
      this.bySeries.set(series, ema);
    }
    return ema.points;
  }

  setWeight(weight: number): void {
    this.weight = weight;
    for (const ema of this.bySeries.values()) ema.setWeight(weight);
  }

  /** Brings every smoothed series up to its source. */
  syncAll(): void {
    for (const ema of this.bySeries.values()) ema.sync();
  }
}
