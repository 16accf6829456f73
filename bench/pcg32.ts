// A second, independent generator for the init-swap experiment: PCG32 (O'Neill's pcg32, XSH RR 64/32, the
// reference `pcg32_srandom_r(initstate = seed, initseq = 54)`), host-side, feeding the same rule as
// gradlab's own draw. If gradlab's initial weights differ from PyTorch's because of its generator
// (xoshiro128**, libs/models/src/seeded-random.ts), weights drawn from this one will not.
import type { NetworkSpec } from '@gradlab/models';
import { drawInitialValues } from '@gradlab/models/tf';

const MASK = (1n << 64n) - 1n;
const MULTIPLIER = 6364136223846793005n;

export class Pcg32 {
  private state = 0n;
  private readonly increment: bigint;

  constructor(seed: number, sequence = 54) {
    this.increment = ((BigInt(sequence) << 1n) | 1n) & MASK;
    this.nextUint32();
    this.state = (this.state + BigInt.asUintN(64, BigInt(seed))) & MASK;
    this.nextUint32();
  }

  nextUint32(): number {
    const old = this.state;
    this.state = (old * MULTIPLIER + this.increment) & MASK;
    const xorShifted = Number((((old >> 18n) ^ old) >> 27n) & 0xffffffffn);
    const rotation = Number(old >> 59n);
    return ((xorShifted >>> rotation) | (xorShifted << (-rotation & 31))) >>> 0;
  }

  /** Uniform in [0, 1), from 32 bits as gradlab's generator makes them. */
  next(): number {
    return this.nextUint32() / 4294967296;
  }
}

/** gradlab's initial weights for `spec`, drawn by its rule (drawInitialValues) from PCG32 seeded with `seed`. */
export function pcg32InitialValues(spec: NetworkSpec, seed: number): Map<string, Float32Array> {
  const random = new Pcg32(seed);
  return drawInitialValues(spec, () => random.next());
}
