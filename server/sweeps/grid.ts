// A sweep's grid as pure data: the `sweep:` section (or the CLI's --grid/--seeds) expanded into
// one point per combination of values and seed, each with a stable run id and its config.
export const SWEEP_KEY = 'sweep';
export const SEED_PATH = 'training.seed';

/** The grid in the order it was written: dotted key path → the values tried. */
export interface SweepGrid {
  axes: { key: string; values: unknown[] }[];
  /** training.seed values; every grid point runs once per seed. */
  seeds: number[];
}

export interface SweepPoint {
  /** Position in the expansion (grid points in written order, seeds innermost). */
  index: number;
  /** Which grid point (the same for all its seeds). */
  pointIndex: number;
  /** The grid value of every axis. */
  values: Record<string, unknown>;
  seed: number;
  /** Folder name of the run inside the sweep folder: stable across re-runs of the same grid. */
  runId: string;
}

/** Every combination of the axes' values (the first axis varies slowest), times every seed. */
export function expandGrid(grid: SweepGrid): SweepPoint[] {
  let combos: Record<string, unknown>[] = [{}];
  for (const axis of grid.axes) {
    combos = combos.flatMap((combo) => axis.values.map((value) => ({ ...combo, [axis.key]: value })));
  }
  const digits = String(Math.max(0, combos.length - 1)).length;
  const points: SweepPoint[] = [];
  combos.forEach((values, pointIndex) => {
    for (const seed of grid.seeds) {
      points.push({ index: points.length, pointIndex, values, seed, runId: runIdOf(pointIndex, digits, values, seed) });
    }
  });
  return points;
}

/** e.g. `p03-rigl-0.9-s1`: the point's number keeps ids unique, the values make them readable. */
function runIdOf(pointIndex: number, digits: number, values: Record<string, unknown>, seed: number): string {
  const words = Object.values(values).map((value) => (typeof value === 'object' ? JSON.stringify(value) : String(value)));
  const readable = words.join('-').replace(/[^A-Za-z0-9.]+/g, '-').replace(/\.{2,}/g, '-').replace(/^[-.]+|[-.]+$/g, '').slice(0, 60);
  return `p${String(pointIndex).padStart(digits, '0')}${readable ? `-${readable}` : ''}-s${seed}`;
}

/** The config of one run: the base config (a plain object) with the point's values set and no sweep section. */
export function pointConfig(base: Record<string, unknown>, point: Pick<SweepPoint, 'values' | 'seed'>): Record<string, unknown> {
  const config = structuredClone(base);
  delete config[SWEEP_KEY];
  for (const [key, value] of Object.entries(point.values)) setDotted(config, key, value);
  setDotted(config, SEED_PATH, point.seed);
  return config;
}

/** The label of a grid point for tables: `sparsity.method=rigl, sparsity.sparsity=0.9`. */
export function pointLabel(values: Record<string, unknown>): string {
  return Object.entries(values).map(([key, value]) => `${key}=${formatValue(value)}`).join(', ') || '(base config)';
}

export function formatValue(value: unknown): string {
  return typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
}

export function splitKey(key: string): string[] {
  return key.split('.');
}

function setDotted(target: Record<string, unknown>, key: string, value: unknown): void {
  const path = splitKey(key);
  let node = target;
  for (const part of path.slice(0, -1)) {
    const next = node[part];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  node[path[path.length - 1]] = structuredClone(value);
}
