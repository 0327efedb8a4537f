// The problem record every config check produces: a stable code, where (key path and text
// offsets), why, and machine-readable data that quick fixes read.
export type ProblemCode =
  | 'yaml-syntax'
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
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) { best = candidate; bestDistance = d; }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}
