// Validation of a run directory's files against the JSON Schemas generated at build time from
// server/protocol.ts (dist/schemas/, see esbuild.mjs): what tests check every engine's output with.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import { RUN_FILES } from './store.js';

export const RUN_SCHEMA_FILES = { event: 'run-event.schema.json', summary: 'run-summary.schema.json', plan: 'run-plan.schema.json' } as const;

export type RunFileKind = keyof typeof RUN_SCHEMA_FILES;

/** dist/schemas next to a dist/*.js bundle, or two folders up from a test bundle (dist/test/<tier>/). */
export function runSchemaFolder(bundleFolder = __dirname): string {
  const candidates = [join(bundleFolder, 'schemas'), join(bundleFolder, '..', '..', 'schemas')];
  const found = candidates.find((folder) => existsSync(join(folder, RUN_SCHEMA_FILES.plan)));
  if (!found) throw new Error(`no generated run schemas in ${candidates.join(' or ')}; run node esbuild.mjs`);
  return found;
}

export class RunSchemas {
  private readonly validators: Record<RunFileKind, ValidateFunction>;

  constructor(folder = runSchemaFolder()) {
    const ajv = new Ajv({ allErrors: true, strict: false });
    const compile = (kind: RunFileKind) => ajv.compile(JSON.parse(readFileSync(join(folder, RUN_SCHEMA_FILES[kind]), 'utf8')));
    this.validators = { event: compile('event'), summary: compile('summary'), plan: compile('plan') };
  }

  /** Problems of one value ("/loss must be number"); empty when it is valid. */
  check(kind: RunFileKind, value: unknown): string[] {
    const validate = this.validators[kind];
    if (validate(value)) return [];
    return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}${e.params && 'additionalProperty' in e.params ? ` (${String(e.params.additionalProperty)})` : ''}`);
  }

  /** Every problem of a run directory's plan.json, summary.json and events.jsonl lines, each prefixed with its file (and line). */
  checkRunDirectory(dir: string): string[] {
    const problems: string[] = [];
    const json = (file: string, kind: RunFileKind) => {
      let value: unknown;
      try {
        value = JSON.parse(readFileSync(join(dir, file), 'utf8'));
      } catch (error) {
        problems.push(`${file}: ${error instanceof Error ? error.message : String(error)}`);
        return;
      }
      for (const problem of this.check(kind, value)) problems.push(`${file}: ${problem}`);
    };
    json(RUN_FILES.plan, 'plan');
    json(RUN_FILES.summary, 'summary');
    let lines: string[] = [];
    try {
      lines = readFileSync(join(dir, RUN_FILES.events), 'utf8').split('\n');
    } catch (error) {
      problems.push(`${RUN_FILES.events}: ${error instanceof Error ? error.message : String(error)}`);
    }
    lines.forEach((line, index) => {
      if (!line.trim()) return;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        problems.push(`${RUN_FILES.events}:${index + 1}: not JSON`);
        return;
      }
      for (const problem of this.check('event', value)) problems.push(`${RUN_FILES.events}:${index + 1}: ${problem}`);
    });
    return problems;
  }
}
