// Seeded weight initialisation on the host (so a seed gives the same weights on every backend):
// torchvision's Kaiming-normal fan-out for convolutions and PyTorch's uniform ±1/√fan_in for fc.
import { Mulberry32 } from '../../sparse/rng.js';

/** A stream of uniform numbers in [0, 1) for one variable: seeded by the run seed and the variable's name. */
export function variableStream(seed: number, variableName: string): () => number {
  // FNV-1a over the name, mixed with the seed, then mulberry32.
  let hash = 0x811c9dc5 ^ (seed >>> 0) ^ Math.floor(seed / 4294967296);
  for (let i = 0; i < variableName.length; i++) hash = Math.imul(hash ^ variableName.charCodeAt(i), 0x01000193);
  const generator = new Mulberry32(hash >>> 0);
  return () => generator.nextFloat();
}

export function normalValues(size: number, std: number, next: () => number): Float32Array {
  const values = new Float32Array(size);
  for (let i = 0; i < size; i += 2) {
    // Box–Muller: two independent normals per pair of uniforms; 1 − u keeps the log finite.
    const radius = Math.sqrt(-2 * Math.log(1 - next())) * std;
    const angle = 2 * Math.PI * next();
    values[i] = radius * Math.cos(angle);
    if (i + 1 < size) values[i + 1] = radius * Math.sin(angle);
  }
  return values;
}

export function uniformValues(size: number, bound: number, next: () => number): Float32Array {
  const values = new Float32Array(size);
  for (let i = 0; i < size; i++) values[i] = (2 * next() - 1) * bound;
  return values;
}

/** Kaiming normal, mode fan_out, gain √2 (ReLU): std = √(2 / (k_h·k_w·c_out)); shape [kh, kw, cin, cout]. */
export function convWeightInit(shape: number[], next: () => number): Float32Array {
  const [kh, kw, , cout] = shape;
  return normalValues(shape.reduce((a, b) => a * b, 1), Math.sqrt(2 / (kh * kw * cout)), next);
}

/** PyTorch's nn.Linear default: U(−1/√fan_in, 1/√fan_in) for the weight [in, out] and for the bias. */
export function fcInit(size: number, fanIn: number, next: () => number): Float32Array {
  return uniformValues(size, 1 / Math.sqrt(fanIn), next);
}
