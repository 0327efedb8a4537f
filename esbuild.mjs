// Builds everything that runs: dist/{cli,server,trainer,extension}.js (Node, cjs), the dashboard
// webview (browser iife) and the TypeScript tests (dist/test, packages left external).
import * as esbuild from 'esbuild';
import { existsSync, mkdirSync, readdirSync, writeFileSync, copyFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

const watch = process.argv.includes('--watch');
// Native or optional packages are never bundled: they are loaded at run time only if present.
const nativeExternal = ['vscode', '@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node', 'webgpu', 'sharp'];

const nodeEntries = {
  cli: 'server/cli/main.ts',
  server: 'server/server.ts',
  trainer: 'server/runs/trainer-entry.ts',
  extension: 'extension/extension.ts',
};

function findFiles(dir, suffix) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'fixtures' ? [] : findFiles(path, suffix);
    return entry.name.endsWith(suffix) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

const builds = [];
const presentNode = Object.fromEntries(Object.entries(nodeEntries).filter(([, src]) => existsSync(src)));
if (Object.keys(presentNode).length) {
  builds.push({
    entryPoints: presentNode, outdir: 'dist', bundle: true, platform: 'node', format: 'cjs', target: 'node20',
    sourcemap: 'linked', external: nativeExternal, logLevel: 'warning',
  });
}
if (existsSync('media/dashboard/main.ts')) {
  builds.push({
    entryPoints: { dashboard: 'media/dashboard/main.ts', sweep: 'media/sweep/main.ts' }, outdir: 'dist/webview', bundle: true, platform: 'browser',
    format: 'iife', target: 'es2022', sourcemap: 'linked', logLevel: 'warning', loader: { '.css': 'css' },
  });
}
// Tests and benchmarks keep packages external so they share one tfjs instance with the code under test.
for (const [dir, suffix] of [['test', '.test.ts'], ['bench', '.ts']]) {
  const entries = findFiles(dir, suffix);
  if (!entries.length) continue;
  rmSync(join('dist', dir), { recursive: true, force: true });
  builds.push({
    entryPoints: entries, outdir: join('dist', dir), outbase: dir, outExtension: { '.js': '.cjs' }, bundle: true,
    platform: 'node', format: 'cjs', target: 'node20', sourcemap: 'inline', packages: 'external', logLevel: 'warning',
  });
}

mkdirSync('dist', { recursive: true });
// The JSON Schema for editors' yaml schema association, generated from the one TypeScript schema.
await esbuild.build({ entryPoints: ['server/config/schema.ts'], outfile: 'dist/.schema.cjs', bundle: true, platform: 'node', format: 'cjs', logLevel: 'warning' });
const { createRequire } = await import('node:module');
const schemaModule = createRequire(import.meta.url)('./dist/.schema.cjs');
writeFileSync('dist/rigl-config.schema.json', JSON.stringify(schemaModule.toJsonSchema(), null, 2) + '\n');
rmSync('dist/.schema.cjs');
await writeRunSchemas();

// The wasm backend loads its .wasm binaries from next to the bundle that uses it.
for (const file of ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm']) {
  const src = join('node_modules/@tensorflow/tfjs-backend-wasm/dist', file);
  if (existsSync(src)) copyFileSync(src, join('dist', file));
}

/**
 * JSON Schemas of the run directory's files (docs/engines.md), generated from the types in
 * server/protocol.ts so that they cannot drift from them; tests validate both engines' run
 * directories against them. Regenerated only when a file the types live in changed (~1.5 s).
 */
async function writeRunSchemas() {
  const folder = join('dist', 'schemas');
  const targets = { RunEvent: 'run-event.schema.json', RunSummary: 'run-summary.schema.json', RunPlan: 'run-plan.schema.json' };
  const sources = ['server/protocol.ts', 'server/config/types.ts', 'server/sparse/flops.ts', 'server/nn/spec.ts', 'esbuild.mjs'];
  const newest = Math.max(...sources.map((file) => statSync(file).mtimeMs));
  const fresh = Object.values(targets).every((name) => existsSync(join(folder, name)) && statSync(join(folder, name)).mtimeMs > newest);
  if (fresh) return;
  const { createGenerator } = await import('ts-json-schema-generator');
  const generator = createGenerator({ path: 'server/protocol.ts', tsconfig: 'tsconfig.json', type: '*', skipTypeCheck: true, expose: 'export', topRef: true, additionalProperties: false });
  mkdirSync(folder, { recursive: true });
  for (const [type, name] of Object.entries(targets)) {
    const schema = { ...generator.createSchema(type), $id: `rigl-studio://schema/${name.replace('.schema.json', '')}` };
    writeFileSync(join(folder, name), JSON.stringify(schema, null, 2) + '\n');
  }
}

if (watch) {
  for (const options of builds) await (await esbuild.context(options)).watch();
  console.log('esbuild: watching');
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
