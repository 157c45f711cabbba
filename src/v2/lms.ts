/**
 * An adaptive linear predictor: sign-exact integer normalized LMS over causal neighbours.
 *
 * Inputs are neighbour values minus a local mean; the prediction is the mean plus
 * `Σ wᵢ·uᵢ >> 16` (weights 16.16, clamped to ±2.0). After the sample is known, with error `e`,
 * each weight moves by `e·uᵢ` shifted right by `floor(log2(Σ uᵢ² + 64)) + rateShift − 16`
 * (left if negative): a normalized LMS whose step is rounded to a power of two.
 *
 * @module
 */

const WEIGHT_LIMIT = 1 << 17;
const INPUT_LIMIT = 4095;

/**
 * Predicts a value from `inputs` (already mean-removed, filled by the caller) and learns.
 *
 * @example
 * ```ts
 * import { LmsPredictor } from "./lms.ts";
 * const lms = new LmsPredictor(2, 4);
 * lms.inputs[0] = 10;
 * lms.inputs[1] = -4;
 * console.log(lms.predict()); // 3
 * lms.update(8);
 * ```
 */
export class LmsPredictor {
  /** Mean-removed neighbour values of the current sample (clamped to ±4095 by {@link predict}). */
  readonly inputs: Int32Array;
  readonly #weights: Int32Array;
  readonly #rateShift: number;
  #prediction = 0;

  /** Creates a predictor over `count` inputs with step size `2^-rateShift`, weights `1/count`. */
  constructor(count: number, rateShift: number) {
    this.inputs = new Int32Array(count);
    this.#weights = new Int32Array(count).fill(Math.floor(65536 / count));
    this.#rateShift = rateShift;
  }

  /** The predicted mean-removed value. */
  predict(): number {
    const inputs = this.inputs;
    const weights = this.#weights;
    let sum = 0;
    for (let i = 0; i < inputs.length; i++) {
      const u = inputs[i];
      const clamped = u > INPUT_LIMIT ? INPUT_LIMIT : u < -INPUT_LIMIT ? -INPUT_LIMIT : u;
      inputs[i] = clamped;
      sum += Math.imul(weights[i], clamped) >> 4;
    }
    this.#prediction = sum >> 12;
    return this.#prediction;
  }

  /** Learns from the actual mean-removed value of the sample last predicted. */
  update(actual: number): void {
    const inputs = this.inputs;
    const weights = this.#weights;
    let energy = 64;
    for (let i = 0; i < inputs.length; i++) energy += Math.imul(inputs[i], inputs[i]);
    let error = actual - this.#prediction;
    if (error > INPUT_LIMIT) error = INPUT_LIMIT;
    else if (error < -INPUT_LIMIT) error = -INPUT_LIMIT;
    const shift = 31 - Math.clz32(energy) + this.#rateShift - 16;
    for (let i = 0; i < inputs.length; i++) {
      const step = Math.imul(error, inputs[i]);
      let w = weights[i] + (shift >= 0 ? step >> shift : step << -shift);
      if (w > WEIGHT_LIMIT) w = WEIGHT_LIMIT;
      else if (w < -WEIGHT_LIMIT) w = -WEIGHT_LIMIT;
      weights[i] = w;
    }
  }
}
