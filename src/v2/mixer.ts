/**
 * A gated linear mixer in the logistic domain (one neuron with selectable weight sets).
 *
 * Inputs are stretch-domain values (−2047…2047). The output is
 * `squash(Σ wᵢ·xᵢ >> 16)` with weights in 16.16 fixed point, using the weight set chosen by a
 * small context. After the bit is known, every weight of that set moves by
 * `xᵢ · ((bit·4096 − p) · rate >> 4) >> 10`, and is clamped to ±8.0.
 *
 * @module
 */
import { SQUASH_TABLE, STRETCH_MAX, STRETCH_MIN } from "./squash.ts";

const SKIP = 8;
const WEIGHT_LIMIT = (1 << 19) - 1;

/**
 * Mixes the stretch-domain values of a shared input array into one 12-bit probability.
 *
 * @example
 * ```ts
 * import { Mixer } from "./mixer.ts";
 * const inputs = new Int32Array([400, -100]);
 * const mixer = new Mixer(inputs, 1, 24, new Int32Array([65536, 65536]));
 * const p = mixer.p(0);
 * mixer.update(1);
 * console.log(p > 2048); // true
 * ```
 */
export class Mixer {
  /** All weight sets, `inputs.length` weights each, 16.16 fixed point. */
  readonly weights: Int32Array;
  readonly #inputs: Int32Array;
  readonly #rate: number;
  #offset = 0;
  #probability = 2048;
  #stretched = 0;

  /**
   * Creates a mixer over `inputs` with `setCount` weight sets, learning rate `rate` (in 1/16),
   * every set starting from `initialWeights` (one weight per input).
   */
  constructor(inputs: Int32Array, setCount: number, rate: number, initialWeights: Int32Array) {
    this.#inputs = inputs;
    this.#rate = rate;
    const n = inputs.length;
    this.weights = new Int32Array(setCount * n);
    for (let s = 0; s < setCount; s++) this.weights.set(initialWeights, s * n);
  }

  /** The mixed 12-bit probability using weight set `set`. */
  p(set: number): number {
    const inputs = this.#inputs;
    const weights = this.weights;
    const n = inputs.length;
    const offset = set * n;
    let dot = 0;
    for (let i = 0; i < n; i++) dot += Math.imul(inputs[i], weights[offset + i]) >> 8;
    dot >>= 8;
    if (dot > STRETCH_MAX) dot = STRETCH_MAX;
    else if (dot < STRETCH_MIN) dot = STRETCH_MIN;
    this.#offset = offset;
    this.#stretched = dot;
    this.#probability = SQUASH_TABLE[dot + 2048];
    return this.#probability;
  }

  /** The last output in the stretch domain (clamped to −2047…2047). */
  get stretched(): number {
    return this.#stretched;
  }

  /** Trains the weight set used by the last {@link Mixer.p} call on the coded `bit`. */
  update(bit: number): void {
    const err = (((bit << 12) - this.#probability) * this.#rate) >> 4;
    if (err > -SKIP && err < SKIP) return;
    const inputs = this.#inputs;
    const weights = this.weights;
    const n = inputs.length;
    const offset = this.#offset;
    for (let i = 0; i < n; i++) {
      let w = weights[offset + i] + (Math.imul(inputs[i], err) >> 10);
      if (w > WEIGHT_LIMIT) w = WEIGHT_LIMIT;
      else if (w < -WEIGHT_LIMIT) w = -WEIGHT_LIMIT;
      weights[offset + i] = w;
    }
  }
}
