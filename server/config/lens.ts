// Code lens on the first line of a config: the totals of its plan (weights kept, sparsity, FLOPs
// factors, steps and mask updates). Nothing while the config has errors.
import type { CodeLens } from 'vscode-languageserver-types';
import { analyzeConfigText } from './resolve.js';
import { configProblems } from './diagnostics.js';
import { planSummaryLine } from './plan-summary.js';
import { buildPlan } from '../sparse/plan.js';

// The lens must not depend on the file system: dataset paths count as present here.
const OFFLINE_ENVIRONMENT = { fileExists: () => true };

export function codeLenses(text: string): CodeLens[] {
  const analysis = analyzeConfigText(text);
  const { config } = analysis;
  if (!config) return [];
  if (configProblems(text, OFFLINE_ENVIRONMENT, analysis).some((problem) => problem.severity === 'error')) return [];
  let title: string;
  try {
    title = planSummaryLine(buildPlan(config), config.sparsity.method);
  } catch {
    return [];
  }
  const top = { line: 0, character: 0 };
  return [{ range: { start: top, end: top }, command: { title, command: '' } }];
}
