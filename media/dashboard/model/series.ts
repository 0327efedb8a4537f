// A growing series of {x, y} points, sorted by x, in the form chart.js draws without parsing.
// The points array is handed to chart.js as is, so it must stay the same array for its lifetime.

export interface Point {
  x: number;
  y: number;
}

export class Series {
  readonly points: Point[] = [];
  /** Bumped whenever points are removed, so series derived from this one know to start over. */
  rewinds = 0;

  /**
   * Appends a point. A point at or before the last x means the run went back (a resume repeats
   * steps after its last checkpoint): the points it supersedes are dropped first, keeping x sorted
   * as chart.js's `normalized` option and the decimation plugin require.
   */
  push(x: number, y: number): void {
    if (!Number.isFinite(x) || !Number.isFinite(y)) return;
    const points = this.points;
    if (points.length > 0 && points[points.length - 1].x >= x) {
      while (points.length > 0 && points[points.length - 1].x >= x) points.pop();
      this.rewinds++;
    }
    points.push({ x, y });
  }

  get length(): number {
    return this.points.length;
  }

  last(): Point | undefined {
    return this.points[this.points.length - 1];
  }
}
