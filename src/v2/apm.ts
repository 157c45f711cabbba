/**
 * An adaptive probability map (secondary estimation): refines a probability given a context.
 *
 * Each context owns 33 cells spanning the stretch domain in steps of 128. The input probability
 * is stretched, the two cells around it are interpolated (16-bit probabilities), and after the
 * bit the nearer cell moves towards it by `1 / 2^rate` of the distance.
 *
 * @module
 */
import { SQUASH_TABLE, STRETCH_TABLE } from "./squash.ts";

/** Cells per context. */
export const APM_CELLS = 33;

/**
 * Maps (probability, context) to a refined probability, learning as it goes.
 *
 * @example
 * ```ts
 * import { Apm } from "./apm.ts";
 * const apm = new Apm(4, 7);
 * const p = apm.p(3000, 2);
 * apm.update(1);
 * console.log(p); // 3000
 * ```
 */
export class Apm {
  /** `contexts × 33` cells, 16-bit probabilities. */
  readonly cells: Uint16Array;
  readonly #rate: number;
  #index = 0;

  /** Creates a map with `contexts` contexts, each starting as the identity, adapting at `rate`. */
  constructor(contexts: number, rate: number) {
    this.#rate = rate;
    this.cells = new Uint16Array(contexts * APM_CELLS);
    for (let c = 0; c < contexts; c++) {
      for (let j = 0; j < APM_CELLS; j++) {
        this.cells[c * APM_CELLS + j] = SQUASH_TABLE[Math.min(j * 128, 4095)] * 16;
      }
    }
  }

  /** The refined 12-bit probability of `probability` (12-bit) in context `context`. */
  p(probability: number, context: number): number {
    const position = STRETCH_TABLE[probability] + 2048;
    const weight = position & 127;
    const base = context * APM_CELLS + (position >> 7);
    this.#index = base + (weight >> 6);
    const cells = this.cells;
    return (cells[base] * (128 - weight) + cells[base + 1] * weight) >> 11;
  }

  /** Trains the cell nearest to the last {@link Apm.p} input on the coded `bit`. */
  update(bit: number): void {
    const target = bit ? 65535 : 0;
    const cell = this.cells[this.#index];
    this.cells[this.#index] = cell + ((target - cell) >> this.#rate);
  }
}
