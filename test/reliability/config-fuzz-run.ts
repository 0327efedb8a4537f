// One config-fuzzer pass over the pure config language: every generated text goes through every
// feature (analysis, diagnostics, outline, completion, hover, lenses, quick fixes, --set loading),
// and each answer is checked against the invariants. Shared by the reliability test and the bench.
import type { Diagnostic } from 'vscode-languageserver-types';
import { analyzeConfigText } from '../../server/config/resolve.js';
import { configDiagnostics } from '../../server/config/diagnostics.js';
import { documentSymbols } from '../../server/config/symbols.js';
import { complete } from '../../server/config/complete.js';
import { hover } from '../../server/config/hover.js';
import { codeLenses } from '../../server/config/lens.js';
import { codeActions } from '../../server/config/actions.js';
import { ConfigError, resolveConfigText } from '../../server/config/load.js';
import type { ConfigEnvironment } from '../../server/config/environment.js';
import { ConfigGenerator } from './config-generator.js';

/** Diagnostics messages longer than this quote something they should not (a whole key, a file). */
export const MAX_MESSAGE_CHARS = 2_000;

export const FUZZ_ENV: ConfigEnvironment = {
  fileExists: (path) => !path.includes('missing'),
  backends: [
    { name: 'tensorflow', available: false, reason: 'not installed' },
    { name: 'webgpu', available: false, reason: 'no adapter' },
    { name: 'wasm', available: true, reason: 'SIMD' },
    { name: 'cpu', available: true, reason: 'JavaScript' },
  ],
};

export interface FuzzCounts {
  configs: number;
  calls: number;
  /** Configs whose analysis resolved (no errors), i.e. that reached the planner and validators. */
  resolved: number;
  byKind: Record<string, number>;
  /** The slowest single call, for the bench's figures (never asserted). */
  slowestMs: number;
  slowestKind: string;
  /** Milliseconds spent per kind/feature, for the bench (never asserted). */
  msByFeature: Record<string, number>;
}

export interface FuzzFailure { index: number; kind: string; feature: string; problem: string; text: string }

/** Checks that hold for every answer; returns what broke. */
function checkDiagnostics(text: string, diagnostics: Diagnostic[]): string | undefined {
  if (!Array.isArray(diagnostics)) return 'diagnostics is not a list';
  const lines = text.split('\n').length;
  for (const d of diagnostics) {
    if (typeof d.message !== 'string' || d.message.length === 0) return 'a diagnostic without a message';
    if (d.message.length > MAX_MESSAGE_CHARS) return `a diagnostic message of ${d.message.length} characters`;
    if (d.range.start.line > d.range.end.line || d.range.end.line >= lines + 1) return `a range outside the text: ${JSON.stringify(d.range)}`;
  }
  return undefined;
}

/**
 * Runs `count` generated configs; `onConfig` is told before each one (the test's watchdog names
 * the config that hangs). Exceptions and broken invariants become failures, never throws.
 */
export function runConfigFuzz(seed: number, count: number, repoRoot: string, onConfig: (index: number, kind: string) => void = () => undefined): { counts: FuzzCounts; failures: FuzzFailure[] } {
  const generator = new ConfigGenerator(seed, repoRoot);
  const counts: FuzzCounts = { configs: 0, calls: 0, resolved: 0, byKind: {}, slowestMs: 0, slowestKind: '', msByFeature: {} };
  const failures: FuzzFailure[] = [];
  for (let index = 0; index < count; index++) {
    const { kind, text } = generator.next();
    onConfig(index, kind);
    counts.configs++;
    counts.byKind[kind] = (counts.byKind[kind] ?? 0) + 1;
    const call = <T>(feature: string, compute: () => T, check: (value: T) => string | undefined = () => undefined): T | undefined => {
      counts.calls++;
      const began = performance.now();
      try {
        const value = compute();
        const problem = check(value);
        if (problem) failures.push({ index, kind, feature, problem, text: text.slice(0, 300) });
        return value;
      } catch (error) {
        failures.push({ index, kind, feature, problem: `threw ${error instanceof Error ? error.stack ?? error.message : String(error)}`, text: text.slice(0, 300) });
        return undefined;
      } finally {
        const ms = performance.now() - began;
        counts.msByFeature[`${kind}/${feature}`] = (counts.msByFeature[`${kind}/${feature}`] ?? 0) + ms;
        if (ms > counts.slowestMs) { counts.slowestMs = ms; counts.slowestKind = `${kind}/${feature}`; }
      }
    };
    const analysis = call('analyze', () => analyzeConfigText(text), (a) => (a.config || a.problems.some((p) => p.severity === 'error') ? undefined : 'neither a config nor an error'));
    if (analysis?.config) counts.resolved++;
    const diagnostics = call('diagnostics', () => configDiagnostics(text, FUZZ_ENV), (d) => checkDiagnostics(text, d)) ?? [];
    call('symbols', () => documentSymbols(text));
    for (let i = 0; i < 2; i++) {
      const position = generator.position(text);
      call('completion', () => complete(text, position));
      call('hover', () => hover(text, position));
    }
    call('lenses', () => codeLenses(text));
    call('actions', () => codeActions(text, 'file:///fuzz.rigl.yaml', diagnostics));
    call('load', () => {
      try {
        resolveConfigText(text, 'fuzz.rigl.yaml', ['training.seed=1']);
        return undefined;
      } catch (error) {
        // A bad config is a ConfigError with a readable message; anything else is a bug.
        if (!(error instanceof ConfigError)) throw error;
        return error.message.length > 0 ? undefined : 'an empty ConfigError';
      }
    }, (problem) => problem);
  }
  return { counts, failures };
}
