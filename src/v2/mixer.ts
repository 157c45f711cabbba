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
 * The arithmetic runs in a small WebAssembly module (`mixer.wat`, 128-bit SIMD lanes over four
 * inputs at a time), which gives the same integers as the scalar definition above.
 *
 * @module
 */
import { MIXER_WASM_BASE64 } from "./mixer_wasm.ts";
import { SQUASH_TABLE } from "./squash.ts";

/** Neurons in the first layer. */
export const FIRST_LAYER_NEURONS = 3;
/** Inputs of the final neuron: the first-layer outputs and a constant bias of 256. */
export const FINAL_NEURON_INPUTS = FIRST_LAYER_NEURONS + 1;

/** Byte offsets in the module's memory (see `mixer.wat`). */
const SQUASH_AT = 0;
const INPUTS_AT = 8192;
const PAGE_BYTES = 65536;

interface MixerExports {
  init(stride: number, firstRate: number, finalRate: number): void;
  p(offset0: number, offset1: number, offset2: number, finalOffset: number): number;
  update(bit: number): void;
}

let compiled: WebAssembly.Module | undefined;

function mixerModule(): WebAssembly.Module {
  if (!compiled) {
    const text = atob(MIXER_WASM_BASE64.join(""));
    const bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    compiled = new WebAssembly.Module(bytes);
  }
  return compiled;
}

/**
 * Mixes stretch-domain inputs into one 12-bit probability.
 *
 * @example
 * ```ts
 * import { MixerNetwork } from "./mixer.ts";
 * const network = new MixerNetwork(2, [1, 1, 1], 1, 24, 24, new Int32Array(6).fill(65536),
 *   new Int32Array([21845, 21845, 21845, 0]));
 * network.inputs.set([400, -100]);
 * const p = network.p(0, 0, 0, 0);
 * network.update(1);
 * console.log(p > 2048); // true
 * ```
 */
export class MixerNetwork {
  /** The inputs, written by the caller before each {@link MixerNetwork.p} (lanes past the inputs stay 0). */
  readonly inputs: Int32Array;
  /** Final-neuron weights, {@link FINAL_NEURON_INPUTS} per set. */
  readonly finalWeights: Int32Array;
  readonly #inputCount: number;
  readonly #setCounts: readonly number[];
  /** Bytes per weight set: the inputs rounded up to whole 4-lane vectors. */
  readonly #stride: number;
  /** Byte offsets of each neuron's first weight set, and of the final sets. */
  readonly #base0: number;
  readonly #base1: number;
  readonly #base2: number;
  readonly #finalBase: number;
  readonly #memory: WebAssembly.Memory;
  readonly #mix: MixerExports["p"];
  readonly #learn: MixerExports["update"];

  /**
   * Creates the network over `inputCount` inputs: neuron `k` has `setCounts[k]` weight sets,
   * the final neuron `finalSets`; learning rates in 1/16; every set starts from the given
   * weights (`initialFirst`: three vectors of `inputCount`; `initialFinal`: one of 4).
   */
  constructor(
    inputCount: number,
    setCounts: readonly number[],
    finalSets: number,
    firstRate: number,
    finalRate: number,
    initialFirst: Int32Array,
    initialFinal: Int32Array,
  ) {
    const stride = Math.ceil(inputCount / 4) * 16;
    this.#inputCount = inputCount;
    this.#setCounts = setCounts;
    this.#stride = stride;
    this.#base0 = INPUTS_AT + stride;
    this.#base1 = this.#base0 + setCounts[0] * stride;
    this.#base2 = this.#base1 + setCounts[1] * stride;
    this.#finalBase = this.#base2 + setCounts[2] * stride;
    const bytes = this.#finalBase + finalSets * FINAL_NEURON_INPUTS * 4;
    this.#memory = new WebAssembly.Memory({ initial: Math.ceil(bytes / PAGE_BYTES) });
    const buffer = this.#memory.buffer;
    new Int16Array(buffer, SQUASH_AT, SQUASH_TABLE.length).set(SQUASH_TABLE);
    this.inputs = new Int32Array(buffer, INPUTS_AT, stride / 4);
    const bases = [this.#base0, this.#base1, this.#base2];
    for (let k = 0; k < FIRST_LAYER_NEURONS; k++) {
      const initial = initialFirst.subarray(k * inputCount, (k + 1) * inputCount);
      const weights = new Int32Array(buffer, bases[k], (setCounts[k] * stride) / 4);
      for (let s = 0; s < setCounts[k]; s++) weights.set(initial, (s * stride) / 4);
    }
    this.finalWeights = new Int32Array(buffer, this.#finalBase, finalSets * FINAL_NEURON_INPUTS);
    for (let s = 0; s < finalSets; s++) {
      this.finalWeights.set(initialFinal, s * FINAL_NEURON_INPUTS);
    }
    const instance = new WebAssembly.Instance(mixerModule(), { mixer: { memory: this.#memory } });
    const exports = instance.exports as unknown as MixerExports;
    exports.init(stride, firstRate, finalRate);
    this.#mix = exports.p;
    this.#learn = exports.update;
  }

  /** The mixed 12-bit probability, with weight sets `set0`, `set1`, `set2` and `finalSet`. */
  p(set0: number, set1: number, set2: number, finalSet: number): number {
    const stride = this.#stride;
    return this.#mix(
      this.#base0 + set0 * stride,
      this.#base1 + set1 * stride,
      this.#base2 + set2 * stride,
      this.#finalBase + finalSet * FINAL_NEURON_INPUTS * 4,
    );
  }

  /** Trains the weight sets used by the last {@link MixerNetwork.p} call on the coded `bit`. */
  update(bit: number): void {
    this.#learn(bit);
  }

  /** A copy of the weight sets of first-layer neuron `neuron`, `inputCount` weights per set. */
  neuronWeights(neuron: number): Int32Array {
    const n = this.#inputCount;
    const sets = this.#setCounts[neuron];
    const base = [this.#base0, this.#base1, this.#base2][neuron];
    const copy = new Int32Array(sets * n);
    for (let s = 0; s < sets; s++) {
      copy.set(new Int32Array(this.#memory.buffer, base + s * this.#stride, n), s * n);
    }
    return copy;
  }
}
