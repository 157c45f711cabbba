/**
 * An adaptive linear predictor: integer normalized LMS over causal neighbours.
 *
 * Inputs are neighbour values minus a local mean (filled by the caller, each within ±4095);
 * the prediction is `Σ wᵢ·uᵢ >> 16` with weights in 16.16 fixed point, clamped to ±2.0, and
 * starting at `1/count` each. After the sample, with error `e` (clamped to ±4095), each weight
 * moves by `e·uᵢ` shifted right by `floor(log2(Σ uᵢ² + 64)) + rateShift − 16` (left if that is
 * negative): a normalized LMS whose step is rounded to a power of two.
 *
 * @module
 */

const WEIGHT_LIMIT = 1 << 17;
const ERROR_LIMIT = 4095;

/**
 * Predicts a value from shared `inputs` and learns from the outcome.
 *
 * @example
 * ```ts
 * import { LmsPredictor } from "./lms.ts";
 * const inputs = new Int32Array([10, -4]);
 * const lms = new LmsPredictor(inputs, 4);
 * console.log(lms.predict()); // 3
 * lms.update(8);
 * ```
 */
export class LmsPredictor {
  readonly #inputs: Int32Array;
  readonly #weights: Int32Array;
  readonly #rateShift: number;
  #prediction = 0;

  /** Creates a predictor over `inputs` (mean-removed values) with step size `2^-rateShift`. */
  constructor(inputs: Int32Array, rateShift: number) {
    this.#inputs = inputs;
    this.#weights = new Int32Array(inputs.length).fill(Math.floor(65536 / inputs.length));
    this.#rateShift = rateShift;
  }

  /** The predicted mean-removed value of the current sample. */
  predict(): number {
    const inputs = this.#inputs;
    const weights = this.#weights;
    let sum = 0;
    for (let i = 0; i < inputs.length; i++) sum += Math.imul(weights[i], inputs[i]) >> 4;
    this.#prediction = sum >> 12;
    return this.#prediction;
  }

  /** Learns from the actual mean-removed value of the sample last predicted. */
  update(actual: number): void {
    const inputs = this.#inputs;
    const weights = this.#weights;
    let energy = 64;
    for (let i = 0; i < inputs.length; i++) energy += Math.imul(inputs[i], inputs[i]);
    let error = actual - this.#prediction;
    if (error > ERROR_LIMIT) error = ERROR_LIMIT;
    else if (error < -ERROR_LIMIT) error = -ERROR_LIMIT;
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
