// override-matches-nothing: a `sparsity.overrides` pattern that names no layer of the model, so
// the sparsity it sets silently does nothing (usually a typo in a layer name).
import type { ConfigProblem } from '../problems.js';
import { clip, nearest } from '../problems.js';
import { patternMatches } from '../../sparse/distribution.js';
import type { ValidationContext } from './context.js';

const SUGGESTIONS_PER_TEXT = 20;

/** Layer names plus the stage globs a user would write (layer1.*, layer1.0.*). */
export function overrideCandidates(layerNames: readonly string[]): string[] {
  const globs = new Set<string>();
  for (const name of layerNames) {
    const parts = name.split('.');
    for (let i = 1; i < parts.length; i++) globs.add(`${parts.slice(0, i).join('.')}.*`);
  }
  return [...layerNames, ...globs];
}

export function overridesMatchNothing(context: ValidationContext): ConfigProblem[] {
  const { sparsity } = context.config;
  if (sparsity.method === 'dense') return []; // reported as ignored-setting
  if (Object.keys(sparsity.overrides).length === 0) return [];
  const plan = context.plan();
  if (!plan) return [];
  const names = plan.layers.map((layer) => layer.name);
  const candidates = /[*?]/.test(Object.keys(sparsity.overrides).join('')) ? overrideCandidates(names) : names;
  const problems: ConfigProblem[] = [];
  for (const pattern of Object.keys(sparsity.overrides)) {
    if (names.some((name) => patternMatches(pattern, name))) continue;
    // Each suggestion is an edit-distance search over every layer: a few per edit, not thousands.
    const suggestion = problems.length < SUGGESTIONS_PER_TEXT ? nearest(pattern, /[*?]/.test(pattern) ? candidates : names) : undefined;
    const examples = names.slice(0, 4).join(', ');
    problems.push({
      code: 'override-matches-nothing', severity: 'warning',
      message: `Override \`${clip(pattern)}\` matches no layer of ${plan.model}.${suggestion ? ` Did you mean \`${suggestion}\`?` : ''} Layers: ${examples}${names.length > 4 ? `, … (${names.length})` : ''}.`,
      path: ['sparsity', 'overrides', pattern], range: context.keyRange(['sparsity', 'overrides', pattern]),
      data: { pattern, suggestion },
    });
  }
  return problems;
}
