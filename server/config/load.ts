// Load a config file for the CLI and the trainer: read it, apply `--set key.path=value`
// overrides, analyze, and either return the resolved config or throw one readable ConfigError.
import { readFileSync } from 'node:fs';
import { parse as parseYamlValue, parseDocument } from 'yaml';
import { analyzeConfigText } from './resolve.js';
import { offsetToPosition } from './positions.js';
import type { ConfigProblem } from './problems.js';
import type { RiglConfig } from './types.js';

export class ConfigError extends Error {
  constructor(message: string, readonly problems: ConfigProblem[] = []) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Apply `a.b.c=value` overrides (values parsed as YAML: numbers, booleans, lists) to config text. */
export function applyOverrides(text: string, overrides: readonly string[]): string {
  if (overrides.length === 0) return text;
  const doc = parseDocument(text);
  if (doc.errors.length > 0) return text; // the analysis reports the syntax error with its position
  for (const override of overrides) {
    const eq = override.indexOf('=');
    if (eq <= 0) throw new ConfigError(`--set ${override}: expected key.path=value, e.g. --set sparsity.sparsity=0.8`);
    const path = override.slice(0, eq).trim().split('.');
    if (path.some((p) => p === '')) throw new ConfigError(`--set ${override}: empty key in "${override.slice(0, eq)}"`);
    let value: unknown;
    try {
      value = parseYamlValue(override.slice(eq + 1));
    } catch {
      value = override.slice(eq + 1);
    }
    doc.setIn(path, value);
  }
  return doc.toString();
}

export function formatProblem(file: string, text: string, problem: ConfigProblem): string {
  const { line, character } = offsetToPosition(text, problem.range[0]);
  return `${file}:${line + 1}:${character + 1}: ${problem.severity} ${problem.code} ${problem.message}`;
}

/** Resolve config text; throws a ConfigError listing every error (file:line:col) if it has any. */
export function resolveConfigText(text: string, file: string, overrides: readonly string[] = []): RiglConfig {
  const effective = applyOverrides(text, overrides);
  const analysis = analyzeConfigText(effective);
  const errors = analysis.problems.filter((p) => p.severity === 'error');
  if (!analysis.config || errors.length > 0) {
    const origin = overrides.length ? `${file} (with --set overrides)` : file;
    throw new ConfigError(errors.map((p) => formatProblem(origin, effective, p)).join('\n'), errors);
  }
  return analysis.config;
}

/** Read a config file's text; throws a ConfigError naming it as `displayName` when it cannot be read. */
export function readConfigFile(file: string, displayName = file): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(code === 'ENOENT' ? `${displayName}: no such file` : code === 'EISDIR' ? `${displayName}: is a directory, expected a *.rigl.yaml file` : `${displayName}: cannot read (${code ?? String(error)})`);
  }
}

/** Read and resolve a config file; messages name it as `displayName` (the path the user typed). */
export function loadConfigFile(file: string, overrides: readonly string[] = [], displayName = file): RiglConfig {
  return resolveConfigText(readConfigFile(file, displayName), displayName, overrides);
}
