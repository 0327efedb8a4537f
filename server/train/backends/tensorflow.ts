// The native TensorFlow backend (@tensorflow/tfjs-node-gpu, else @tensorflow/tfjs-node): optional
// packages that are loaded only if installed; they are external to every bundle.
import * as tf from '@tensorflow/tfjs-core';
import { available, errorText, isModuleMissing, unavailable, type LoadOutcome } from './types.js';

const PACKAGES = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'] as const;
const REMEDY = 'install @tensorflow/tfjs-node-gpu (CUDA 11.2 + cuDNN 8.1) or @tensorflow/tfjs-node; both download libtensorflow 2.9.1 at install time, '
  + 'which fails offline and, since August 2026, everywhere (tensorflow/tfjs#8742)';

let loaded: { packageName: string } | undefined;

/** Requires the first native package that loads; it registers the 'tensorflow' backend. */
function requireNative(): LoadOutcome & { packageName?: string } {
  if (loaded) return { ...available(`${loaded.packageName} loaded`), packageName: loaded.packageName };
  const problems: string[] = [];
  for (const packageName of PACKAGES) {
    try {
      // A plain require of a computed name: bundlers leave it alone, so it stays optional.
      const nodeRequire: NodeJS.Require = require;
      nodeRequire(packageName);
      loaded = { packageName };
      return { ...available(`${packageName} loaded`), packageName };
    } catch (error) {
      problems.push(isModuleMissing(error, packageName) ? `${packageName} not installed` : `${packageName} failed to load (${errorText(error)})`);
    }
  }
  return unavailable(problems.join(', '), REMEDY);
}

export function probeTensorflow(): LoadOutcome {
  const outcome = requireNative();
  return outcome.ok ? available(`${outcome.packageName} (native TensorFlow)`) : outcome;
}

export async function activateTensorflow(): Promise<LoadOutcome> {
  const outcome = requireNative();
  if (!outcome.ok) return outcome;
  if (!tf.findBackendFactory('tensorflow')) return unavailable(`${outcome.packageName} loaded but registered no 'tensorflow' backend (a second copy of tfjs-core?)`, REMEDY);
  if (!(await tf.setBackend('tensorflow'))) return unavailable(`${outcome.packageName} loaded but the backend failed to initialise (see the log above)`, REMEDY);
  return available(`${outcome.packageName} (native TensorFlow)`);
}
