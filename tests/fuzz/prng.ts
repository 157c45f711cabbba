/**
 * The fuzzer's deterministic random choices: every case has its own generator, seeded from the
 * run seed, the target and the case index, so any case can be replayed alone.
 *
 * @module
 */
import { randomGenerator } from "../helpers.ts";

/** FNV-1a of a string: the seed of one case's generator (never 0, which xorshift cannot use). */
export function caseSeed(runSeed: number, target: string, index: number): number {
  let h = 0x811c9dc5;
  for (const c of `${runSeed}/${target}/${index}`) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193);
  return (h >>> 0) || 1;
}

/** Uniform choices over a xorshift32 sequence. */
export class Rng {
  #next: () => number;

  /** A generator for `seed` (its first outputs are skipped: they correlate with the seed). */
  constructor(seed: number) {
    this.#next = randomGenerator(seed);
    for (let i = 0; i < 8; i++) this.#next();
  }

  /** A 32-bit unsigned integer. */
  u32(): number {
    return this.#next();
  }

  /** An integer in `0…n − 1` (`n` ≥ 1). */
  int(n: number): number {
    return n <= 0x100000000 ? this.#next() % n : Math.floor((this.#next() / 0x100000000) * n);
  }

  /** An integer in `low…high`, both included. */
  range(low: number, high: number): number {
    return low + this.int(high - low + 1);
  }

  /** One of `items` (not empty). */
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  /** One of `items` (not empty), each as likely as its weight. */
  pickWeighted<T>(items: readonly T[], weight: (item: T) => number): T {
    const total = items.reduce((sum, item) => sum + weight(item), 0);
    let r = (this.#next() / 0x100000000) * total;
    for (const item of items) {
      r -= weight(item);
      if (r < 0) return item;
    }
    return items[items.length - 1];
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.#next() / 0x100000000 < p;
  }

  /** `n` random bytes. */
  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.#next() & 0xff;
    return out;
  }
}
