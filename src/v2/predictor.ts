/**
 * The v2 bit model: predicts every bit of every sample, pixel by pixel (raster order), most
 * significant bit first, and learns from each coded bit.
 *
 * Per sample it computes predictions from the causal neighbours and derives context numbers;
 * per bit it looks up one adaptive slot per context, mixes their stretched probabilities with
 * the mixing network and refines the result with three APMs. Bits that the two LMS-relative
 * tables already predict with near certainty take a short path (those two tables and one APM).
 * `docs/v2-stream.md` gives the exact definition; `bit_kernel.wat` runs all of it, and this
 * module chooses its start (the model's, or the state its primer leaves) and its table size.
 *
 * @module
 */
import { BitKernel, type KernelFeatures } from "./bit_kernel.ts";
import type { V2Model } from "./model.ts";

const MIN_HASH_BITS = 12;
/** The most hashed slots a table has: 2^22, or 2^24 with a large table (16 or 64 MiB). */
const MAX_HASH_BITS = 22;
const MAX_LARGE_HASH_BITS = 24;

/** log2 of the hashed table's slots: about 2 per coded bit, within 2^12…2^22 (or …2^24). */
function hashBitsFor(pixels: number, bits: number, large: boolean): number {
  const wanted = 32 - Math.clz32(Math.min(2 ** 30, Math.max(1, pixels * bits * 2)));
  return Math.min(large ? MAX_LARGE_HASH_BITS : MAX_HASH_BITS, Math.max(MIN_HASH_BITS, wanted));
}

/** The primed states of this thread, per model, by bits and hash bits (a few, newest last). */
const primedStates = new WeakMap<V2Model, Map<string, Uint8Array>>();
/** How many primed states this thread keeps per model. */
const PRIMED_STATES_KEPT = 4;

/**
 * How a plane is coded: with `leastSquares`, direct tables 1 and 8 follow the least-squares
 * predictor instead of the LMS ones (coders 2, 3, 5, 7, 9, 10 and 13); with `checkedWays`,
 * hashed buckets are checked among that many (4: coders 3, 5, 7, 9, 10 and 13; 2: coders 6, 8,
 * 11 and 12); with `rateDecay`, first-layer weight sets learn at decaying rates (coders 4 to 13);
 * with `splitApmUpdates`, each APM trains both cells it interpolated (coders 6 to 13); with
 * `phaseSets`, the pixel's phase takes part in choosing two neurons' weight sets (coders 8 to
 * 13); with `largeHashTable`, the hashed table may grow to 2^24 slots instead of 2^22 (coders 10
 * and 13); with `hashedContexts`, only those hashed contexts are looked up (coders 11 and 12);
 * with `certainty`, probabilities have 16 bits (coders 12 and 13).
 * `tile_coders.ts` names the combinations.
 */
export type V2CodingOptions = KernelFeatures & { largeHashTable?: boolean };

/**
 * The kernel an image starts with: the model's start, or, when the model has a primer of these
 * `bits`, the state after the primer's samples ran through a kernel of the same shape (as if
 * coded), computed once per shape in a thread and then copied.
 */
function startKernel(
  model: V2Model,
  bits: number,
  hashBits: number,
  imageWidth: number,
  features: KernelFeatures,
): BitKernel {
  const {
    leastSquares = false,
    checkedWays,
    rateDecay = false,
    splitApmUpdates = false,
    phaseSets = false,
    hashedContexts,
    certainty = false,
  } = features;
  const shape = {
    leastSquares,
    checkedWays,
    rateDecay,
    splitApmUpdates,
    phaseSets,
    hashedContexts,
    certainty,
  };
  const primer = model.primer;
  if (primer?.bits !== bits) return new BitKernel(model, bits, hashBits, { ...shape, imageWidth });
  let states = primedStates.get(model);
  if (!states) primedStates.set(model, states = new Map());
  const key = [bits, hashBits, ...Object.values(shape)].join("/");
  let state = states.get(key);
  if (!state) {
    const { samples, width, height } = primer;
    const kernel = new BitKernel(model, bits, hashBits, { ...shape, imageWidth: width });
    new V2Predictor(samples, width, height, bits, model, { kernel }).learnImage();
    state = kernel.state();
    kernel.release();
    if (states.size >= PRIMED_STATES_KEPT) states.delete(states.keys().next().value!);
    states.set(key, state);
  }
  return new BitKernel(model, bits, hashBits, { ...shape, state, imageWidth });
}

/**
 * Bit-level probability model for one image plane of `width × height` samples of `bits` bits.
 *
 * Call {@link V2Predictor.startSample} before the first bit of each sample (in raster order),
 * then {@link V2Predictor.update} with each of its `bits` bits, most significant first. Each
 * call returns the probability of the next bit. To encode, `samples` holds the image; to decode,
 * each sample is known to the model once its last bit is.
 *
 * @example
 * ```ts
 * import { ok, strictEqual } from "node:assert/strict";
 * import { V2Predictor } from "./predictor.ts";
 * import { untrainedV2Model } from "./model.ts";
 * const samples = new Uint16Array([1]);
 * const predictor = new V2Predictor(samples, 1, 1, 1, untrainedV2Model());
 * const p = predictor.startSample(0, 0); // probability that the sample's only bit is 1
 * ok(p > 0 && p < 4096);
 * strictEqual(predictor.update(1), 0); // 0: the sample is complete
 * ```
 */
export class V2Predictor {
  readonly #samples: Uint16Array;
  /** The image's last rows, the samples' contexts, slots, network and APMs. */
  readonly #kernel: BitKernel;
  readonly #width: number;
  readonly #bits: number;

  /**
   * Creates the model for an image, starting from `model` (primed by its primer when that is of
   * `bits` bits), or going on from `options.kernel` (the state another image left, made for an
   * image of this width; it then says whether the least-squares predictor runs, and
   * `options.leastSquares` is not read). The model keeps the last rows of `samples` as it goes:
   * to encode or learn, `samples` holds the image; to decode, each sample takes its place in the
   * model as its last bit is learnt.
   */
  constructor(
    samples: Uint16Array,
    width: number,
    height: number,
    bits: number,
    model: V2Model,
    options: V2CodingOptions & { kernel?: BitKernel } = {},
  ) {
    this.#samples = samples;
    this.#width = width;
    this.#bits = bits;
    this.#kernel = options.kernel ??
      startKernel(
        model,
        bits,
        hashBitsFor(width * height, bits, options.largeHashTable ?? false),
        width,
        options,
      );
  }

  /**
   * Runs every sample of the image (all of them already in `samples`) through the model in
   * order, each bit predicted and learnt as the encoder would, without coding anything.
   */
  learnImage(): void {
    const samples = this.#samples;
    const width = this.#width;
    const bits = this.#bits;
    const height = samples.length / width;
    for (let y = 0; y < height; y++) {
      for (let x = 0, i = y * width; x < width; x++, i++) {
        this.startSample(x, y);
        const value = samples[i];
        for (let b = bits - 1; b >= 0; b--) this.update((value >> b) & 1);
      }
    }
  }

  /** Gives the kernel's memory back (see `BitKernel.release`); the predictor is done. */
  release(): void {
    this.#kernel.release();
  }

  /**
   * Prepares the contexts of the sample at column `x`, row `y`; returns the probability that its
   * most significant bit is 1: 12 bits (1…4095), or 16 (1…65535) with the `certainty` feature.
   */
  startSample(x: number, y: number): number {
    this.prepareSample(x, y);
    return this.#kernel.startSample();
  }

  /**
   * Computes the contexts of the sample at column `x`, row `y` (its direct predictions and
   * classes in {@link V2Predictor.kernel}), without predicting a bit; then
   * {@link V2Predictor.skipSample} completes the sample uncoded.
   */
  prepareSample(x: number, y: number): void {
    if (x === 0) {
      const at = y * this.#width;
      this.#kernel.setRow(y, this.#samples.subarray(at, at + this.#width));
    }
    this.#kernel.prepareSample(x, y);
  }

  /**
   * Completes the prepared sample, whose value is `value`, without coding its bits: the LMS
   * predictors and the error contexts learn it as if it had been coded.
   */
  skipSample(value: number): void {
    this.#kernel.learnValue(value);
  }

  /** Slots behind the last probability returned, direct tables first. */
  get slotIndex(): Int32Array {
    return this.#kernel.slotIndex;
  }

  /** How many direct tables the last probability used (fewer on the short path). */
  get directTablesUsed(): number {
    return this.#kernel.directTablesUsed();
  }

  /** The slots, network and APMs (training reads the learned network weights). */
  get kernel(): BitKernel {
    return this.#kernel;
  }

  /**
   * Learns from the coded `bit`; returns the probability that the sample's next bit is 1, or 0
   * after its last bit.
   */
  update(bit: number): number {
    return this.#kernel.update(bit);
  }
}
