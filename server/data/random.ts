// Seeded randomness for data: one small generator (mulberry32) keyed by a hash of several
// integers, so every (seed, epoch, example) gets its own reproducible stream, whatever the order.
import { Mulberry32 } from '../sparse/rng.js';

/** Mixes integers into one 32-bit key (murmur3's finalizer after each value). */
export function hashSeeds(...values: number[]): number {
  let h = 0x9e3779b9;
  for (const value of values) {
    // Split so that seeds beyond 32 bits and negative seeds still differ from each other.
    const low = value >>> 0;
    const high = Math.floor(value / 0x100000000) >>> 0;
    for (const part of [low, high]) {
      h = Math.imul(h ^ part, 0x85ebca6b);
      h ^= h >>> 13;
      h = Math.imul(h, 0xc2b2ae35);
      h ^= h >>> 16;
    }
  }
  return h >>> 0;
}

export class SeededRandom {
  private readonly generator: Mulberry32;
  private spareNormal: number | undefined;

  constructor(...seeds: number[]) {
    this.generator = new Mulberry32(hashSeeds(...seeds));
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.generator.nextFloat();
  }

  /** Uniform in [low, high). */
  uniform(low: number, high: number): number {
    return low + (high - low) * this.next();
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Standard normal (Box–Muller, both values used). */
  normal(): number {
    if (this.spareNormal !== undefined) {
      const value = this.spareNormal;
      this.spareNormal = undefined;
      return value;
    }
    const radius = Math.sqrt(-2 * Math.log(1 - this.next()));
    const angle = 2 * Math.PI * this.next();
    this.spareNormal = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  }
}

/** A uniformly random permutation of 0..n-1 (Fisher–Yates). */
export function permutation(n: number, random: SeededRandom): Uint32Array {
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = random.int(i + 1);
    const swap = order[i]!;
    order[i] = order[j]!;
    order[j] = swap;
  }
  return order;
}
