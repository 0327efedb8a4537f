// Quick fixes for config diagnostics. Each reads only the diagnostic (its code, range and the
// `data` the check attached), never re-runs the checks.
import type { CodeAction, Diagnostic, TextEdit } from 'vscode-languageserver-types';
import { stringify } from 'yaml';
import { insertKeyEdit, removePairEdit } from './yaml-edits.js';

interface Fix {
  title: string;
  edit: TextEdit;
}

type FixBuilder = (text: string, diagnostic: Diagnostic, data: Record<string, unknown>) => Fix | undefined;

const scalarText = (value: unknown) => (typeof value === 'string' ? value : stringify(value).trimEnd());

const replaceWithSuggestion = (title: (value: string) => string): FixBuilder => (_text, diagnostic, data) => {
  if (data.suggestion === undefined || data.suggestion === null) return undefined;
  const value = scalarText(data.suggestion);
  return { title: title(value), edit: { range: diagnostic.range, newText: value } };
};

const addKey: FixBuilder = (text, _diagnostic, data) => {
  if (typeof data.key !== 'string' || !Array.isArray(data.path)) return undefined;
  const edit = insertKeyEdit(text, data.path as (string | number)[], data.key, data.insert ?? '');
  const shown = typeof data.insert === 'object' && data.insert !== null ? '…' : scalarText(data.insert ?? '');
  return edit && { title: `Add \`${data.key}: ${shown}\``, edit };
};

/** Replace the value with data.clampTo, the nearest value that means what it says. */
const clampToData: FixBuilder = (_text, diagnostic, data) => {
  if (typeof data.clampTo !== 'number' || !Number.isFinite(data.clampTo)) return undefined;
  return { title: `Clamp to ${data.clampTo}`, edit: { range: diagnostic.range, newText: String(data.clampTo) } };
};

const FIXES: Record<string, FixBuilder> = {
  'unknown-key': replaceWithSuggestion((key) => `Change to \`${key}\``),
  'invalid-enum': replaceWithSuggestion((value) => `Change to \`${value}\``),
  'override-matches-nothing': replaceWithSuggestion((layer) => `Change to \`${layer}\``),
  'backend-unavailable': replaceWithSuggestion((backend) => `Use \`backend: ${backend}\``),
  'memory-exceeds-backend': replaceWithSuggestion((batch) => `Set \`batch_size: ${batch}\``),
  'out-of-range': clampToData,
  'value-capped': clampToData,
  'missing-key': addKey,
  'dataset-path-required': addKey,
  'ignored-setting': (text, _diagnostic, data) => {
    if (!Array.isArray(data.path)) return undefined;
    const edit = removePairEdit(text, data.path as (string | number)[]);
    return edit && { title: `Remove \`${data.path.join('.')}\``, edit };
  },
};

export function codeActions(text: string, uri: string, diagnostics: readonly Diagnostic[]): CodeAction[] {
  const actions: CodeAction[] = [];
  for (const diagnostic of diagnostics) {
    const build = typeof diagnostic.code === 'string' ? FIXES[diagnostic.code] : undefined;
    const data = diagnostic.data;
    if (!build || typeof data !== 'object' || data === null) continue;
    const fix = build(text, diagnostic, data as Record<string, unknown>);
    if (!fix) continue;
    actions.push({ title: fix.title, kind: 'quickfix', diagnostics: [diagnostic], edit: { changes: { [uri]: [fix.edit] } }, isPreferred: true });
  }
  return actions;
}
