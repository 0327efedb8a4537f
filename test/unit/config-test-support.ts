// Shared by the config-language tests: fixture and example files, the injected environments,
// and applying a code action's edits like an editor would.
import { readdirSync, readFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import type { CodeAction } from 'vscode-languageserver-types';
import type { ConfigEnvironment } from '../../server/config/environment.js';
import { applyTextEdits } from '../../server/config/lsp-range.js';
import type { Position } from '../../server/config/positions.js';

export const root = join(__dirname, '..', '..', '..');
export const fixturesDir = join(root, 'test', 'fixtures', 'configs');
export const URI = 'file:///work/test.rigl.yaml';

export function fixture(name: string): string {
  return readFileSync(join(fixturesDir, `${name}.rigl.yaml`), 'utf8');
}

/** Every shipped example, `file` relative to examples/ (paper/…, seed/…). */
export function examples(): { file: string; text: string }[] {
  const dir = join(root, 'examples');
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.rigl.yaml')).sort()
    .map((file) => ({ file: file.split(sep).join('/'), text: readFileSync(join(dir, file), 'utf8') }));
}

/** A machine without a GPU backend, where paths containing "missing" do not exist. */
export const CPU_ONLY_ENV: ConfigEnvironment = {
  fileExists: (path) => !path.includes('missing'),
  backends: [
    { name: 'tensorflow', available: false, reason: 'libtensorflow 2.9.1 is not installed' },
    { name: 'webgpu', available: false, reason: 'no Vulkan driver' },
    { name: 'wasm', available: true, reason: 'WebAssembly with SIMD' },
    { name: 'cpu', available: true, reason: 'pure JavaScript' },
  ],
};

export function applyAction(text: string, action: CodeAction): string {
  return applyTextEdits(text, action.edit?.changes?.[URI] ?? []);
}

/** The position of the n-th occurrence of `needle` in text, plus `delta` characters. */
export function positionOf(text: string, needle: string, delta = 0, occurrence = 0): Position {
  let offset = -1;
  for (let i = 0; i <= occurrence; i++) {
    offset = text.indexOf(needle, offset + 1);
    if (offset < 0) throw new Error(`"${needle}" not found`);
  }
  const before = text.slice(0, offset + delta).split('\n');
  return { line: before.length - 1, character: before[before.length - 1].length };
}
