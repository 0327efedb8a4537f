// What every semantic validator reads: the text, the parsed document (for exact ranges), the
// resolved config, its plan (built once, lazily) and the environment. One validator = one function.
import type { Document } from 'yaml';
import { keyRange, valueRange } from '../resolve.js';
import type { ConfigProblem } from '../problems.js';
import type { RiglConfig } from '../types.js';
import type { ConfigEnvironment } from '../environment.js';
import { buildPlan, type Plan } from '../../sparse/plan.js';

export type KeyPath = readonly (string | number)[];

export interface ValidationContext {
  text: string;
  doc: Document.Parsed;
  /** The resolved config, with every default filled. */
  config: RiglConfig;
  env: ConfigEnvironment;
  /** Whether the user wrote this key (defaults do not count). */
  written(path: KeyPath): boolean;
  keyRange(path: KeyPath): [number, number];
  valueRange(path: KeyPath): [number, number];
  /** The per-layer plan; undefined if the planner cannot build one for this config. */
  plan(): Plan | undefined;
}

export type Validator = (context: ValidationContext) => ConfigProblem[];

export function createValidationContext(text: string, doc: Document.Parsed, config: RiglConfig, env: ConfigEnvironment): ValidationContext {
  let plan: Plan | undefined | null = null;
  return {
    text, doc, config, env,
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
