// Small seeded pseudo-random generators for the sparse core: 32-bit seed mixing and a
// mulberry32 stream, run on the host so every backend sees the same numbers for the same seed.

/** Purpose tags mixed into seeds so that the streams for different uses never coincide. */
export const SEED_PURPOSE = { initialMask: 1, dropTieBreak: 2, growTieBreak: 3, randomGrow: 4, mixup: 5 } as const;

/** Mixes any number of integers (run seed, step, layer index, purpose) into one 32-bit seed. */
export function mixSeed(...parts: number[]): number {
  let hash = 0x9e3779b9;
  for (const part of parts) {
    // Fold the value's low and high 32 bits in, so steps and seeds beyond 2^32 still differ.
    hash = avalanche(hash ^ (part >>> 0));
    hash = avalanche(hash ^ Math.floor(part / 4294967296));
  }
  return hash >>> 0;
}

/** The splitmix32 / murmur3 finaliser: every input bit flips about half of the output bits. */
function avalanche(value: number): number {
  let z = (value + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** mulberry32: a tiny, fast generator with a full 2^32 period; good enough for sampling positions. */
export class Mulberry32 {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** A uniform number in [0, 1) with 32 random bits. */
  nextFloat(): number {
    return this.nextUint32() / 4294967296;
  }

  /** A uniform integer in [0, bound), without modulo bias (rejection sampling); bound ≤ 2^32. */
  nextBelow(bound: number): number {
    if (!(bound >= 1 && bound <= 4294967296 && Number.isInteger(bound))) throw new RangeError(`nextBelow: bad bound ${bound}`);
    const limit = 4294967296 - (4294967296 % bound);
    for (;;) {
      const value = this.nextUint32();
      if (value < limit) return value % bound;
    }
  }
}

/** `length` uniform floats in [0, 1) from `seed`. */
export function uniformFloats(length: number, seed: number): Float32Array {
  const generator = new Mulberry32(seed);
  const values = new Float32Array(length);
  for (let i = 0; i < length; i++) values[i] = generator.nextFloat();
  return values;
}
