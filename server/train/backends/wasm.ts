// The WebAssembly backend: finds its .wasm binaries (next to the bundle, or in node_modules for
// tests and development), installs the missing training kernels, and activates it.
import * as tf from '@tensorflow/tfjs-core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { existsSync } from 'node:fs';
import { dirname, join, parse } from 'node:path';
import { registerWasmTrainingKernels } from '../wasm-kernels/index.js';
import { available, errorText, unavailable, type LoadOutcome } from './types.js';

const SIMD_BINARY = 'tfjs-backend-wasm-simd.wasm';
const PLAIN_BINARY = 'tfjs-backend-wasm.wasm';
const PACKAGE_DIST = join('node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist');

interface WasmLocation {
  dir?: string;
  simd: boolean;
  searched: string[];
}

/**
 * Directories that may hold the binaries: the bundle's own directory and its ancestors (esbuild
 * copies them into dist/, and tests run from dist/test/unit/), each ancestor's node_modules copy,
 * the installed package's dist/, and the working directory's.
 */
export function wasmSearchDirs(startDir: string = __dirname): string[] {
  const dirs: string[] = [];
  for (let dir = startDir; ; dir = dirname(dir)) {
    dirs.push(dir, join(dir, PACKAGE_DIST));
    if (dir === parse(dir).root) break;
  }
  try {
    dirs.push(dirname(require.resolve('@tensorflow/tfjs-backend-wasm')));
  } catch {
    // Not resolvable from here (an installed extension has no node_modules): the bundle dir serves.
  }
  dirs.push(join(process.cwd(), 'dist'), join(process.cwd(), PACKAGE_DIST));
  return [...new Set(dirs)];
}

async function locateBinaries(): Promise<WasmLocation> {
  const simd = await hasSimd();
  const binary = simd ? SIMD_BINARY : PLAIN_BINARY;
  const searched = wasmSearchDirs();
  return { dir: searched.find((dir) => existsSync(join(dir, binary))), simd, searched };
}

async function hasSimd(): Promise<boolean> {
  try {
    return Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
  } catch {
    return false;
  }
}

function describe(location: WasmLocation, threads: boolean): string {
  return `${location.simd ? 'SIMD' : 'no SIMD'}, ${threads ? 'multi-threaded' : 'single thread'}`;
}

function notFound(location: WasmLocation): LoadOutcome {
  const binary = location.simd ? SIMD_BINARY : PLAIN_BINARY;
  return unavailable(`${binary} not found; looked in ${location.searched.join(', ')}`,
    'rebuild with `node esbuild.mjs` (it copies the .wasm files into dist/) or reinstall @tensorflow/tfjs-backend-wasm');
}

export async function probeWasm(): Promise<LoadOutcome> {
  if (typeof WebAssembly !== 'object') return unavailable('this runtime has no WebAssembly', 'use Node 20 or later');
  const location = await locateBinaries();
  const dir = activatedFrom ?? location.dir;
  return dir ? available(`${describe(location, false)}, binaries in ${dir}`) : notFound(location);
}

let activatedFrom: string | undefined;

export async function activateWasm(): Promise<LoadOutcome> {
  const location = await locateBinaries();
  if (!activatedFrom) {
    if (!location.dir) return notFound(location);
    // The path is read when the backend initialises, once per process.
    setWasmPaths(location.dir.endsWith('/') ? location.dir : `${location.dir}/`);
    activatedFrom = location.dir;
  }
  registerWasmTrainingKernels();
  let ok = false;
  try {
    ok = await tf.setBackend('wasm');
  } catch (error) {
    return unavailable(`the wasm backend failed to initialise from ${activatedFrom} (${errorText(error)})`, 'reinstall @tensorflow/tfjs-backend-wasm');
  }
  if (!ok) return unavailable(`the wasm backend failed to initialise from ${activatedFrom} (see the log above)`, 'reinstall @tensorflow/tfjs-backend-wasm');
  const threads = Boolean(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'));
  return available(describe(location, threads));
}
