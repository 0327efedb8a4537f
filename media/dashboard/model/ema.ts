// TensorBoard's debiased exponential moving average of a series, kept up to date incrementally:
// last = last·w + (1−w)·v, shown as last / (1 − w^n) so the first points are not pulled toward 0.
import type { Point, Series } from './series.js';

export class DebiasedEma {
  /** The smoothed points; the same array for the smoother's lifetime (chart.js holds it). */
  readonly points: Point[] = [];
  private last = 0;
  /** w^n for the n points accumulated so far. */
  private weightPower = 1;
  private consumed = 0;
  private seenRewinds: number;

  constructor(private readonly source: Series, private weight: number) {
    this.seenRewinds = source.rewinds;
  }

  setWeight(weight: number): void {
    if (weight === this.weight) return;
    this.weight = weight;
    this.restart();
  }

  /** Smooths the source's new points; starts over when the source dropped points. Returns whether anything changed. */
  sync(): boolean {
    let changed = false;
    if (this.source.rewinds !== this.seenRewinds || this.source.length < this.consumed) {
      this.restart();
      changed = true;
    }
    const input = this.source.points;
    const w = this.weight;
    for (let i = this.consumed; i < input.length; i++) {
      const { x, y } = input[i];
      this.last = this.last * w + (1 - w) * y;
      this.weightPower *= w;
      // At w = 1 the average never moves; TensorBoard leaves it undebiased then, and so do we.
      const debias = w === 1 ? 1 : 1 - this.weightPower;
      this.points.push({ x, y: this.last / debias });
      changed = true;
    }
    this.consumed = input.length;
    return changed;
  }

  private restart(): void {
    // splice, not length = 0: chart.js listens to the array's mutators to keep its elements in step.
    this.points.splice(0, this.points.length);
    this.last = 0;
    this.weightPower = 1;
    this.consumed = 0;
    this.seenRewinds = this.source.rewinds;
  }
}
