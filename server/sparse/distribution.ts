// Layer-wise sparsity (RIGL-SPEC §1–§2): which layers take part in the budget, and the uniform,
// ER and ERK densities with the dense-layer loop. Pure numbers; masks are built elsewhere.
import type { Distribution } from '../config/types.js';

export interface DistributionLayer {
  name: string;
  /** tfjs layout: conv [kh, kw, cin, cout], fc [in, out]. */
  shape: readonly number[];
}

export interface DistributionOptions {
  sparsity: number;
  distribution: Distribution;
  /** ERK's exponent p; ER ignores it. */
  erkPower: number;
  denseFirstLayer: boolean;
  denseLastLayer: boolean;
  /** Fixed sparsity by exact layer name or glob (* and ?). */
  overrides: Readonly<Record<string, number>>;
}

export interface LayerDensity {
  name: string;
  density: number;
  /** Whether the layer took part in the budget (false: kept dense by rule, or overridden). */
  participates: boolean;
  /** Why the layer's density was fixed, when it was. */
  fixedBy?: 'dense-first-layer' | 'dense-last-layer' | `override:${string}`;
}

/**
 * floor(x) for counts computed in floating point: 0.9 × 1000 is 899.9999999999999, which is 900.
 * The tolerance is relative to x (float error scales with it) and never rounds a fraction like .8 up.
 */
export function floorTolerant(x: number): number {
  return Math.floor(x + 1e-9 * Math.max(1, Math.abs(x)));
}

/** Exactly how many zeros a layer of `params` weights at `sparsity` gets: floor(s·N). */
export function exactZeroCount(sparsity: number, params: number): number {
  return floorTolerant(sparsity * params);
}

/**
 * Whether `name` matches a glob of `*` (any run of characters, dots included) and `?` (one
 * character). Written here rather than as a regular expression (or picomatch, which also compiles
 * to one and treats `/` as special): a pattern of many `*` backtracks exponentially in a regex
 * engine, while this greedy matcher with one resume point takes O(|pattern|·|name|) at worst.
 */
export function globMatches(pattern: string, name: string): boolean {
  let p = 0;
  let n = 0;
  let starAt = -1;
  let resumeAt = 0;
  while (n < name.length) {
    if (p < pattern.length && (pattern[p] === '?' || (pattern[p] !== '*' && pattern[p] === name[n]))) {
      p++; n++;
    } else if (p < pattern.length && pattern[p] === '*') {
      starAt = p++;
      resumeAt = n;
    } else if (starAt >= 0) {
      // The last `*` takes one more character; earlier stars never need to be revisited.
      p = starAt + 1;
      n = ++resumeAt;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern[p] === '*') p++;
  return p === pattern.length;
}

/** Whether an override pattern names a layer: its exact name, or a glob (only patterns with * or ? are globs). */
export function patternMatches(pattern: string, name: string): boolean {
  if (pattern === name) return true;
  return /[*?]/.test(pattern) && globMatches(pattern, name);
}

/** The override pattern that applies to a layer: an exact name wins over globs; among globs, the first listed. */
export function matchOverride(name: string, overrides: Readonly<Record<string, number>>): string | undefined {
  if (Object.prototype.hasOwnProperty.call(overrides, name)) return name;
  return Object.keys(overrides).find((pattern) => patternMatches(pattern, name));
}

/** ER ignores the power, as the official code does (sparse_utils.get_sparsities); ERK raises to it. */
function rawScore(shape: readonly number[], distribution: Distribution, power: number): number {
  if (distribution === 'er') {
    const [nIn, nOut] = shape.slice(-2);
    return (nIn + nOut) / (nIn * nOut);
  }
  const sum = shape.reduce((a, b) => a + b, 0);
  const product = shape.reduce((a, b) => a * b, 1);
  return (sum / product) ** power;
}

export function layerDensities(layers: readonly DistributionLayer[], options: DistributionOptions): LayerDensity[] {
  const result: LayerDensity[] = layers.map((layer, index) => {
    const pattern = matchOverride(layer.name, options.overrides);
    if (pattern !== undefined) return { name: layer.name, density: 1 - options.overrides[pattern], participates: false, fixedBy: `override:${pattern}` as const };
    if (index === 0 && options.denseFirstLayer) return { name: layer.name, density: 1, participates: false, fixedBy: 'dense-first-layer' as const };
    if (index === layers.length - 1 && options.denseLastLayer) return { name: layer.name, density: 1, participates: false, fixedBy: 'dense-last-layer' as const };
    return { name: layer.name, density: 1 - options.sparsity, participates: true };
  });
  // For ERK, p = 0 makes every raw score 1, which is uniform by definition.
  if (options.distribution === 'uniform' || (options.distribution === 'erk' && options.erkPower === 0)) return result;

  const participants = layers.map((layer, index) => ({ index, params: product(layer.shape), raw: rawScore(layer.shape, options.distribution, options.erkPower) }))
    .filter(({ index }) => result[index].participates);
  const dense = new Set<number>();
  for (;;) {
    let numerator = 0;
    let divisor = 0;
    for (const { index, params, raw } of participants) {
      const zeros = exactZeroCount(options.sparsity, params);
      if (dense.has(index)) numerator -= zeros;
      else { numerator += params - zeros; divisor += raw * params; }
    }
    if (divisor === 0) break; // every participating layer is dense
    const epsilon = numerator / divisor;
    const open = participants.filter(({ index }) => !dense.has(index));
    const maxRaw = Math.max(...open.map(({ raw }) => raw));
    if (epsilon * maxRaw > 1) {
      for (const { index, raw } of open) if (raw === maxRaw) dense.add(index);
      continue;
    }
    for (const { index, raw } of participants) result[index].density = dense.has(index) ? 1 : epsilon * raw;
    break;
  }
  for (const { index } of participants) if (dense.has(index)) result[index].density = 1;
  return result;
}

function product(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}
