/**
 * The v2 bit model of one image, run as a WebAssembly module (`bit_kernel.wat`): each sample's
 * contexts from its neighbours, then the adaptive slots, the mixing network (128-bit SIMD) and
 * the APMs, their lookups and updates. The integers are exactly those of `docs/v2-stream.md`
 * §3.2 and §3.3.
 *
 * The caller (`predictor.ts`) hands it each row of the image ({@link BitKernel.setRow}),
 * prepares each sample in raster order and then asks for each bit's probability.
 *
 * @module
 */
import { BIT_KERNEL_WASM_BASE64 } from "./bit_kernel_wasm.ts";
import {
  APM_CELLS,
  APM_CONTEXTS,
  BIAS_INPUT,
  CERTAINTY_LEVELS,
  CERTAINTY_SLOTS,
  CERTAINTY_START_COUNT,
  decayingRates,
  fillApmCells,
  FINAL_SET_BYTES,
  imageRegion,
  KERNEL_CONSTANTS as AT,
  type KernelState,
  kernelState,
  LMS_INPUTS,
  MIXER_SET_COUNTS,
  ROWS_KEPT,
  SET_BYTES,
} from "./kernel_layout.ts";
import {
  BIT_POSITIONS,
  DIRECT_INPUTS,
  DIRECT_SLOTS,
  FIRST_LAYER_NEURONS,
  HASHED_INPUTS,
  networkOf,
  type NetworkShape,
  type V2Model,
} from "./model.ts";
import { DIFFERENCE_BUCKETS } from "./predictors.ts";
import { squash, SQUASH_TABLE, STRETCH_TABLE } from "./squash.ts";
import { INITIAL_SLOT, makeSlot, SLOT_RATES } from "./state_map.ts";

/** The LMS predictors work on the top 12 bits of deeper samples. */
export const LMS_MAX_BITS = 12;
const PAGE_BYTES = 65536;

const directSlotsOf = new WeakMap<V2Model, Int32Array>();

/** The direct tables' starting slots of `model` (made once per model). */
function directSlots(model: V2Model): Int32Array {
  let slots = directSlotsOf.get(model);
  if (!slots) {
    slots = new Int32Array(DIRECT_SLOTS);
    const count = model.parameters.startCount;
    for (let i = 0; i < DIRECT_SLOTS; i++) {
      const start = model.directStarts[i];
      slots[i] = start === 0 ? INITIAL_SLOT : makeSlot(squash(16 * (start - 128)), count);
    }
    directSlotsOf.set(model, slots);
  }
  return slots;
}

interface KernelExports {
  bindImage(width: number, rowsAt: number, errorsAt: number, ownErrorClasses: number): void;
  prepareSample(x: number, y: number): void;
  startSample(): number;
  update(bit: number): number;
  directTablesUsed(): number;
  learnValue(value: number): void;
}

let compiled: WebAssembly.Module | undefined;

/** A kernel memory given back by {@link BitKernel.release}, for the next kernel of this thread. */
let spare: WebAssembly.Memory | undefined;

/**
 * A memory of at least `pages` pages whose first `pages` pages are zero, as a new one's are: the
 * spare one when there is one (grown if needed, then cleared), else a new one. Reusing it keeps a
 * thread that codes tile after tile at one kernel memory, whenever the collector runs.
 */
function takeMemory(pages: number): WebAssembly.Memory {
  const memory = spare;
  spare = undefined;
  if (!memory) return new WebAssembly.Memory({ initial: pages });
  const have = memory.buffer.byteLength / PAGE_BYTES;
  if (have < pages) memory.grow(pages - have);
  new Uint8Array(memory.buffer, 0, pages * PAGE_BYTES).fill(0);
  return memory;
}

function kernelModule(): WebAssembly.Module {
  if (!compiled) {
    const text = atob(BIT_KERNEL_WASM_BASE64.join(""));
    const bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    compiled = new WebAssembly.Module(bytes);
  }
  return compiled;
}

/**
 * What a coder adds to the v2 model (`tile_coders.ts` names the combinations): the least-squares
 * predictor, checked hashed buckets, decaying learning rates, split APM updates and phase sets.
 *
 * @example
 * ```ts
 * import type { KernelFeatures } from "./bit_kernel.ts";
 * const max: KernelFeatures = {
 *   leastSquares: true,
 *   checkedWays: 4,
 *   rateDecay: true,
 *   splitApmUpdates: true,
 *   phaseSets: true,
 *   certainty: true,
 * };
 * ```
 */
export interface KernelFeatures {
  /** Whether the least-squares predictor runs (coders 2, 3, 5, 7, 9, 10 and 13). */
  leastSquares?: boolean;
  /**
   * With checked buckets, among how many buckets of its group each hashed context's bucket is
   * looked for, by the check of its hash in slot 0 (4: coders 3, 5, 7, 9, 10 and 13; 2: coders 6, 8
   * and 11): a bucket of another context is not used but replaced. Absent: unchecked buckets.
   */
  checkedWays?: 2 | 4;
  /**
   * Whether each first-layer weight set learns fast while it is new and slower as it is trained
   * (coders 4 to 13), instead of at the model's fixed rate.
   */
  rateDecay?: boolean;
  /**
   * Whether an APM trains both cells it interpolated, each by its share (coders 6 to 13), instead
   * of only the nearer one.
   */
  splitApmUpdates?: boolean;
  /**
   * Whether the pixel's phase takes part in choosing the weight sets of the error- and
   * texture-selected first-layer neurons (coders 8 to 13; `ERROR_SET_PHASE_SIDE`).
   */
  phaseSets?: boolean;
  /**
   * Which of the model's hashed contexts the coder looks up in samples of at most 8 bits, in this
   * order (coders 11 and 12: 0, 3, 6, 7, 8, 9): they are the network's hashed inputs, each with the
   * model's start weights of its context. Absent, and for deeper samples: all of the model's, in
   * order.
   */
  hashedContexts?: readonly number[];
  /**
   * Whether probabilities have 16 bits (coders 12 and 13): a 12-bit probability near 0 or 1 is
   * refined by a certainty slot that learns how certain such bits really are, and the range
   * coder splits at 16 bits.
   */
  certainty?: boolean;
}

/**
 * The model of one image, in a WebAssembly instance of its own: its samples, their contexts and
 * the slots, network and APMs that predict their bits.
 *
 * @example
 * ```ts
 * import { ok, strictEqual } from "node:assert/strict";
 * import { BitKernel } from "./bit_kernel.ts";
 * import { untrainedV2Model } from "./model.ts";
 * const kernel = new BitKernel(untrainedV2Model(), 8, 12, { imageWidth: 2 });
 * kernel.setRow(0, new Uint16Array([100, 101]));
 * kernel.prepareSample(0, 0);
 * const p = kernel.startSample(); // is the first sample ≥ 128?
 * const next = kernel.update(0); // is it ≥ 64?
 * ok(p > 0 && p < 4096 && next > 0);
 * strictEqual(kernel.directPrediction.length, 9);
 * ```
 */
export class BitKernel {
  /** The current sample's direct-table predictions ({@link BitKernel.prepareSample}'s). */
  readonly directPrediction: Int32Array;
  /** The current sample's direct-table classes ({@link BitKernel.prepareSample}'s). */
  readonly directClass: Int32Array;
  /** Which of the model's hashed contexts the network's hashed inputs are, in order. */
  readonly hashedContexts: readonly number[];
  /** Slots used by the last probability, direct tables first. */
  readonly slotIndex: Int32Array;
  /**
   * Computes the contexts of the sample at column `x`, row `y` (the samples before it in its
   * row and the rows above it known: {@link BitKernel.setRow}); then
   * {@link BitKernel.startSample} and {@link BitKernel.update} code its bits, or
   * {@link BitKernel.learnValue} completes it.
   */
  readonly prepareSample: (x: number, y: number) => void;
  /**
   * Starts the prepared sample; returns the probability that its most significant bit is 1:
   * 12 bits (1…4095), or 16 (1…65535) with {@link KernelFeatures.certainty}.
   */
  readonly startSample: () => number;
  /**
   * Learns from the coded bit; returns the probability that the sample's next bit is 1, or 0
   * after its last bit (the sample then takes its place in its row).
   */
  readonly update: (bit: number) => number;
  /** How many direct tables the last probability used (2 on the short path, else 9). */
  readonly directTablesUsed: () => number;
  /**
   * Completes the prepared sample, whose value is `value`, without coding its bits: the LMS and
   * least-squares predictors and the error rows learn it as if it had been coded (training
   * counts use this).
   */
  readonly learnValue: (value: number) => void;
  readonly #memory: WebAssembly.Memory;
  /** The image's last rows ({@link ROWS_KEPT}), row `y` at place `y mod ROWS_KEPT`. */
  readonly #rows: Uint16Array;
  readonly #width: number;
  readonly #neuronAt: readonly number[];
  readonly #finalAt: number;
  readonly #network: NetworkShape;
  readonly #bytes: number;

  /**
   * Creates the model of an image of `bits`-bit samples, `options.imageWidth` wide (none: no
   * image, for a state alone), with a hashed table of 2^hashBits slots: the start of `model`,
   * or `options.state` (a {@link BitKernel.state} of a kernel of the same model, shape and
   * features). With `options.leastSquares` (coders 2, 3, 5, 7, 9, 10 and 13), the least-squares
   * predictor stands in for two of the LMS ones; with `options.checkedWays` (coders 3 and 5 to
   * 13), each hashed context's bucket is checked and, when another context's, replaced; with
   * `options.rateDecay` (coders 4 to 13), each first-layer weight set's learning rate decays with
   * the updates it has had; with `options.splitApmUpdates` (coders 6 to 13), each APM trains both
   * cells it interpolated; with `options.phaseSets` (coders 8 to 13), the pixel's phase takes
   * part in choosing weight sets; with `options.hashedContexts` (coders 11 and 12) and samples of
   * at most 8 bits, those of the model's hashed contexts (those it has) are looked up, in that
   * order, and are the network's hashed inputs; with `options.certainty` (coders 12 and 13), the
   * probabilities returned have 16 bits.
   */
  constructor(
    model: V2Model,
    bits: number,
    hashBits: number,
    options: KernelFeatures & {
      state?: Uint8Array;
      imageWidth?: number;
    } = {},
  ) {
    const parameters = model.parameters;
    const { neuronAt, finalAt, apmAt, countsAt, certaintyAt, slotsAt, slotCount, bytes } =
      kernelState(hashBits);
    const width = options.imageWidth ?? 0;
    const image = imageRegion(width);
    const imageAt = Math.ceil(bytes / 64) * 64;
    this.#memory = takeMemory(Math.ceil((imageAt + image.bytes) / PAGE_BYTES));
    this.#neuronAt = neuronAt;
    this.#bytes = bytes;
    const buffer = this.#memory.buffer;

    this.#rows = new Uint16Array(buffer, imageAt + image.rowsAt, ROWS_KEPT * width);
    this.#width = width;
    this.directPrediction = new Int32Array(buffer, AT.PREDICTIONS_AT, DIRECT_INPUTS);
    this.directClass = new Int32Array(buffer, AT.CLASSES_AT, DIRECT_INPUTS);
    this.slotIndex = new Int32Array(buffer, AT.SLOT_INDEX_AT, DIRECT_INPUTS + HASHED_INPUTS);
    this.#finalAt = finalAt;
    const modelNetwork = networkOf(model);
    const modelContexts = modelNetwork.inputs - DIRECT_INPUTS - 1;
    const chosen = bits <= 8 ? options.hashedContexts : undefined;
    this.hashedContexts = (chosen ?? Array.from({ length: modelContexts }, (_, c) => c))
      .filter((c) => c < modelContexts);
    this.#network = {
      neurons: modelNetwork.neurons,
      inputs: DIRECT_INPUTS + this.hashedContexts.length + 1,
    };
    // The model's weight column of each network input: the direct tables, the hashed contexts
    // looked up, the bias.
    const columns = [
      ...Array.from({ length: DIRECT_INPUTS }, (_, i) => i),
      ...this.hashedContexts.map((c) => DIRECT_INPUTS + c),
      modelNetwork.inputs - 1,
    ];
    if (options.state) new Uint8Array(buffer).set(options.state);
    else {
      startState(buffer, model, columns, {
        neuronAt,
        finalAt,
        apmAt,
        countsAt,
        certaintyAt,
        slotsAt,
        slotCount,
      });
    }
    new Int32Array(buffer, AT.HASH_CHOICE_AT, this.hashedContexts.length)
      .set(this.hashedContexts);

    const decay = decayingRates(parameters.mixerRate);
    const instance = new WebAssembly.Instance(kernelModule(), {
      kernel: {
        memory: this.#memory,
        final: finalAt,
        neuronsBytes: this.#network.neurons * 4,
        inputBytes: Math.ceil(this.#network.inputs / 4) * 16,
        hashedInputs: this.#network.inputs - DIRECT_INPUTS - 1,
        apmPosition: apmAt[0],
        apmError: apmAt[1],
        apmValue: apmAt[2],
        slots: slotsAt,
        bits,
        shortPathThreshold: parameters.shortPathThreshold,
        hashedLimit: parameters.hashedLimit,
        firstRate: parameters.mixerRate,
        finalRate: parameters.finalRate,
        hashShift: 32 - (hashBits - 4),
        lmsShift: bits > LMS_MAX_BITS ? bits - LMS_MAX_BITS : 0,
        fastLmsRate: parameters.lmsRateShift,
        slowLmsRate: parameters.slowLmsRateShift,
        leastSquares: options.leastSquares === true ? 1 : 0,
        checkedWays: options.checkedWays ?? 0,
        rateDecay: options.rateDecay === true ? 1 : 0,
        splitApmUpdates: options.splitApmUpdates === true ? 1 : 0,
        decayFloor: decay.floor,
        decayBoost: decay.boost,
        certainty: options.certainty === true ? 1 : 0,
        certainties: certaintyAt,
        phaseSets: options.phaseSets === true ? 1 : 0,
      },
    });
    const exports = instance.exports as unknown as KernelExports;
    if (width > 0) {
      exports.bindImage(width, imageAt + image.rowsAt, imageAt, model.ownErrorClasses ? 1 : 0);
    }
    this.prepareSample = exports.prepareSample;
    this.startSample = exports.startSample;
    this.update = exports.update;
    this.directTablesUsed = exports.directTablesUsed;
    this.learnValue = exports.learnValue;
  }

  /**
   * Puts row `y` of the image (`values`, the image's width long) in place before its samples are
   * prepared. A decoder need not: each decoded sample takes its place as its last bit is learnt.
   */
  setRow(y: number, values: Uint16Array): void {
    this.#rows.set(values, (y % ROWS_KEPT) * this.#width);
  }

  /** A copy of the whole state, for {@link BitKernel}'s `options.state`. */
  state(): Uint8Array {
    return new Uint8Array(this.#memory.buffer, 0, this.#bytes).slice();
  }

  /**
   * Gives the kernel's memory back for the next kernel of this thread; the kernel must not be
   * used afterwards.
   */
  release(): void {
    spare = this.#memory;
  }

  /** A copy of the weight sets of first-layer neuron `neuron`, the model's inputs per set. */
  neuronWeights(neuron: number): Int32Array {
    const { inputs } = this.#network;
    return this.#weightSets(this.#neuronAt[neuron], MIXER_SET_COUNTS[neuron], SET_BYTES, inputs);
  }

  /** A copy of the final neuron's weight sets, one more than the model's neurons per set. */
  finalWeights(): Int32Array {
    return this.#weightSets(
      this.#finalAt,
      BIT_POSITIONS,
      FINAL_SET_BYTES,
      this.#network.neurons + 1,
    );
  }

  #weightSets(at: number, sets: number, setBytes: number, weights: number): Int32Array {
    const copy = new Int32Array(sets * weights);
    const lanes = new Int32Array(this.#memory.buffer, at, (sets * setBytes) / 4);
    const setLanes = setBytes / 4;
    for (let s = 0, to = 0; s < sets; s++) {
      for (let i = 0, from = s * setLanes; i < weights; i++) copy[to++] = lanes[from++];
    }
    return copy;
  }
}

/**
 * Writes the start of `model` into a zeroed kernel memory: tables, LMS, network (input `i`
 * starting from the model's weights of input `columns[i]`), APMs, certainty slots, slots (the
 * sets' update counts start at zero).
 */
function startState(
  buffer: ArrayBufferLike,
  model: V2Model,
  columns: readonly number[],
  at: Omit<KernelState, "bytes">,
): void {
  const { neuronAt, apmAt, countsAt, certaintyAt, slotsAt, slotCount } = at;
  new Int16Array(buffer, AT.SQUASH_AT, 4096).set(SQUASH_TABLE);
  new Int16Array(buffer, AT.STRETCH_AT, 4096).set(STRETCH_TABLE);
  new Int32Array(buffer, AT.RATES_AT, SLOT_RATES.length).set(SLOT_RATES);
  new Uint8Array(buffer, AT.BUCKETS_AT, DIFFERENCE_BUCKETS.length).set(DIFFERENCE_BUCKETS);
  const { neurons, inputs } = networkOf(model);
  new Int32Array(buffer, AT.INPUTS_AT, columns.length)[columns.length - 1] = BIAS_INPUT;
  for (const lms of [AT.FAST_LMS_WEIGHTS_AT, AT.SLOW_LMS_WEIGHTS_AT]) {
    new Int32Array(buffer, lms, LMS_INPUTS).fill(Math.floor(65536 / LMS_INPUTS));
  }
  for (let k = 0; k < neurons; k++) {
    const weights = model.mixerWeights.subarray(k * inputs, (k + 1) * inputs);
    const initial = new Int32Array(columns.length);
    for (let i = 0; i < columns.length; i++) initial[i] = weights[columns[i]];
    const sets = new Int32Array(buffer, neuronAt[k], (MIXER_SET_COUNTS[k] * SET_BYTES) / 4);
    for (let at = 0; at < sets.length; at += SET_BYTES / 4) sets.set(initial, at);
  }
  for (let s = 0; s < BIT_POSITIONS; s++) {
    new Int32Array(buffer, at.finalAt + s * FINAL_SET_BYTES, neurons + 1).set(model.finalWeights);
  }
  new Int32Array(buffer, AT.NEURON_BASE_AT, FIRST_LAYER_NEURONS).set(neuronAt);
  new Int32Array(buffer, AT.NEURON_COUNTS_AT, FIRST_LAYER_NEURONS).set(countsAt);
  new Int32Array(buffer, AT.FINAL_INPUTS_AT, neurons + 1)[neurons] = BIAS_INPUT;
  for (let a = 0; a < APM_CONTEXTS.length; a++) {
    fillApmCells(new Uint16Array(buffer, apmAt[a], APM_CONTEXTS[a] * APM_CELLS));
  }
  const certainties = new Int32Array(buffer, certaintyAt, CERTAINTY_SLOTS);
  for (let i = 0; i < CERTAINTY_SLOTS; i++) certainties[i] = startCertainty(i);
  const slots = new Int32Array(buffer, slotsAt, slotCount);
  slots.set(directSlots(model));
  slots.fill(INITIAL_SLOT, DIRECT_SLOTS);
}

/**
 * The start of certainty slot `i`: its level's 12-bit probability, with the count
 * {@link CERTAINTY_START_COUNT}.
 */
function startCertainty(i: number): number {
  const level = (i % CERTAINTY_LEVELS) + 1;
  const side = Math.floor(i / (CERTAINTY_LEVELS * BIT_POSITIONS)) & 1;
  return makeSlot(side ? 4096 - level : level, CERTAINTY_START_COUNT);
}
