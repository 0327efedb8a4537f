// The config language on a `sweep:` section: every grid key must name a config key, every grid
// value must be valid there, every expanded config must validate; problems sit on the grid entry.
import { stringify } from 'yaml';
import type { Document } from 'yaml';
import { analyzeConfigText, keyRange, valueRange } from './resolve.js';
import { nearest, type ConfigProblem } from './problems.js';
import { schemaAt, RIGL_CONFIG_SCHEMA, type SchemaNode } from './schema.js';
import { OFFLINE_ENVIRONMENT, type ConfigEnvironment } from './environment.js';
import type { RiglConfig } from './types.js';
import { createValidationContext, runSemanticValidators } from './validators/index.js';
import { expandGrid, pointConfig, pointLabel, SEED_PATH, splitKey, SWEEP_KEY, type SweepGrid, type SweepPoint } from '../sweeps/grid.js';
import { sweepGridOf } from '../sweeps/spec.js';
import { buildPlan } from '../sparse/plan.js';
import { flopsText, runTrainingFlops } from '../sweeps/totals.js';

/** More expanded configs than this are not each checked while typing (the CLI checks them all). */
export const EDITOR_POINT_LIMIT = 400;

export interface ExpandedSweep {
  grid: SweepGrid;
  points: SweepPoint[];
  /** The resolved config of every point, in the order of `points`; undefined where it has errors. */
  configs: (RiglConfig | undefined)[];
}

/** Whether the raw config has a sweep section at all. */
export function hasSweep(raw: unknown): raw is Record<string, unknown> {
  return raw !== null && typeof raw === 'object' && SWEEP_KEY in (raw as object);
}

/** The problems of the sweep section of a config whose base has no schema errors. */
export function sweepProblems(doc: Document.Parsed, raw: Record<string, unknown>, env: ConfigEnvironment, pointLimit = EDITOR_POINT_LIMIT): ConfigProblem[] {
  const grid = sweepGridOf(raw);
  const problems: ConfigProblem[] = [];
  const validAxes = grid.axes.filter((axis) => {
    const problem = gridKeyProblem(doc, axis.key);
    if (problem) problems.push(problem);
    return !problem;
  });
  // Each value alone: a bad value is reported where it is written, once.
  const badValues = new Set<string>();
  for (const axis of validAxes) {
    axis.values.forEach((value, i) => {
      const errors = configErrors(pointConfig(raw, { values: { [axis.key]: value }, seed: grid.seeds[0] }), OFFLINE_ENVIRONMENT)
        .filter((p) => relatedPath(p.path, axis.key));
      if (errors.length === 0) return;
      badValues.add(`${axis.key}\u0000${i}`);
      const where = [SWEEP_KEY, 'grid', axis.key, i];
      problems.push({ code: 'grid-value-invalid', severity: 'error', message: `sweep.grid ${axis.key}[${i}]: ${errors[0].message}`, path: where, range: valueRange(doc, where), data: { key: axis.key, index: i } });
    });
  }
  if (badValues.size > 0 || validAxes.length < grid.axes.length) return problems;
  // Then the combinations: a value can be fine alone and wrong beside another.
  const points = expandGrid({ axes: validAxes, seeds: grid.seeds }).filter((p) => p.seed === grid.seeds[0]);
  const seen = new Set<string>();
  for (const point of points.slice(0, pointLimit)) {
    const errors = configErrors(pointConfig(raw, point), env);
    for (const error of errors) {
      const axis = validAxes.find((a) => relatedPath(error.path, a.key));
      const where = axis ? [SWEEP_KEY, 'grid', axis.key, axis.values.indexOf(point.values[axis.key])] : [SWEEP_KEY, 'grid'];
      const message = `sweep grid point ${pointLabel(point.values)}: ${error.message}`;
      const id = `${where.join('\u0000')}\u0000${error.message}`;
      if (seen.has(id)) continue;
      seen.add(id);
      problems.push({ code: 'grid-point-invalid', severity: 'error', message, path: where, range: axis ? valueRange(doc, where) : keyRange(doc, where), data: { values: point.values } });
    }
  }
  return problems;
}

/** The sweep's points with their resolved configs (for totals, the CLI and the runner). */
export function expandSweep(raw: Record<string, unknown>, grid: SweepGrid = sweepGridOf(raw)): ExpandedSweep {
  const points = expandGrid(grid);
  const configs = points.map((point) => analyzeConfigText(stringify(pointConfig(raw, point))).config);
  return { grid, points, configs };
}

/** Number of runs and their training FLOPs in all; undefined when some point does not resolve or plan. */
export function sweepTotals(raw: Record<string, unknown>): { runs: number; points: number; seeds: number; trainFlops: number } | undefined {
  const { grid, points, configs } = expandSweep(raw);
  let trainFlops = 0;
  for (const config of configs) {
    if (!config) return undefined;
    try {
      trainFlops += runTrainingFlops(buildPlan(config), config);
    } catch {
      return undefined;
    }
  }
  return { runs: points.length, points: points.length / grid.seeds.length, seeds: grid.seeds.length, trainFlops };
}

function configErrors(config: Record<string, unknown>, env: ConfigEnvironment): ConfigProblem[] {
  const text = stringify(config);
  const analysis = analyzeConfigText(text);
  const errors = analysis.problems.filter((p) => p.severity === 'error');
  if (!analysis.config) return errors;
  return runSemanticValidators(createValidationContext(text, analysis.doc, analysis.config, env)).filter((p) => p.severity === 'error');
}

/** A problem at `path` concerns the grid key when one path contains the other. */
function relatedPath(path: readonly (string | number)[], key: string): boolean {
  const keyPath = splitKey(key);
  const n = Math.min(path.length, keyPath.length);
  if (n === 0) return false;
  for (let i = 0; i < n; i++) if (String(path[i]) !== keyPath[i]) return false;
  return true;
}

function gridKeyProblem(doc: Document.Parsed, key: string): ConfigProblem | undefined {
  const where = [SWEEP_KEY, 'grid', key];
  const range = keyRange(doc, where);
  if (key === SEED_PATH) {
    return { code: 'grid-key-unknown', severity: 'error', message: 'Seeds go in `sweep.seeds: [0, 1]`, not in the grid.', path: where, range, data: { key } };
  }
  const path = splitKey(key);
  if (path[0] !== SWEEP_KEY && schemaAt(path) !== undefined && path.every((p) => p !== '')) return undefined;
  const valid = configKeyPaths(RIGL_CONFIG_SCHEMA).filter((k) => !k.startsWith(`${SWEEP_KEY}.`) && k !== SWEEP_KEY);
  const suggestion = nearest(key, valid);
  return {
    code: 'grid-key-unknown', severity: 'error', path: where, range,
    message: `sweep.grid: \`${key}\` is not a config key.${suggestion ? ` Did you mean \`${suggestion}\`?` : ' Use a dotted key path such as `sparsity.sparsity`.'}`,
    data: { key, suggestion },
  };
}

/** Every dotted key path of the schema (nested objects included). */
function configKeyPaths(node: SchemaNode, prefix = ''): string[] {
  const paths: string[] = [];
  for (const [key, child] of Object.entries(node.properties ?? {})) {
    const path = prefix ? `${prefix}.${key}` : key;
    paths.push(path, ...configKeyPaths(child, path));
  }
  return paths;
}

/** e.g. `sweep: 40 runs (20 grid points × 2 seeds) · 1.2 PFLOPs of training in all`. */
export function sweepSummaryLine(raw: Record<string, unknown>): string | undefined {
  const totals = sweepTotals(raw);
  if (!totals) return undefined;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return `sweep: ${plural(totals.runs, 'run')} (${plural(totals.points, 'grid point')} × ${plural(totals.seeds, 'seed')}) · ${flopsText(totals.trainFlops)} of training in all`;
}
