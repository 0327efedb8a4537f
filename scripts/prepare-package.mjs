// Runs before `vsce package`: puts into dist/ what an installed extension needs beside its bundles
// and has no node_modules for — MNIST's IDX files, gzipped into dist/data/mnist/ (the list comes
// from server/data/mnist.ts, which also reads them back), and the pytorch engine's Python package
// in dist/engines/pytorch/ (server/runs/engines.ts looks there). Checks that the runtime files exist.
import * as esbuild from 'esbuild';
import { createRequire } from 'node:module';
import { cpSync, createReadStream, createWriteStream, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';

const RUNTIME_FILES = ['dist/extension.js', 'dist/server.js', 'dist/trainer.js', 'dist/cli.js', 'dist/webview/dashboard.js', 'dist/webview/dashboard.css', 'dist/rigl-config.schema.json'];
const missing = RUNTIME_FILES.filter((file) => !existsSync(file));
if (missing.length) {
  console.error(`prepare-package: missing ${missing.join(', ')}; run node esbuild.mjs first`);
  process.exit(1);
}

// The data module is TypeScript: bundle it to a temporary CommonJS file to ask it for the list.
const helper = 'dist/.packaged-files.cjs';
await esbuild.build({ entryPoints: ['server/data/mnist.ts'], outfile: helper, bundle: true, platform: 'node', format: 'cjs', packages: 'external', logLevel: 'warning' });
let files;
try {
  files = createRequire(import.meta.url)(`../${helper}`).packagedMnistFiles();
} finally {
  rmSync(helper, { force: true });
}

for (const { source, target, gzip } of files) {
  const destination = join('dist', target);
  // Unchanged sources are not compressed again (about 10 s for MNIST).
  if (existsSync(destination) && statSync(destination).mtimeMs >= statSync(source).mtimeMs) continue;
  mkdirSync(dirname(destination), { recursive: true });
  const partial = `${destination}.partial`;
  await pipeline(createReadStream(source), ...(gzip ? [createGzip({ level: 9 })] : []), createWriteStream(partial));
  renameSync(partial, destination);
}
const total = files.reduce((sum, { target }) => sum + statSync(join('dist', target)).size, 0);
console.log(`prepare-package: ${files.length} MNIST files in dist/data/mnist/ (${(total / 2 ** 20).toFixed(1)} MiB gzipped)`);

// The pytorch engine: its Python sources only (no tests, no caches), replaced as a whole.
const enginePackage = 'server/engines/pytorch/rigl_torch';
const engineTarget = 'dist/engines/pytorch/rigl_torch';
if (existsSync(enginePackage)) {
  rmSync('dist/engines', { recursive: true, force: true });
  let count = 0;
  cpSync(enginePackage, engineTarget, {
    recursive: true,
    filter: (source) => {
      if (source.includes('__pycache__')) return false;
      if (statSync(source).isDirectory()) return true;
      if (source.endsWith('.py')) count++;
      return source.endsWith('.py');
    },
  });
  console.log(`prepare-package: ${count} Python files of the pytorch engine in ${engineTarget}/`);
} else {
  console.log(`prepare-package: ${enginePackage} not found; the .vsix will have no pytorch engine`);
}
