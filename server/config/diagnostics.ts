// The config's diagnostics in one call: schema problems (resolve.ts) plus the semantic validators,
// as ConfigProblems (CLI) or LSP Diagnostics carrying `code` and the `data` quick fixes read.
import type { Diagnostic, DiagnosticSeverity, DiagnosticTag } from 'vscode-languageserver-types';
import { analyzeConfigText, type ConfigAnalysis } from './resolve.js';
import { capProblems, type ConfigProblem, type Severity } from './problems.js';
import type { ConfigEnvironment } from './environment.js';
import { createValidationContext, runSemanticValidators } from './validators/index.js';
import { toLspRange } from './lsp-range.js';
import { hasSweep, sweepProblems } from './sweep.js';

export const DIAGNOSTIC_SOURCE = 'rigl';

const SEVERITY: Record<Severity, DiagnosticSeverity> = { error: 1, warning: 2, info: 3 };
const UNNECESSARY: DiagnosticTag = 1;

/**
 * Every problem of the text, in document order. With schema errors, the semantic checks run on
 * the config without the invalid values, each one only if none of the keys it reads is invalid,
 * so that everything is reported at once (as yaml-language-server and eslint do).
 */
export function configProblems(text: string, env: ConfigEnvironment, analysis: ConfigAnalysis = analyzeConfigText(text)): ConfigProblem[] {
  const problems = [...analysis.problems];
  if (analysis.config) problems.push(...runSemanticValidators(createValidationContext(text, analysis.doc, analysis.config, env)));
  else if (analysis.partial) problems.push(...runSemanticValidators(createValidationContext(text, analysis.doc, analysis.partial.config, env, analysis.partial.invalid)));
  if (analysis.config && hasSweep(analysis.raw)) problems.push(...sweepProblems(analysis.doc, analysis.raw, env));
  // Stable sort: problems at the same place keep the order of the checks.
  return capProblems(problems.sort((a, b) => a.range[0] - b.range[0]));
}

export function toDiagnostic(text: string, problem: ConfigProblem): Diagnostic {
  const diagnostic: Diagnostic = {
    range: toLspRange(text, problem.range),
    severity: SEVERITY[problem.severity],
    code: problem.code,
    source: DIAGNOSTIC_SOURCE,
    message: problem.message,
    // The key path travels too, so that quick fixes need nothing but the diagnostic.
    data: { path: problem.path, ...problem.data },
  };
  if (problem.code === 'ignored-setting') diagnostic.tags = [UNNECESSARY];
  return diagnostic;
}

export function configDiagnostics(text: string, env: ConfigEnvironment): Diagnostic[] {
  return configProblems(text, env).map((problem) => toDiagnostic(text, problem));
}
