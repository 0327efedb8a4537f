// Code lens on the first line of a config: the totals of its plan (weights kept, sparsity, FLOPs
// factors, steps and mask updates). Nothing while the config has errors.
import type { CodeLens } from 'vscode-languageserver-types';
import { analyzeConfigText } from './resolve.js';
import { createValidationContext, runSemanticValidators } from './validators/index.js';
import { planSummaryLine } from './plan-summary.js';
import { OFFLINE_ENVIRONMENT } from './environment.js';
import { hasSweep, sweepSummaryLine } from './sweep.js';
import { keyRange } from './resolve.js';
import { toLspRange } from './lsp-range.js';


export function codeLenses(text: string): CodeLens[] {
  const analysis = analyzeConfigText(text);
  const { config } = analysis;
  if (!config) return [];
  // A config is resolved only when its schema has no errors, so the semantic checks remain.
  const context = createValidationContext(text, analysis.doc, config, OFFLINE_ENVIRONMENT);
  if (runSemanticValidators(context).some((problem) => problem.severity === 'error')) return [];
  // The plan the validators built (once); undefined when the planner fails.
  const plan = context.plan();
  if (!plan) return [];
  let title: string;
  try {
    title = planSummaryLine(plan, config.sparsity.method);
  } catch {
    return [];
  }
  const top = { line: 0, character: 0 };
  const lenses: CodeLens[] = [{ range: { start: top, end: top }, command: { title, command: '' } }];
  // A sweep's totals sit on its own key: how many runs it starts and what they cost.
  const sweepLine = hasSweep(analysis.raw) ? sweepSummaryLine(analysis.raw) : undefined;
  if (sweepLine) {
    const start = toLspRange(text, keyRange(analysis.doc, ['sweep'])).start;
    lenses.push({ range: { start, end: start }, command: { title: sweepLine, command: '' } });
  }
  return lenses;
}
