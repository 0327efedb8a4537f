// The WebGPU backend in Node: Dawn's bindings from the optional `webgpu` npm package provide
// navigator.gpu, then @tensorflow/tfjs-backend-webgpu runs on it. Needs a Vulkan driver.
import * as tf from '@tensorflow/tfjs-core';
import { existsSync } from 'node:fs';
import { available, errorText, isModuleMissing, unavailable, type LoadOutcome } from './types.js';

const REMEDY = "WebGPU needs the 'webgpu' npm package (Dawn) and a GPU with a Vulkan driver (libvulkan1 and the vendor's ICD, e.g. NVIDIA's driver)";
const ADAPTER_TIMEOUT_MS = 10_000;

interface DawnModule {
  create(flags: string[]): GpuLike;
  globals: Record<string, unknown>;
}
interface GpuLike {
  requestAdapter(options?: unknown): Promise<AdapterLike | null>;
}
interface AdapterLike {
  isFallbackAdapter?: boolean;
  info?: { vendor?: string; architecture?: string; description?: string; isFallbackAdapter?: boolean };
}

/** Vulkan drivers that emulate a GPU on the CPU: slower than the wasm backend. */
const SOFTWARE_ADAPTER = /llvmpipe|lavapipe|swiftshader/i;

let gpuProbe: Promise<{ outcome: LoadOutcome; gpu?: GpuLike; dawn?: DawnModule }> | undefined;

/** Loads Dawn and asks for an adapter once per process (Dawn instances are costly and global). */
function findAdapter(): Promise<{ outcome: LoadOutcome; gpu?: GpuLike; dawn?: DawnModule }> {
  gpuProbe ??= (async () => {
    let dawn: DawnModule;
    try {
      // `webgpu` is an ES module; import() works from the CommonJS bundles (it is external).
      dawn = (await import('webgpu')) as unknown as DawnModule;
    } catch (error) {
      const reason = isModuleMissing(error, 'webgpu') ? "the 'webgpu' package (Dawn) is not installed" : `Dawn failed to load (${errorText(error)})`;
      return { outcome: unavailable(reason, REMEDY) };
    }
    try {
      const gpu = dawn.create([]);
      const adapter = await withTimeout(gpu.requestAdapter({ powerPreference: 'high-performance' }), ADAPTER_TIMEOUT_MS);
      if (!adapter) return { outcome: unavailable(`no GPU adapter (${whyNoAdapter()})`, REMEDY) };
      const info = adapter.info;
      const name = [info?.vendor, info?.architecture, info?.description].filter(Boolean).join(' ') || 'GPU adapter found';
      if (adapter.isFallbackAdapter || info?.isFallbackAdapter || SOFTWARE_ADAPTER.test(name)) {
        return { outcome: unavailable(`only a software (CPU) adapter: ${name}`, REMEDY) };
      }
      return { outcome: available(name), gpu, dawn };
    } catch (error) {
      return { outcome: unavailable(`no GPU adapter (${errorText(error)})`, REMEDY) };
    }
  })();
  return gpuProbe;
}

function whyNoAdapter(): string {
  const libDirs = ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib64', '/usr/lib', '/usr/local/lib'];
  if (process.platform === 'linux' && !libDirs.some((dir) => existsSync(`${dir}/libvulkan.so.1`))) return 'libvulkan.so.1 is not installed';
  return 'Dawn found no usable Vulkan device';
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`requestAdapter did not answer within ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export async function probeWebgpu(): Promise<LoadOutcome> {
  return (await findAdapter()).outcome;
}

export async function activateWebgpu(): Promise<LoadOutcome> {
  const { outcome, gpu, dawn } = await findAdapter();
  if (!outcome.ok || !gpu || !dawn) return outcome;
  // tfjs-backend-webgpu registers itself only if navigator.gpu exists when it is imported.
  Object.assign(globalThis, dawn.globals);
  const nav = (globalThis as { navigator?: object }).navigator;
  if (nav) Object.defineProperty(nav, 'gpu', { value: gpu, configurable: true });
  else Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  try {
    await import('@tensorflow/tfjs-backend-webgpu');
  } catch (error) {
    return unavailable(`@tensorflow/tfjs-backend-webgpu failed to load (${errorText(error)})`, REMEDY);
  }
  if (!tf.findBackendFactory('webgpu')) return unavailable('@tensorflow/tfjs-backend-webgpu did not register (it was imported before navigator.gpu existed)', REMEDY);
  if (!(await tf.setBackend('webgpu'))) return unavailable(`the adapter (${outcome.reason}) was found but the backend failed to initialise`, REMEDY);
  return available(outcome.reason);
}
