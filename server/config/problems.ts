// The problem record every config check produces: a stable code, where (key path and text
// offsets), why, and machine-readable data that quick fixes read.
import { MAX_PROBLEMS, MAX_SUGGEST_LENGTH } from './limits.js';

export type ProblemCode =
  | 'yaml-syntax'
  | 'too-large'
  | 'not-a-mapping'
  | 'unknown-key'
  | 'missing-key'
  | 'wrong-type'
  | 'out-of-range'
  | 'invalid-enum'
  | 'invalid-value'
  | 'dataset-path-required'
  | 'dataset-path-missing'
  | 'model-input-mismatch'
  | 'no-mask-update'
  | 'value-capped'
  | 'ignored-setting'
  | 'override-matches-nothing'
  | 'backend-unavailable'
  | 'memory-exceeds-backend'
  | 'python-unavailable'
  | 'torch-missing'
  | 'cuda-unavailable'
  | 'processes-exceed-gpus'
  | 'bf16-unsupported'
  | 'grid-key-unknown'
  | 'grid-value-invalid'
  | 'grid-point-invalid';

export type Severity = 'error' | 'warning' | 'info';

export interface ConfigProblem {
  code: ProblemCode;
  severity: Severity;
  message: string;
  /** Key path of the offending node, e.g. ['sparsity', 'update', 'alpha']. */
  path: (string | number)[];
  /** [start, end) character offsets in the text: the value, or the key for unknown/missing keys. */
  range: [number, number];
  /** What a quick fix needs: e.g. { suggestion }, { min, max, clampTo }, { key, insert }. */
  data?: Record<string, unknown>;
}

/** Levenshtein distance; small strings only (config keys and enum values). */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}

/** The candidate closest to `word`, if it is close enough to be a plausible typo. */
export function nearest(word: string, candidates: readonly string[]): string | undefined {
  // Edit distance costs |word|·|candidate|: a pasted paragraph is no typo of a key, so no search.
  if (word.length > MAX_SUGGEST_LENGTH) return undefined;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    if (candidate.length > MAX_SUGGEST_LENGTH) continue;
    const d = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) { best = candidate; bestDistance = d; }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

/** A user's text quoted in a message: long ones are cut (a message is read, not scrolled). */
export function clip(text: string, max = 80): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} characters)`;
}

/** At most MAX_PROBLEMS problems; the rest are counted in one more (an editor shows what it can draw). */
export function capProblems(problems: ConfigProblem[]): ConfigProblem[] {
  if (problems.length <= MAX_PROBLEMS) return problems;
  const severity = problems.slice(MAX_PROBLEMS).some((p) => p.severity === 'error') ? 'error' : 'warning';
  return [...problems.slice(0, MAX_PROBLEMS), { code: 'too-large', severity, message: 'More problems are not shown; fix the ones above first.', path: [], range: [0, 1] }];
}
