// Chooses and activates the tfjs compute backend for a run (tensorflow > webgpu > wasm > cpu for
// 'auto'), says why in words, and probes availability for the language server's warnings.
import * as tf from '@tensorflow/tfjs-core';
import type { BackendName } from '../config/types.js';
import { registerTrainingGradients } from '../nn/gradients/index.js';
import { activateCpu, probeCpu } from './backends/cpu.js';
import { activateTensorflow, probeTensorflow } from './backends/tensorflow.js';
import type { LoadOutcome } from './backends/types.js';
import { activateWasm, probeWasm } from './backends/wasm.js';
import { activateWebgpu, probeWebgpu } from './backends/webgpu.js';
import { assertWebgpuHealthy, releaseDevice } from './backends/webgpu-device.js';

export type ConcreteBackend = Exclude<BackendName, 'auto'>;

/** The order 'auto' tries: fastest first. */
export const AUTO_ORDER: readonly ConcreteBackend[] = ['tensorflow', 'webgpu', 'wasm', 'cpu'];

export interface SelectedBackend {
  /** The tfjs backend now active: 'tensorflow' | 'webgpu' | 'wasm' | 'cpu'. */
  name: ConcreteBackend;
  /** Why this one, e.g. "tensorflow: @tensorflow/tfjs-node-gpu not installed, …; webgpu: no GPU adapter (…); using wasm (SIMD, single thread)". */
  reason: string;
}

export interface BackendProbe {
  name: ConcreteBackend;
  available: boolean;
  reason: string;
  /** When unavailable: what to install or change. */
  remedy?: string;
}

/** `explicit`: the config names this backend (auto passes false; only webgpu's software-adapter opt-in cares). */
const ACTIVATE: Record<ConcreteBackend, (explicit: boolean) => Promise<LoadOutcome>> = {
  tensorflow: activateTensorflow,
  webgpu: (explicit) => activateWebgpu({ explicit }),
  wasm: activateWasm,
  cpu: activateCpu,
};

const PROBE: Record<ConcreteBackend, () => LoadOutcome | Promise<LoadOutcome>> = {
  tensorflow: probeTensorflow,
  webgpu: () => probeWebgpu({ explicit: true }),
  wasm: probeWasm,
  cpu: probeCpu,
};

/** Raised when an explicitly requested backend cannot run here; the message says why and what to install. */
export class BackendUnavailableError extends Error {
  constructor(readonly backend: ConcreteBackend, readonly reason: string, readonly remedy?: string) {
    super(`backend '${backend}' is not available: ${reason}${remedy ? `. To use it: ${remedy}` : ''}`);
    this.name = 'BackendUnavailableError';
  }
}

/**
 * Loads and activates a backend and registers the gradients training needs. An explicit choice
 * that cannot load throws BackendUnavailableError; 'auto' falls through to the next and reports
 * why each earlier one was skipped. Call once per process, before any model is created.
 */
export async function selectBackend(requested: BackendName): Promise<SelectedBackend> {
  registerTrainingGradients();
  // tfjs's PROD flag only silences its console advice here (correctness checks follow DEBUG, which
  // stays off); the cpu backend's "install tfjs-node" banner is wrong advice today and every run
  // already says which backend it uses and why.
  tf.env().set('PROD', true);
  if (requested !== 'auto') {
    const outcome = await ACTIVATE[requested](true);
    if (!outcome.ok) throw new BackendUnavailableError(requested, outcome.reason, outcome.remedy);
    return { name: requested, reason: `${requested} requested (${outcome.reason})` };
  }
  const skipped: string[] = [];
  for (const name of AUTO_ORDER) {
    const outcome = await ACTIVATE[name](false);
    if (outcome.ok) return { name, reason: [...skipped, `using ${name} (${outcome.reason})`].join('; ') };
    skipped.push(`${name}: ${outcome.reason}`);
  }
  // cpu always activates; reaching here means tfjs itself is broken.
  throw new Error(`no tfjs backend could be activated: ${skipped.join('; ')}`);
}

/**
 * Availability of every backend, without switching the active one (it may load optional native
 * packages and ask Dawn for an adapter). For the language server's warnings about a config's
 * `backend:` choice.
 */
export async function probeBackends(): Promise<BackendProbe[]> {
  const probes: BackendProbe[] = [];
  for (const name of AUTO_ORDER) {
    const outcome = await PROBE[name]();
    probes.push({ name, available: outcome.ok, reason: outcome.reason, ...(outcome.remedy ? { remedy: outcome.remedy } : {}) });
  }
  return probes;
}

/**
 * Health of the active backend between steps: throws the first device error (a WebGPU
 * validation error or a lost device) so the run fails with it instead of training on.
 */
export function assertBackendHealthy(): void {
  if (tf.getBackend() === 'webgpu') assertWebgpuHealthy();
}

/**
 * Before the process exits: lets the GPU finish its submitted work and destroys the device, so
 * Dawn is never torn down with work in flight. Safe to call on any backend.
 */
export async function releaseBackend(): Promise<void> {
  await releaseDevice();
}
