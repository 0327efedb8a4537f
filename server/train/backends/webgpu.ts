// The WebGPU backend in Node: Dawn's bindings from the optional `webgpu` npm package provide
// navigator.gpu, then @tensorflow/tfjs-backend-webgpu runs on it. Needs a Vulkan driver.
import * as tf from '@tensorflow/tfjs-core';
import { existsSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { available, errorText, isModuleMissing, unavailable, type LoadOutcome } from './types.js';
import { createDevice, guardSynchronousReads, type GpuAdapterLike } from './webgpu-device.js';
import { registerBoundedAddN } from './webgpu-kernels.js';

const REMEDY = "WebGPU needs the 'webgpu' npm package (Dawn) and a GPU with a Vulkan driver (libvulkan1 and the vendor's ICD, e.g. NVIDIA's driver)";
const ADAPTER_TIMEOUT_MS = 10_000;
/** Why no adapter came back: findAdapter has already checked that the Vulkan loader is installed. */
const NO_VULKAN_DEVICE = 'Dawn found no usable Vulkan device';

interface DawnModule {
  create(flags: string[]): GpuLike;
  globals: Record<string, unknown>;
}
interface GpuLike {
  requestAdapter(options?: unknown): Promise<GpuAdapterLike | null>;
}

/** Vulkan drivers that emulate a GPU on the CPU: slower than the wasm backend. */
const SOFTWARE_ADAPTER = /llvmpipe|lavapipe|swiftshader/i;
/** Lets an explicit `backend: webgpu` use a software adapter (SwiftShader: the webgpu test tier). */
export const ALLOW_SOFTWARE_ENV = 'RIGL_WEBGPU_ALLOW_SOFTWARE';
const SOFTWARE_REMEDY = `${REMEDY}; to train on a software adapter anyway (tests), set ${ALLOW_SOFTWARE_ENV}=1 and choose backend: webgpu explicitly`;

export interface WebgpuRequest {
  /** backend: webgpu was asked for by name (auto never takes a software adapter). */
  explicit: boolean;
}

function softwareAllowed(request: WebgpuRequest): boolean {
  return request.explicit && process.env[ALLOW_SOFTWARE_ENV] === '1';
}

interface AdapterFound {
  outcome: LoadOutcome;
  /** Present when a usable adapter was found in this process (hardware, or software when allowed). */
  gpu?: GpuLike;
  dawn?: DawnModule;
  adapter?: GpuAdapterLike;
  software?: boolean;
}

const probes = new Map<boolean, Promise<AdapterFound>>();

/** Loads Dawn and asks for an adapter once per process and policy (Dawn instances are costly and global). */
function findAdapter(request: WebgpuRequest): Promise<AdapterFound> {
  const allowSoftware = softwareAllowed(request);
  let probe = probes.get(allowSoftware);
  if (!probe) {
    probe = searchAdapter(allowSoftware);
    probes.set(allowSoftware, probe);
  }
  return probe;
}

async function searchAdapter(allowSoftware: boolean): Promise<AdapterFound> {
  // Without the Vulkan loader Dawn can only fail, and it says so on stderr from native code:
  // skip it, so CPU-only machines get a clean reason and quiet output.
  if (!vulkanLoaderPresent()) return { outcome: unavailable('no GPU adapter (libvulkan.so.1 is not installed)', REMEDY) };
  // Dawn and the Vulkan drivers print to stderr from native code and can crash: ask a child
  // process first, and load Dawn here only when it found an adapter we may use.
  const probe = await probeAdapterInChild(allowSoftware);
  if (probe) return { outcome: probe };
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
    if (!adapter) return { outcome: unavailable(`no GPU adapter (${NO_VULKAN_DEVICE})`, REMEDY) };
    const info = adapter.info;
    const name = [info?.vendor, info?.architecture, info?.description].filter(Boolean).join(' ') || 'GPU adapter found';
    const software = Boolean(adapter.isFallbackAdapter || info?.isFallbackAdapter || SOFTWARE_ADAPTER.test(name));
    if (software && !allowSoftware) return { outcome: unavailable(`only a software (CPU) adapter: ${name}`, SOFTWARE_REMEDY) };
    const reason = software ? `software adapter ${name}, allowed by ${ALLOW_SOFTWARE_ENV}=1: the same shaders as a GPU, far slower` : name;
    return { outcome: available(reason), gpu, dawn, adapter, software };
  } catch (error) {
    return { outcome: unavailable(`no GPU adapter (${errorText(error)})`, REMEDY) };
  }
}

// Runs in a child: prints {name, software} of the adapter Dawn finds, or {error}. A fixed
// script, the package path its only argument (no shell, nothing from user input).
const CHILD_PROBE = `
const { pathToFileURL } = require('node:url');
import(pathToFileURL(process.argv[1]).href).then(async (dawn) => {
  const adapter = await dawn.create([]).requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) return console.log(JSON.stringify({ error: 'none' }));
  const info = adapter.info || {};
  const name = [info.vendor, info.architecture, info.description].filter(Boolean).join(' ');
  console.log(JSON.stringify({ name, fallback: Boolean(adapter.isFallbackAdapter || info.isFallbackAdapter) }));
  process.exit(0);
}).catch((e) => { console.log(JSON.stringify({ error: String(e && e.message || e) })); process.exit(0); });
`;

/** undefined when a usable adapter exists (go on in-process); otherwise why WebGPU is unavailable. */
async function probeAdapterInChild(allowSoftware: boolean): Promise<LoadOutcome | undefined> {
  let entry: string;
  try {
    entry = require.resolve('webgpu');
  } catch (error) {
    return unavailable(isModuleMissing(error, 'webgpu') ? "the 'webgpu' package (Dawn) is not installed" : `Dawn cannot be found (${errorText(error)})`, REMEDY);
  }
  const output = await new Promise<string>((resolve) => {
    execFile(process.execPath, ['-e', CHILD_PROBE, entry], { timeout: ADAPTER_TIMEOUT_MS, encoding: 'utf8' }, (error, stdout) => resolve(error && !stdout ? JSON.stringify({ error: errorText(error) }) : stdout));
  });
  let result: { name?: string; fallback?: boolean; error?: string };
  try {
    result = JSON.parse(output.trim().split('\n').pop() ?? '{}');
  } catch {
    return unavailable(`the adapter probe gave no answer (${output.slice(0, 200)})`, REMEDY);
  }
  if (result.error === 'none') return unavailable(`no GPU adapter (${NO_VULKAN_DEVICE})`, REMEDY);
  if (result.error) return unavailable(`no GPU adapter (${result.error})`, REMEDY);
  const software = result.fallback || SOFTWARE_ADAPTER.test(result.name ?? '');
  if (software && !allowSoftware) return unavailable(`only a software (CPU) adapter: ${result.name}`, SOFTWARE_REMEDY);
  return undefined;
}

/** Whether the Vulkan loader can be found where the dynamic linker looks (Linux); elsewhere, assume so. */
function vulkanLoaderPresent(): boolean {
  if (process.platform !== 'linux') return true;
  const libDirs = [...(process.env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean), '/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib64', '/usr/lib', '/usr/local/lib', '/lib/x86_64-linux-gnu'];
  return libDirs.some((dir) => existsSync(`${dir}/libvulkan.so.1`));
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`requestAdapter did not answer within ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Whether `backend: webgpu` (explicit) or auto (not explicit) could use WebGPU here, without activating it. */
export async function probeWebgpu(request: WebgpuRequest = { explicit: true }): Promise<LoadOutcome> {
  return (await findAdapter(request)).outcome;
}

export async function activateWebgpu(request: WebgpuRequest = { explicit: true }): Promise<LoadOutcome> {
  const { outcome, gpu, dawn, adapter } = await findAdapter(request);
  if (!outcome.ok || !gpu || !dawn || !adapter) return outcome;
  // tfjs-backend-webgpu registers itself only if navigator.gpu exists when it is imported.
  Object.assign(globalThis, dawn.globals);
  const nav = (globalThis as { navigator?: object }).navigator;
  if (nav) Object.defineProperty(nav, 'gpu', { value: gpu, configurable: true });
  else Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  let backendModule: { WebGPUBackend: new (device: unknown, adapterInfo?: unknown) => tf.KernelBackend };
  try {
    backendModule = (await import('@tensorflow/tfjs-backend-webgpu')) as unknown as typeof backendModule;
  } catch (error) {
    return unavailable(`@tensorflow/tfjs-backend-webgpu failed to load (${errorText(error)})`, REMEDY);
  }
  if (!tf.findBackendFactory('webgpu')) return unavailable('@tensorflow/tfjs-backend-webgpu did not register (it was imported before navigator.gpu existed)', REMEDY);
  // Our own factory: tfjs's asks for a fresh adapter and only a few of its limits (see webgpu-device.ts).
  if (!tf.findBackend('webgpu')) {
    tf.removeBackend('webgpu');
    tf.registerBackend('webgpu', async () => new backendModule.WebGPUBackend(await createDevice(adapter), adapter.info), 3);
  }
  registerBoundedAddN();
  try {
    if (!(await tf.setBackend('webgpu'))) return unavailable(`the adapter (${outcome.reason}) was found but the backend failed to initialise`, REMEDY);
  } catch (error) {
    return unavailable(`the adapter (${outcome.reason}) was found but no device could be created (${errorText(error)})`, REMEDY);
  }
  guardSynchronousReads(tf.backend());
  return available(outcome.reason);
}
