/**
 * The mixing network: three gated linear neurons in the logistic domain over the same inputs,
 * and a final neuron mixing their outputs.
 *
 * Inputs are stretch-domain values (−2047…2047). Neuron `k` uses the weight set chosen by its
 * own small context and outputs `dₖ = clamp(Σᵢ (xᵢ·wᵢ >> 8) >> 8, −2047, 2047)` with weights in
 * 16.16 fixed point (products and sums wrap like 32-bit integers). The final neuron does the
 * same over `(d₀, d₁, d₂, 256)` and its output, squashed, is the network's 12-bit probability.
 * After the bit, every neuron with error `e = (bit·4096 − squash(d)) · rate >> 4` outside
 * −8…8 moves each weight of its set by `xᵢ · e >> 10` (`rate`: first layer or final).
 *
 * @module
 */
import { SQUASH_TABLE, STRETCH_MAX, STRETCH_MIN } from "./squash.ts";

/** Neurons in the first layer. */
export const FIRST_LAYER_NEURONS = 3;
/** Inputs of the final neuron: the first-layer outputs and a constant bias of 256. */
export const FINAL_NEURON_INPUTS = FIRST_LAYER_NEURONS + 1;

const SKIP = 8;
const BIAS = 256;

function clampStretch(dot: number): number {
  return dot > STRETCH_MAX ? STRETCH_MAX : dot < STRETCH_MIN ? STRETCH_MIN : dot;
}

/**
 * Mixes the stretch-domain values of a shared input array into one 12-bit probability.
 *
 * @example
 * ```ts
 * import { MixerNetwork } from "./mixer.ts";
 * const inputs = new Int32Array([400, -100]);
 * const network = new MixerNetwork(inputs, [1, 1, 1], 1, 24, 24, new Int32Array(6).fill(65536),
 *   new Int32Array([21845, 21845, 21845, 0]));
 * const p = network.p(0, 0, 0, 0);
 * network.update(1);
 * console.log(p > 2048); // true
 * ```
 */
export class MixerNetwork {
  /** First-layer weights: neuron 0's sets, then neuron 1's, then neuron 2's. */
  readonly firstWeights: Int32Array;
  /** Final-neuron weights, {@link FINAL_NEURON_INPUTS} per set. */
  readonly finalWeights: Int32Array;
  /** Where each neuron's weight sets start in {@link MixerNetwork.firstWeights}. */
  readonly neuronStarts: Int32Array;
  readonly #inputs: Int32Array;
  readonly #finalInputs = new Int32Array(FINAL_NEURON_INPUTS);
  readonly #firstRate: number;
  readonly #finalRate: number;
  #offset0 = 0;
  #offset1 = 0;
  #offset2 = 0;
  #finalOffset = 0;
  #p0 = 2048;
  #p1 = 2048;
  #p2 = 2048;
  #p = 2048;

  /**
   * Creates the network over `inputs`: neuron `k` has `setCounts[k]` weight sets, the final
   * neuron `finalSets`; learning rates in 1/16; every set starts from the given weights
   * (`initialFirst`: three vectors of `inputs.length`; `initialFinal`: one of 4).
   */
  constructor(
    inputs: Int32Array,
    setCounts: readonly number[],
    finalSets: number,
    firstRate: number,
    finalRate: number,
    initialFirst: Int32Array,
    initialFinal: Int32Array,
  ) {
    const n = inputs.length;
    this.#inputs = inputs;
    this.#firstRate = firstRate;
    this.#finalRate = finalRate;
    this.neuronStarts = new Int32Array(FIRST_LAYER_NEURONS);
    let total = 0;
    for (let k = 0; k < FIRST_LAYER_NEURONS; k++) {
      this.neuronStarts[k] = total;
      total += setCounts[k] * n;
    }
    this.firstWeights = new Int32Array(total);
    for (let k = 0; k < FIRST_LAYER_NEURONS; k++) {
      const initial = initialFirst.subarray(k * n, (k + 1) * n);
      for (let s = 0; s < setCounts[k]; s++) {
        this.firstWeights.set(initial, this.neuronStarts[k] + s * n);
      }
    }
    this.finalWeights = new Int32Array(finalSets * FINAL_NEURON_INPUTS);
    for (let s = 0; s < finalSets; s++) {
      this.finalWeights.set(initialFinal, s * FINAL_NEURON_INPUTS);
    }
    this.#finalInputs[FIRST_LAYER_NEURONS] = BIAS;
  }

  /** The mixed 12-bit probability, with weight sets `set0`, `set1`, `set2` and `finalSet`. */
  p(set0: number, set1: number, set2: number, finalSet: number): number {
    const inputs = this.#inputs;
    const w = this.firstWeights;
    const n = inputs.length;
    const o0 = set0 * n;
    const o1 = this.neuronStarts[1] + set1 * n;
    const o2 = this.neuronStarts[2] + set2 * n;
    let d0 = 0, d1 = 0, d2 = 0;
    for (let i = 0; i < n; i++) {
      const x = inputs[i];
      d0 += Math.imul(x, w[o0 + i]) >> 8;
      d1 += Math.imul(x, w[o1 + i]) >> 8;
      d2 += Math.imul(x, w[o2 + i]) >> 8;
    }
    d0 = clampStretch(d0 >> 8);
    d1 = clampStretch(d1 >> 8);
    d2 = clampStretch(d2 >> 8);
    this.#offset0 = o0;
    this.#offset1 = o1;
    this.#offset2 = o2;
    this.#p0 = SQUASH_TABLE[d0 + 2048];
    this.#p1 = SQUASH_TABLE[d1 + 2048];
    this.#p2 = SQUASH_TABLE[d2 + 2048];
    const fi = this.#finalInputs;
    fi[0] = d0;
    fi[1] = d1;
    fi[2] = d2;
    const fw = this.finalWeights;
    const fo = finalSet * FINAL_NEURON_INPUTS;
    let d = 0;
    for (let i = 0; i < FINAL_NEURON_INPUTS; i++) d += Math.imul(fi[i], fw[fo + i]) >> 8;
    this.#finalOffset = fo;
    this.#p = SQUASH_TABLE[clampStretch(d >> 8) + 2048];
    return this.#p;
  }

  /** Trains the weight sets used by the last {@link MixerNetwork.p} call on the coded `bit`. */
  update(bit: number): void {
    const target = bit << 12;
    const rate = this.#firstRate;
    let e0 = ((target - this.#p0) * rate) >> 4;
    let e1 = ((target - this.#p1) * rate) >> 4;
    let e2 = ((target - this.#p2) * rate) >> 4;
    if (e0 > -SKIP && e0 < SKIP) e0 = 0;
    if (e1 > -SKIP && e1 < SKIP) e1 = 0;
    if (e2 > -SKIP && e2 < SKIP) e2 = 0;
    if ((e0 | e1 | e2) !== 0) {
      const inputs = this.#inputs;
      const w = this.firstWeights;
      const n = inputs.length;
      const o0 = this.#offset0, o1 = this.#offset1, o2 = this.#offset2;
      for (let i = 0; i < n; i++) {
        const x = inputs[i];
        w[o0 + i] += Math.imul(x, e0) >> 10;
        w[o1 + i] += Math.imul(x, e1) >> 10;
        w[o2 + i] += Math.imul(x, e2) >> 10;
      }
    }
    const e = ((target - this.#p) * this.#finalRate) >> 4;
    if (e <= -SKIP || e >= SKIP) {
      const fi = this.#finalInputs;
      const fw = this.finalWeights;
      const fo = this.#finalOffset;
      for (let i = 0; i < FINAL_NEURON_INPUTS; i++) fw[fo + i] += Math.imul(fi[i], e) >> 10;
    }
  }
}
