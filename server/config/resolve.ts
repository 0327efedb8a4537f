// Text of a *.rigl.yaml → problems with exact offsets, and (when there are no errors) the
// resolved, defaulted RiglConfig. Schema checks only; semantic checks live in validators/.
import { isCollection, isMap, isScalar, isSeq, parseDocument, visit, type Document, type Node as YamlNode } from 'yaml';
import Ajv, { type ErrorObject } from 'ajv';
import { RIGL_CONFIG_SCHEMA, schemaAt, type SchemaNode } from './schema.js';
import { capProblems, clip, nearest, type ConfigProblem } from './problems.js';
import { rangeText } from './schema-docs.js';
import { pairIn } from './yaml-edits.js';
import type { RiglConfig } from './types.js';
import { datasetFacts } from './datasets.js';
import { MAX_ALIAS_COUNT, MAX_CONFIG_CHARS, MAX_KEY_LENGTH, MAX_NESTING_DEPTH, MAX_PROBLEMS } from './limits.js';
import { tooDeepNode } from './yaml-depth.js';
import { MAX_TOTAL_STEPS, stepCounts } from './steps.js';
import { errorMessage } from '../errors.js';

export interface ConfigAnalysis {
  doc: Document.Parsed;
  /** The parsed plain object (before defaults), or undefined when it is not a mapping. */
  raw: unknown;
  problems: ConfigProblem[];
  /** Present when no problem is an error. */
  config?: RiglConfig;
  /**
   * When there are schema errors: the config with every invalid value replaced by its default
   * (unknown keys dropped), and the key paths whose values are invalid or missing. Semantic
   * checks that read none of those paths still run on it, so all problems show at once.
   */
  partial?: { config: RiglConfig; invalid: KeyPath[] };
}

export type KeyPath = readonly (string | number)[];

const ajv = new Ajv({ allErrors: true, strict: false });
const validateSchema = ajv.compile(RIGL_CONFIG_SCHEMA);

export function analyzeConfigText(text: string): ConfigAnalysis {
  if (text.length > MAX_CONFIG_CHARS) {
    const message = `This file is ${text.length} characters long; a RigL config is a few dozen lines, and files over ${MAX_CONFIG_CHARS} characters are not analyzed.`;
    return { doc: parseDocument(''), raw: undefined, problems: [{ code: 'too-large', severity: 'error', message, path: [], range: [0, 1] }] };
  }
  let doc: Document.Parsed;
  try {
    doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  } catch (error) {
    // The parser recurses per nesting level; tens of thousands of levels overflow its stack.
    return { doc: parseDocument(''), raw: undefined, problems: [{ code: 'yaml-syntax', severity: 'error', message: `YAML: cannot be parsed (${firstLine(errorMessage(error))})`, path: [], range: [0, 1] }] };
  }
  const problems = new ProblemList();
  for (const error of doc.errors) {
    // yaml reports running out of stack (thousands of nesting levels) as an error of the document.
    const message = error.code === 'RESOURCE_EXHAUSTION' ? `nested too deeply to read (${firstLine(error.message)}); a RigL config has at most 4 levels` : firstLine(error.message);
    problems.add({ code: 'yaml-syntax', severity: 'error', message: `YAML: ${message}`, path: [], range: [error.pos[0], Math.max(error.pos[1], error.pos[0] + 1)] });
  }
  if (problems.size > 0) return { doc, raw: undefined, problems: problems.done() };
  const deep = tooDeepNode(doc);
  if (deep) {
    problems.add({ code: 'invalid-value', severity: 'error', message: `Nested more than ${MAX_NESTING_DEPTH} levels deep here; a RigL config has at most 4 levels.`, path: [], range: deep.range ? [deep.range[0], Math.max(deep.range[0] + 1, Math.min(deep.range[1], deep.range[0] + 1))] : [0, 1] });
    return { doc, raw: undefined, problems: problems.done() };
  }
  const complexKey = firstCollectionKey(doc);
  if (complexKey) {
    problems.add({ code: 'invalid-value', severity: 'error', message: 'A key must be a plain name, not a list or a mapping.', path: [], range: complexKey });
    return { doc, raw: undefined, problems: problems.done() };
  }
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    // An alias with no anchor, or an alias bomb (yaml's maxAliasCount): the text says what is wrong.
    problems.add({ code: 'yaml-syntax', severity: 'error', message: `YAML: ${firstLine(errorMessage(error))}`, path: [], range: firstAliasRange(doc) });
    return { doc, raw: undefined, problems: problems.done() };
  }
  if (raw === null || raw === undefined || typeof raw !== 'object' || Array.isArray(raw)) {
    problems.add({ code: 'not-a-mapping', severity: 'error', message: 'A RigL config is a YAML mapping with at least `model` and `dataset`.', path: [], range: [0, Math.max(1, text.length)] });
    return { doc, raw, problems: problems.done() };
  }
  const valueProblems = rawValueProblems(doc, raw);
  for (const problem of valueProblems) problems.add(problem);
  // The schema validator recurses into values: a cyclic one is reported and goes no further.
  if (valueProblems.some((p) => p.code === 'yaml-syntax')) return { doc, raw: undefined, problems: problems.done() };
  if (!validateSchema(raw)) {
    for (const error of validateSchema.errors ?? []) {
      if (problems.full) break;
      const problem = problemFromAjv(doc, error);
      if (problem) problems.add(problem);
    }
  }
  if (problems.hasError) return { doc, raw, problems: problems.done(), partial: partialConfig(raw as Record<string, unknown>, problems.done()) };
  const config = resolveDefaults(raw as Record<string, unknown>);
  const tooLong = stepBoundProblem(doc, config);
  if (tooLong) {
    const all = [...problems.done(), tooLong];
    return { doc, raw, problems: all, partial: partialConfig(raw as Record<string, unknown>, all) };
  }
  return { doc, raw, problems: problems.done(), config };
}

/** Problems deduplicated by (code, place, message); the analysis stops adding once there are more than shown. */
class ProblemList {
  private readonly list: ConfigProblem[] = [];
  private readonly seen = new Set<string>();
  hasError = false;

  get size(): number { return this.list.length; }
  get full(): boolean { return this.list.length > MAX_PROBLEMS; }

  add(problem: ConfigProblem): void {
    const key = `${problem.code}\u0000${problem.range[0]}\u0000${problem.message}`;
    if (this.full || this.seen.has(key)) return;
    this.seen.add(key);
    if (problem.severity === 'error') this.hasError = true;
    this.list.push(problem);
  }

  done(): ConfigProblem[] {
    return capProblems(this.list);
  }
}

/**
 * What JSON Schema cannot say about YAML values: numbers must be finite (.inf and .nan are YAML
 * numbers), and keys short enough to be names. Iterative: a deeply nested value does not recurse.
 */
function rawValueProblems(doc: Document.Parsed, raw: object): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  type Visit = { value: unknown; path: (string | number)[] } | { leave: object };
  const stack: Visit[] = [{ value: raw, path: [] }];
  // An alias inside its own anchor makes toJS build a cycle; an alias used twice shares a subtree.
  const onPath = new Set<object>();
  const checked = new Set<object>();
  while (stack.length > 0 && problems.length < MAX_PROBLEMS) {
    const visit = stack.pop()!;
    if ('leave' in visit) {
      onPath.delete(visit.leave);
      checked.add(visit.leave);
      continue;
    }
    const { value, path } = visit;
    if (typeof value === 'number' && !Number.isFinite(value)) {
      problems.push({ code: 'invalid-value', severity: 'error', message: `\`${path.join('.')}\` must be a finite number; got ${value}.`, path, range: valueRange(doc, path) });
    }
    if (value === null || typeof value !== 'object' || checked.has(value)) continue;
    if (onPath.has(value)) {
      return [{ code: 'yaml-syntax', severity: 'error', message: `YAML: \`${path.join('.')}\` is an alias of a value that contains it (a cycle); a config is a tree.`, path: [], range: firstAliasRange(doc) }];
    }
    onPath.add(value);
    stack.push({ leave: value });
    if (Array.isArray(value)) {
      value.forEach((item, i) => stack.push({ value: item, path: [...path, i] }));
      continue;
    }
    for (const [key, item] of Object.entries(value)) {
      if (key.length > MAX_KEY_LENGTH) {
        problems.push({ code: 'invalid-value', severity: 'error', message: `A key of ${key.length} characters in ${path.join('.') || '(top level)'}; keys are names of at most ${MAX_KEY_LENGTH} characters.`, path: [...path, key], range: keyRange(doc, [...path, key]) });
      } else {
        stack.push({ value: item, path: [...path, key] });
      }
    }
  }
  return problems;
}

/** The run must fit in MAX_TOTAL_STEPS steps: epochs × multiplier × steps per epoch. */
function stepBoundProblem(doc: Document.Parsed, config: RiglConfig): ConfigProblem | undefined {
  const { totalSteps } = stepCounts(datasetFacts(config.dataset).trainSize, config.training);
  if (totalSteps <= MAX_TOTAL_STEPS) return undefined;
  const candidates = [['training', 'epochs'], ['training', 'multiplier'], ['training', 'batch_size'], ['training'], ['dataset']];
  const path = candidates.find((p) => doc.hasIn(p)) ?? [];
  return {
    code: 'out-of-range', severity: 'error', path, range: path.length ? valueRange(doc, path) : [0, 1],
    message: `This run would take ${totalSteps.toExponential(2)} optimizer steps (epochs × multiplier × steps per epoch); the most a run may take is 2^40 = ${MAX_TOTAL_STEPS}. Lower training.epochs or training.multiplier.`,
    data: { totalSteps, maxSteps: MAX_TOTAL_STEPS },
  };
}

/** The range of the first key that is a collection (`? [a, b]`): JavaScript objects cannot hold it. */
function firstCollectionKey(doc: Document.Parsed): [number, number] | undefined {
  let range: [number, number] | undefined;
  visit(doc, { Pair(_key, pair) {
    if (!isCollection(pair.key)) return undefined;
    const r = (pair.key as YamlNode).range;
    range = r ? [r[0], Math.max(r[0] + 1, r[1])] : [0, 1];
    return visit.BREAK;
  } });
  return range;
}

/** Where the first alias of the document is: the likely culprit of an alias error. */
function firstAliasRange(doc: Document.Parsed): [number, number] {
  let range: [number, number] = [0, 1];
  visit(doc, { Alias(_key, node) {
    if (node.range) range = [node.range[0], Math.max(node.range[1], node.range[0] + 1)];
    return visit.BREAK;
  } });
  return range;
}

/** The config without its invalid values (they take their defaults) and where those were. */
function partialConfig(raw: Record<string, unknown>, problems: readonly ConfigProblem[]): ConfigAnalysis['partial'] {
  const cleaned = structuredClone(raw);
  const invalid: KeyPath[] = [];
  for (const problem of problems) {
    if (problem.severity !== 'error') continue;
    // An unknown key is read by nothing: dropping it leaves every other value valid.
    if (problem.code === 'unknown-key') { removeAt(cleaned, problem.path); continue; }
    if (problem.code === 'missing-key') { invalid.push([...problem.path, String(problem.data?.key)]); continue; }
    invalid.push(problem.path);
    removeAt(cleaned, problem.path);
  }
  // A value that had to go may have been a whole section; what is left still has to resolve.
  try {
    return { config: resolveDefaults(cleaned), invalid };
  } catch {
    return undefined;
  }
}

function removeAt(target: unknown, path: readonly (string | number)[]): void {
  if (path.length === 0) return;
  let node = target;
  for (const key of path.slice(0, -1)) {
    if (node === null || typeof node !== 'object') return;
    node = (node as Record<string | number, unknown>)[key];
  }
  if (node !== null && typeof node === 'object') delete (node as Record<string | number, unknown>)[path[path.length - 1]];
}

/** Fill every default of the schema, then the defaults that depend on other values. */
export function resolveDefaults(raw: Record<string, unknown>): RiglConfig {
  const filled = fillDefaults(RIGL_CONFIG_SCHEMA, structuredClone(raw)) as Record<string, any>;
  // A run's config never holds a sweep: the sweep section describes many runs (server/sweeps/).
  delete filled.sweep;
  const sparsity = filled.sparsity;
  if (sparsity.dense_first_layer === undefined) sparsity.dense_first_layer = sparsity.distribution === 'uniform';
  if (filled.name === undefined) filled.name = `${filled.model}-${filled.dataset.name}-${sparsity.method}`;
  return filled as RiglConfig;
}

function fillDefaults(schema: SchemaNode, value: unknown): unknown {
  if (schema.type !== 'object' || !schema.properties) return value;
  const target = (value ?? {}) as Record<string, unknown>;
  for (const [key, child] of Object.entries(schema.properties)) {
    if (target[key] === undefined) {
      if (child.default !== undefined) target[key] = structuredClone(child.default);
      // An optional section with required keys (`reference`) stays absent: it has no default.
      else if (child.type === 'object' && child.properties && !child.required?.length) target[key] = fillDefaults(child, {});
    } else if (child.type === 'object') {
      target[key] = fillDefaults(child, target[key]);
    }
  }
  return target;
}

function problemFromAjv(doc: Document.Parsed, error: ErrorObject): ConfigProblem | undefined {
  const path = error.instancePath.split('/').slice(1).map(decodePointer);
  const where = path.join('.') || '(top level)';
  const schema = schemaAt(path);
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(error.params.additionalProperty);
      if (key.length > MAX_KEY_LENGTH) return undefined; // reported by rawValueProblems
      const valid = Object.keys(schema?.properties ?? {});
      const suggestion = nearest(key, valid);
      const hint = suggestion ? ` Did you mean \`${suggestion}\`?` : valid.length ? ` Valid keys: ${valid.join(', ')}.` : '';
      return { code: 'unknown-key', severity: 'error', message: `Unknown key \`${clip(key)}\` in ${where}.${hint}`, path: [...path, key], range: keyRange(doc, [...path, key]), data: { key, suggestion, valid } };
    }
    case 'required': {
      const key = String(error.params.missingProperty);
      const child = schemaAt([...path, key]);
      return { code: 'missing-key', severity: 'error', message: `Missing required key \`${key}\` in ${where}.`, path, range: path.length ? keyRange(doc, path) : [0, 0], data: { key, insert: exampleValue(child) } };
    }
    case 'type':
      return { code: 'wrong-type', severity: 'error', message: `\`${where}\` must be ${article(String(error.params.type))}; got ${describe(doc, path)}.`, path, range: valueRange(doc, path), data: { expected: error.params.type } };
    case 'enum': {
      const allowed = (schema?.enum ?? []).map(String);
      const got = String(doc.getIn(path));
      const suggestion = nearest(got, allowed);
      return { code: 'invalid-enum', severity: 'error', message: `\`${clip(got)}\` is not a valid ${where}. Valid values: ${allowed.join(', ')}.${suggestion ? ` Did you mean \`${suggestion}\`?` : ''}`, path, range: valueRange(doc, path), data: { allowed, suggestion } };
    }
    case 'minimum': case 'maximum': case 'exclusiveMinimum': case 'exclusiveMaximum':
      return rangeProblem(doc, path, schema ?? {});
    case 'minLength':
      return { code: 'invalid-value', severity: 'error', message: `\`${where}\` must not be empty.`, path, range: valueRange(doc, path) };
    default:
      return { code: 'invalid-value', severity: 'error', message: `\`${where}\` ${error.message ?? 'is invalid'}.`, path, range: valueRange(doc, path) };
  }
}

function rangeProblem(doc: Document.Parsed, path: (string | number)[], schema: SchemaNode): ConfigProblem {
  const lowInclusive = schema.minimum !== undefined;
  const low = schema.minimum ?? schema.exclusiveMinimum;
  const highInclusive = schema.maximum !== undefined;
  const high = schema.maximum ?? schema.exclusiveMaximum;
  const interval = rangeText(schema) ?? '(−∞, ∞)';
  const value = Number(doc.getIn(path));
  // The nearest allowed value: the bound itself, or a step inside an exclusive bound.
  let clampTo = value;
  if (low !== undefined && (value < low || (!lowInclusive && value <= low))) clampTo = lowInclusive ? low : schema.type === 'integer' ? low + 1 : nudge(low, +1);
  if (high !== undefined && (value > high || (!highInclusive && value >= high))) clampTo = highInclusive ? high : schema.type === 'integer' ? high - 1 : nudge(high, -1);
  return { code: 'out-of-range', severity: 'error', message: `\`${path.join('.')}\` = ${value} is outside ${interval}.`, path, range: valueRange(doc, path), data: { min: low, max: high, lowInclusive, highInclusive, clampTo } };
}

/** A value just inside an exclusive bound that reads well: 1 → 0.99, 0 → 0.01. */
function nudge(bound: number, direction: 1 | -1): number {
  const step = bound === 0 ? 0.01 : Math.abs(bound) * 0.01;
  return Number((bound + direction * step).toPrecision(6));
}

function exampleValue(schema: SchemaNode | undefined): unknown {
  if (!schema) return '';
  if (schema.default !== undefined) return schema.default;
  if (schema.enum) return schema.enum[0];
  if (schema.type === 'object') return Object.fromEntries((schema.required ?? []).map((k) => [k, exampleValue(schema.properties?.[k])]));
  return schema.type === 'number' || schema.type === 'integer' ? 0 : '';
}

function describe(doc: Document.Parsed, path: (string | number)[]): string {
  const value = doc.getIn(path, true) as YamlNode | undefined;
  if (isMap(value)) return 'a mapping';
  if (isSeq(value)) return 'a list';
  if (isScalar(value)) return value.value === null ? 'nothing' : `${typeof value.value} \`${clip(String(value.value))}\``;
  return 'nothing';
}

function article(type: string): string {
  return { object: 'a mapping', array: 'a list', integer: 'an integer', number: 'a number', string: 'a string', boolean: 'true or false' }[type] ?? type;
}

/** Offsets of the value at a path; falls back to the nearest existing ancestor. */
export function valueRange(doc: Document.Parsed, path: readonly (string | number)[]): [number, number] {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = doc.getIn(path.slice(0, depth), true) as YamlNode | undefined;
    if (node && typeof node === 'object' && 'range' in node && node.range) {
      return depth === path.length ? [node.range[0], Math.max(node.range[1], node.range[0] + 1)] : keyRange(doc, path.slice(0, depth));
    }
  }
  return [0, 0];
}

/** Offsets of the key of the pair at a path (the last element); [0, 0] for the root. */
export function keyRange(doc: Document.Parsed, path: readonly (string | number)[]): [number, number] {
  if (path.length === 0) return [0, 0];
  const parent = path.length === 1 ? doc.contents : doc.getIn(path.slice(0, -1), true);
  const last = path[path.length - 1];
  if (isMap(parent)) {
    const key = pairIn(parent, last)?.key;
    if (key?.range) return [key.range[0], key.range[1]];
  }
  return valueRange(doc, path.slice(0, -1));
}

function decodePointer(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** The first line of a parser message, cut to a readable length (yaml quotes the offending token whole). */
function firstLine(message: string): string {
  return clip(message.split('\n')[0], 200);
}
