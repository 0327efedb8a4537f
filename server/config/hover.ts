// Hover for *.rigl.yaml: the schema documentation of the key (or value) under the cursor; on
// model, sparsity and distribution also the per-layer plan the config resolves to; on engine and
// pytorch.* the Python, torch version and GPUs the pytorch engine would use here.
import type { Hover } from 'vscode-languageserver-types';
import { schemaAt } from './schema.js';
import { cursorContext } from './cursor.js';
import { positionToOffset, type Position } from './positions.js';
import { toLspRange } from './lsp-range.js';
import { schemaMarkdown } from './schema-docs.js';
import { analyzeConfigText } from './resolve.js';
import { planMarkdown } from './plan-summary.js';
import { buildPlan, type Plan } from '../sparse/plan.js';
import { matchOverride } from '../sparse/distribution.js';
import type { RiglConfig } from './types.js';
import type { ConfigEnvironment, InterpreterStatus } from './environment.js';
import { hasSweep, sweepSummaryLine } from './sweep.js';

/** Keys whose hover shows the per-layer plan: those that change the layers' densities. */
const PLAN_KEYS = new Set(['model', 'sparsity', ...['method', 'sparsity', 'distribution', 'erk_power', 'dense_first_layer', 'dense_last_layer'].map((key) => `sparsity.${key}`)]);
const MATCHES_SHOWN = 12;

function unquote(value: string): string {
  return value.replace(/^(["'])(.*)\1$/, '$2');
}

function resolvedPlan(text: string): { config: RiglConfig; plan: Plan } | undefined {
  const { config } = analyzeConfigText(text);
  if (!config) return undefined;
  try {
    return { config, plan: buildPlan(config) };
  } catch {
    return undefined;
  }
}

function overrideMatches(plan: Plan, config: RiglConfig, pattern: string): string {
  const matched = plan.layers.filter((layer) => matchOverride(layer.name, config.sparsity.overrides) === pattern).map((layer) => `\`${layer.name}\``);
  if (matched.length === 0) return `Matches no layer of ${plan.model}.`;
  return `Matches ${matched.length} layer${matched.length === 1 ? '' : 's'}: ${matched.slice(0, MATCHES_SHOWN).join(', ')}${matched.length > MATCHES_SHOWN ? ', …' : ''}`;
}

/** What the pytorch engine would run with here, once the interpreter has been probed. */
export function interpreterMarkdown(status: InterpreterStatus & { source: string }): string {
  if (!status.runs) return `**Python:** ${status.error ?? `${status.python} cannot be run`}`;
  const head = `**Python:** \`${status.executable ?? status.python}\` ${status.version ?? ''}${status.source === 'default' ? ' (found on this machine)' : status.source === 'editor' ? ' (the editor\'s interpreter)' : ''}`;
  if (status.torch === undefined) return `${head}  \n**torch:** not installed (${status.torchError ?? 'import failed'})`;
  const gpus = status.gpus ?? [];
  const devices = gpus.length > 0 ? gpus.map((gpu, i) => `${i}: ${gpu.name}${gpu.bf16 ? ' (bf16)' : ''}`).join(', ') : 'none (CPU only)';
  return `${head}  \n**torch:** ${status.torch}  \n**CUDA GPUs:** ${devices}`;
}

export function hover(text: string, position: Position, env?: ConfigEnvironment): Hover | undefined {
  const context = cursorContext(text, positionToOffset(text, position));
  if (!context || context.word === '') return undefined;
  const path = [...context.parentPath, context.kind === 'key' ? context.word : context.key];
  const node = schemaAt(path);
  if (!node) return undefined;
  const sections = [schemaMarkdown(path, node, context.kind === 'value' ? unquote(context.word) : undefined)];
  const dotted = path.join('.');
  const isOverride = path.length === 3 && dotted.startsWith('sparsity.overrides.');
  if (PLAN_KEYS.has(dotted) || isOverride) {
    const resolved = resolvedPlan(text);
    if (resolved && isOverride) sections.push(overrideMatches(resolved.plan, resolved.config, String(path[2])));
    else if (resolved) sections.push(planMarkdown(resolved.plan, resolved.config.sparsity.method));
  }
  if ((dotted === 'engine' || path[0] === 'pytorch') && env?.python) {
    const { config } = analyzeConfigText(text);
    const status = config ? env.python(config.pytorch.python) : undefined;
    if (status) sections.push(interpreterMarkdown(status));
  }
  if (path[0] === 'sweep') {
    const { raw } = analyzeConfigText(text);
    const line = hasSweep(raw) ? sweepSummaryLine(raw) : undefined;
    if (line) sections.push(`**${line}**`);
  }
  return { contents: { kind: 'markdown', value: sections.join('\n\n---\n\n') }, range: toLspRange(text, context.wordRange) };
}
