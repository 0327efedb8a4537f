// Reading a sweep's grid: the config's `sweep:` section, with the CLI's `--grid key=v1,v2` and
// `--seeds 0,1` replacing what the file says for those keys.
import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../config/load.js';
import { schemaAt } from '../config/schema.js';
import { SEED_PATH, SWEEP_KEY, splitKey, type SweepGrid } from './grid.js';

export interface GridOverrides {
  /** `key.path=v1,v2` (values read as YAML: numbers, booleans, strings). */
  grid?: readonly string[];
  /** `0,1,2`. */
  seeds?: string;
}

/** The grid of a raw (parsed, not defaulted) config plus overrides; no grid at all is one point. */
export function sweepGridOf(raw: Record<string, unknown>, overrides: GridOverrides = {}): SweepGrid {
  const section = isMapping(raw[SWEEP_KEY]) ? raw[SWEEP_KEY] : {};
  const written = isMapping(section.grid) ? section.grid : {};
  const axes = Object.entries(written).filter(([, values]) => Array.isArray(values)).map(([key, values]) => ({ key, values: values as unknown[] }));
  for (const override of overrides.grid ?? []) {
    const axis = parseGridOverride(override);
    const existing = axes.find((a) => a.key === axis.key);
    if (existing) existing.values = axis.values;
    else axes.push(axis);
  }
  let seeds: number[];
  if (overrides.seeds !== undefined) seeds = parseSeeds(overrides.seeds);
  else if (Array.isArray(section.seeds) && section.seeds.length > 0) seeds = section.seeds as number[];
  else seeds = [baseSeed(raw)];
  return { axes, seeds };
}

export function parseGridOverride(text: string): { key: string; values: unknown[] } {
  const eq = text.indexOf('=');
  const key = eq > 0 ? text.slice(0, eq).trim() : '';
  if (!key || splitKey(key).some((part) => part === '')) throw new ConfigError(`--grid ${text}: expected key.path=v1,v2, e.g. --grid sparsity.sparsity=0.8,0.9`);
  let values: unknown;
  try {
    values = parseYaml(`[${text.slice(eq + 1)}]`);
  } catch (error) {
    throw new ConfigError(`--grid ${text}: the values are not a comma-separated list (${(error as Error).message.split('\n')[0]})`);
  }
  if (!Array.isArray(values) || values.length === 0) throw new ConfigError(`--grid ${text}: give at least one value after '='`);
  if (key === SEED_PATH) throw new ConfigError(`--grid ${text}: seeds go in --seeds ${values.join(',')}`);
  return { key, values };
}

export function parseSeeds(text: string): number[] {
  const seeds = text.split(',').map((s) => s.trim());
  const bad = seeds.find((s) => !/^\d+$/.test(s));
  if (bad !== undefined || seeds.length === 0) throw new ConfigError(`--seeds ${text}: expected whole numbers ≥ 0 separated by commas, e.g. --seeds 0,1`);
  return seeds.map(Number);
}

function baseSeed(raw: Record<string, unknown>): number {
  const training = raw.training;
  const seed = isMapping(training) ? training.seed : undefined;
  return typeof seed === 'number' ? seed : Number(schemaAt(splitKey(SEED_PATH))?.default ?? 0);
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
