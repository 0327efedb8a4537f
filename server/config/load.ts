// Load a config file for the CLI and the trainer: read it, apply `--set key.path=value`
// overrides, analyze, and either return the resolved config or throw one readable ConfigError.
import { FileReadError, readBoundedText } from '../files/bounded-read.js';
import { isMap, parse as parseYamlValue, parseDocument, type Document } from 'yaml';
import { MAX_CONFIG_CHARS } from './limits.js';
import { tooDeepNode } from './yaml-depth.js';
import { errorMessage } from '../errors.js';
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
  if (overrides.length === 0 || text.length > MAX_CONFIG_CHARS) return text;
  let doc: Document.Parsed;
  try {
    doc = parseDocument(text);
  } catch {
    return text; // the analysis reports what the parser cannot take
  }
  if (doc.errors.length > 0) return text; // the analysis reports the syntax error with its position
  if (doc.contents !== null && !isMap(doc.contents)) return text; // reported as not-a-mapping
  // Writing a document back costs its size times its depth; one deeper than any config is reported as it is.
  if (tooDeepNode(doc)) return text;
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
    try {
      doc.setIn(path, value);
    } catch {
      // e.g. the path runs through a list or a scalar: say where, not how yaml failed.
      throw new ConfigError(`--set ${override}: cannot set ${path.join('.')}, because part of that path in the config is not a mapping`);
    }
  }
  try {
    return doc.toString();
  } catch (error) {
    throw new ConfigError(`--set: cannot write the config back (${errorMessage(error)})`);
  }
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

/** The largest config file read; the analysis then reports texts beyond MAX_CONFIG_CHARS as too large. */
export const MAX_CONFIG_FILE_BYTES = 4 * 1024 * 1024;

/** Read a config file's text (a regular file, bounded); throws a ConfigError naming it as `displayName`. */
export function readConfigFile(file: string, displayName = file): string {
  try {
    return readBoundedText(file, { maxBytes: MAX_CONFIG_FILE_BYTES, displayName, expected: 'a *.rigl.yaml file' });
  } catch (error) {
    throw new ConfigError(error instanceof FileReadError ? error.message : `${displayName}: cannot be read`);
  }
}

/** Read and resolve a config file; messages name it as `displayName` (the path the user typed). */
export function loadConfigFile(file: string, overrides: readonly string[] = [], displayName = file): RiglConfig {
  return resolveConfigText(readConfigFile(file, displayName), displayName, overrides);
}
