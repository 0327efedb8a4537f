// What every semantic validator reads: the text, the parsed document (for exact ranges), the
// resolved config, its plan (built once, lazily) and the environment. One validator = one function.
import type { Document } from 'yaml';
import { keyRange, valueRange } from '../resolve.js';
import type { ConfigProblem } from '../problems.js';
import type { RiglConfig } from '../types.js';
import type { ConfigEnvironment } from '../environment.js';
import { buildPlan, type Plan } from '../../sparse/plan.js';

export type { KeyPath } from '../resolve.js';
import type { KeyPath } from '../resolve.js';

export interface ValidationContext {
  text: string;
  doc: Document.Parsed;
  /** The resolved config, with every default filled. */
  config: RiglConfig;
  env: ConfigEnvironment;
  /** Whether a schema error makes this key, a key inside it or a section holding it unusable. */
  invalid(path: KeyPath): boolean;
  /** Whether the user wrote this key (defaults do not count). */
  written(path: KeyPath): boolean;
  keyRange(path: KeyPath): [number, number];
  valueRange(path: KeyPath): [number, number];
  /** The per-layer plan; undefined if the planner cannot build one for this config. */
  plan(): Plan | undefined;
}

export type Validator = (context: ValidationContext) => ConfigProblem[];

/** `invalid`: the key paths a schema error left without a usable value (none for a valid config). */
export function createValidationContext(text: string, doc: Document.Parsed, config: RiglConfig, env: ConfigEnvironment, invalid: readonly KeyPath[] = []): ValidationContext {
  let plan: Plan | undefined | null = null;
  return {
    text, doc, config, env,
    invalid: (path) => invalid.some((bad) => overlaps(bad, path)),
    written: (path) => doc.hasIn(path),
    keyRange: (path) => keyRange(doc, path),
    valueRange: (path) => valueRange(doc, path),
    plan() {
      if (plan === null) {
        try {
          plan = buildPlan(config);
        } catch {
          plan = undefined; // a planner failure is not the user's mistake to report here
        }
      }
      return plan;
    },
  };
}

/** The first of these paths that the user wrote, for anchoring a problem on the most relevant key. */
export function firstWritten(context: ValidationContext, candidates: readonly KeyPath[]): KeyPath | undefined {
  return candidates.find((path) => context.written(path));
}

/** Whether one path lies inside the other (or they are equal). */
function overlaps(a: KeyPath, b: KeyPath): boolean {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}
