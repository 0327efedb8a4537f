// The pure-JavaScript CPU backend: always available, and slow (seconds to tens of seconds per
// training step of a small CNN); the fallback of last resort.
import * as tf from '@tensorflow/tfjs-core';
// A named import: the package's sideEffects list lets bundlers drop a bare import of its Node
// build, and with it the registration of the backend and its kernels.
import { version_cpu } from '@tensorflow/tfjs-backend-cpu';
import { available, unavailable, type LoadOutcome } from './types.js';

const DESCRIPTION = `pure JavaScript, tfjs-backend-cpu ${version_cpu}`;

export function probeCpu(): LoadOutcome {
  return available(DESCRIPTION);
}

export async function activateCpu(): Promise<LoadOutcome> {
  return (await tf.setBackend('cpu')) ? available(DESCRIPTION) : unavailable('the cpu backend failed to initialise', 'reinstall @tensorflow/tfjs-backend-cpu');
}
