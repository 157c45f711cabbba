/**
 * The v2 bit model: predicts every bit of every sample, pixel by pixel (raster order), most
 * significant bit first, and learns from each coded bit.
 *
 * Per sample it computes predictions from the causal neighbours and derives context numbers;
 * per bit it looks up one adaptive slot per context, mixes their stretched probabilities with
 * the mixing network and refines the result with three APMs. Bits that the two LMS-relative
 * tables already predict with near certainty take a short path (those two tables and one APM).
 * `docs/v2-stream.md` gives the exact definition.
 *
 * @module
 */
import { BitKernel, type KernelFeatures, LMS_MAX_BITS } from "./bit_kernel.ts";
import { ERROR_SET_PHASE_SIDE, TEXTURE_SET_PHASE_SIDE } from "./kernel_layout.ts";
import { DIRECT_CLASSES, HASHED_INPUTS, type V2Model } from "./model.ts";
import {
  gradientAdjustedPredict,
  gradientShape,
  logBucket,
  medianEdgePredict,
  signedBucket,
} from "./predictors.ts";

/** With own error classes, direct tables 3…8 are classed by their own predictions' errors. */
const FIRST_OWN_CLASS_TABLE = 3;
const OWN_CLASS_TABLES = 6;
const MIN_HASH_BITS = 12;
/** The most hashed slots a table has: 2^22, or 2^24 with a large table (16 or 64 MiB). */
const MAX_HASH_BITS = 22;
const MAX_LARGE_HASH_BITS = 24;
const CLASS_MAX = DIRECT_CLASSES - 1;

/** log2 of the hashed table's slots: about 2 per coded bit, within 2^12…2^22 (or …2^24). */
function hashBitsFor(pixels: number, bits: number, large: boolean): number {
  const wanted = 32 - Math.clz32(Math.min(2 ** 30, Math.max(1, pixels * bits * 2)));
  return Math.min(large ? MAX_LARGE_HASH_BITS : MAX_HASH_BITS, Math.max(MIN_HASH_BITS, wanted));
}

/** The pixel's phase in blocks of `side × side` (a power of two): `(x mod side) + side·(y mod side)`. */
function phaseOf(x: number, y: number, side: number): number {
  return (x & (side - 1)) | ((y & (side - 1)) * side);
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
  if (primer?.bits !== bits) return new BitKernel(model, bits, hashBits, shape);
  let states = primedStates.get(model);
  if (!states) primedStates.set(model, states = new Map());
  const key = [bits, hashBits, ...Object.values(shape)].join("/");
  let state = states.get(key);
  if (!state) {
    const kernel = new BitKernel(model, bits, hashBits, shape);
    const { samples, width, height } = primer;
    new V2Predictor(samples, width, height, bits, model, { kernel }).learnImage();
    state = kernel.state();
    kernel.release();
    if (states.size >= PRIMED_STATES_KEPT) states.delete(states.keys().next().value!);
    states.set(key, state);
  }
  return new BitKernel(model, bits, hashBits, { ...shape, state });
}

/** One step of the context hash: `h' = x ^ (x >>> 15)` with `x = (h ^ value) · 0x9E3779B1`. */
function mix(h: number, value: number): number {
  const x = Math.imul(h ^ value, 0x9e3779b1);
  return x ^ (x >>> 15);
}

/**
 * Bit-level probability model for one image plane of `width × height` samples of `bits` bits.
 *
 * Call {@link V2Predictor.startSample} before the first bit of each sample (in raster order),
 * then {@link V2Predictor.update} with each of its `bits` bits, most significant first. Each
 * call returns the probability of the next bit. `samples` must hold every sample before the
 * current one.
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
  readonly #width: number;
  readonly #bits: number;
  readonly #maxValue: number;
  /** `bits − 8`: how far sample magnitudes are from the 8-bit scale the classes use. */
  readonly #scale: number;
  readonly #lmsShift: number;
  /** Slots, network and APMs: the per-bit work. */
  readonly #kernel: BitKernel;
  readonly #kernelStart: BitKernel["startSample"];
  readonly #kernelUpdate: BitKernel["update"];
  readonly #lmsInputs: Int32Array;
  readonly #lmsState: Int32Array;
  readonly #shape: Int32Array;
  /** The kernel's phases, with phase sets. */
  readonly #phases: Int32Array | undefined;
  readonly #predictLms: BitKernel["predictLms"];
  readonly #predictOls: BitKernel["predictOls"] | undefined;
  /** Absolute errors of the gradient-adjusted prediction, two rows and a zero (a block). */
  readonly #gapErrors: Int32Array;
  /** Absolute errors of the fast LMS prediction, a block as above. */
  readonly #lmsErrors: Int32Array;
  /**
   * With own error classes: the errors (`value − prediction`) of direct tables 3–8, a block of
   * two rows and a zero each, table after table.
   */
  readonly #tableErrors: Int32Array | undefined;
  /** Entries of a block of error rows: two rows and the zero after them. */
  readonly #errorBlock: number;
  /** `eW, eN, eNW, eNE` of the last `#nearbyErrors`. */
  readonly #nearby = new Int32Array(4);
  readonly #directPrediction: Int32Array;
  readonly #directClass: Int32Array;
  /** Where the sample's hashed contexts are computed: the kernel's, or all of them to choose from. */
  readonly #contextHash: Int32Array;
  /** The contexts the kernel looks up, when not all of them in order (then copied to it). */
  readonly #chosenContexts: readonly number[] | undefined;
  readonly #kernelHash: Int32Array;
  readonly #sampleValue: Int32Array;

  #x = 0;
  #atW = 0;
  #atN = 0;
  #atNW = 0;
  #atNE = 0;
  #atWW = 0;
  #atNEE = 0;
  #row = 0;
  #gap = 0;
  #lmsPrediction = 0;

  /**
   * Creates the model for an image, starting from `model` (primed by its primer when that is of
   * `bits` bits), or going on from `options.kernel` (the state another image left; it then says
   * whether the least-squares predictor runs, and `options.leastSquares` is not read).
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
    this.#maxValue = 2 ** bits - 1;
    this.#scale = bits - 8;
    this.#lmsShift = bits > LMS_MAX_BITS ? bits - LMS_MAX_BITS : 0;
    this.#kernel = options.kernel ??
      startKernel(
        model,
        bits,
        hashBitsFor(width * height, bits, options.largeHashTable ?? false),
        options,
      );
    this.#kernelStart = this.#kernel.startSample;
    this.#kernelUpdate = this.#kernel.update;
    this.#directPrediction = this.#kernel.directPrediction;
    this.#directClass = this.#kernel.directClass;
    const chosen = this.#kernel.hashedContexts;
    const inOrder = chosen.every((c, i) => c === i);
    this.#chosenContexts = inOrder ? undefined : chosen;
    this.#kernelHash = this.#kernel.contextHash;
    this.#contextHash = inOrder ? this.#kernelHash : new Int32Array(HASHED_INPUTS);
    this.#sampleValue = this.#kernel.sampleValue;
    this.#lmsInputs = this.#kernel.lmsInputs;
    this.#lmsState = this.#kernel.lmsState;
    this.#shape = this.#kernel.shape;
    this.#phases = this.#kernel.phaseSets ? this.#kernel.phases : undefined;
    this.#predictLms = this.#kernel.predictLms;
    this.#predictOls = this.#kernel.leastSquares ? this.#kernel.predictOls : undefined;
    this.#errorBlock = 2 * width + 1;
    this.#gapErrors = new Int32Array(this.#errorBlock);
    this.#lmsErrors = new Int32Array(this.#errorBlock);
    this.#tableErrors = model.ownErrorClasses
      ? new Int32Array(OWN_CLASS_TABLES * this.#errorBlock)
      : undefined;
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

  /** Brings a magnitude to the 8-bit scale and buckets it into a context class (0…15). */
  #magnitudeClass(value: number): number {
    const scaled = this.#scale >= 0 ? value >> this.#scale : value << -this.#scale;
    const bucket = logBucket(scaled);
    return bucket > CLASS_MAX ? CLASS_MAX : bucket;
  }

  #clamp(value: number): number {
    return value < 0 ? 0 : value > this.#maxValue ? this.#maxValue : value;
  }

  /**
   * `|eW| + |eN| + (|eNW| + |eNE| + |eWW| + |eNEE|) / 2` from the block of error rows at `base` of
   * `errors`, where `#locateErrors` placed the sample's neighbours; leaves `eW, eN, eNW, eNE` in
   * `#nearby`.
   */
  #nearbyErrors(errors: Int32Array, base = 0): number {
    const eW = errors[base + this.#atW];
    const eN = errors[base + this.#atN];
    const eNW = errors[base + this.#atNW];
    const eNE = errors[base + this.#atNE];
    const eWW = errors[base + this.#atWW];
    const eNEE = errors[base + this.#atNEE];
    const nearby = this.#nearby;
    nearby[0] = eW;
    nearby[1] = eN;
    nearby[2] = eNW;
    nearby[3] = eNE;
    return Math.abs(eW) + Math.abs(eN) +
      ((Math.abs(eNW) + Math.abs(eNE) + Math.abs(eWW) + Math.abs(eNEE)) >> 1);
  }

  /**
   * Where, in a block of two error rows, the errors of the sample's neighbours `eW, eN, eNW, eNE,
   * eWW, eNEE` are (§3.2's fallbacks: the position of another neighbour, or the block's zero
   * after its rows).
   */
  #locateErrors(x: number, y: number): void {
    const width = this.#width;
    const cur = (y & 1) * width;
    const prev = width - cur;
    const w = x > 0 ? cur + x - 1 : this.#errorBlock - 1; // the block's zero
    const n = y > 0 ? prev + x : w;
    const ne = y > 0 && x + 1 < width ? prev + x + 1 : n;
    this.#atW = w;
    this.#atN = n;
    this.#atNW = y > 0 && x > 0 ? prev + x - 1 : n;
    this.#atNE = ne;
    this.#atWW = x > 1 ? cur + x - 2 : w;
    this.#atNEE = y > 0 && x + 2 < width ? prev + x + 2 : ne;
  }

  /**
   * The own error class of a direct table from its two rows of signed errors at `base` of
   * `errors`: the magnitude class of their `nearby` sum, its lowest bit replaced by whether
   * `2(eW + eN) + eNW + eNE` is positive (the table's recent bias).
   */
  #ownErrorClass(errors: Int32Array, base: number): number {
    const magnitude = this.#nearbyErrors(errors, base);
    const nearby = this.#nearby;
    const positive = 2 * (nearby[0] + nearby[1]) + nearby[2] + nearby[3] > 0 ? 1 : 0;
    return (this.#magnitudeClass(magnitude) & ~1) | positive;
  }

  /**
   * Prepares the contexts of the sample at column `x`, row `y`; returns the probability that its
   * most significant bit is 1: 12 bits (1…4095), or 16 (1…65535) with the `certainty` feature.
   */
  startSample(x: number, y: number): number {
    this.prepareSample(x, y);
    return this.#kernelStart();
  }

  /**
   * Computes the contexts of the sample at column `x`, row `y` (its direct predictions and
   * classes in {@link V2Predictor.kernel}), without predicting a bit. Then either
   * {@link V2Predictor.startSample}'s bits follow through {@link V2Predictor.update}, or
   * {@link V2Predictor.skipSample} completes the sample uncoded.
   */
  prepareSample(x: number, y: number): void {
    const s = this.#samples;
    const width = this.#width;
    const i = y * width + x;
    let w, n, nw, ne, ww, nn, nne, nww, nee, nnw;
    if (y === 0) {
      w = x > 0 ? s[i - 1] : 1 << (this.#bits - 1);
      ww = x > 1 ? s[i - 2] : w;
      n =
        nw =
        ne =
        nn =
        nne =
        nww =
        nee =
        nnw =
          w;
    } else {
      n = s[i - width];
      w = x > 0 ? s[i - 1] : n;
      ww = x > 1 ? s[i - 2] : w;
      nw = x > 0 ? s[i - width - 1] : n;
      ne = x + 1 < width ? s[i - width + 1] : n;
      nn = y > 1 ? s[i - 2 * width] : n;
      nne = y > 1 && x + 1 < width ? s[i - 2 * width + 1] : ne;
      nww = x > 1 ? s[i - width - 2] : nw;
      nee = x + 2 < width ? s[i - width + 2] : ne;
      nnw = y > 1 && x > 0 ? s[i - 2 * width - 1] : nw;
    }
    const gap = this.#clamp(gradientAdjustedPredict(w, n, nw, ne, ww, nn, nne, this.#scale));
    const med = medianEdgePredict(w, n, nw);
    const grad = this.#clamp(w + n - nw);

    const ls = this.#lmsShift;
    const mean = ((w >> ls) + (n >> ls) + (nw >> ls) + (ne >> ls) + 2) >> 2;
    const li = this.#lmsInputs;
    li[0] = (w >> ls) - mean;
    li[1] = (n >> ls) - mean;
    li[2] = (nw >> ls) - mean;
    li[3] = (ne >> ls) - mean;
    li[4] = (ww >> ls) - mean;
    li[5] = (nn >> ls) - mean;
    li[6] = (nne >> ls) - mean;
    li[7] = (nww >> ls) - mean;
    li[8] = (nee >> ls) - mean;
    li[9] = (nnw >> ls) - mean;
    li[10] = (gap >> ls) - mean;
    li[11] = (med >> ls) - mean;
    this.#lmsState[0] = mean;
    const lms = this.#clamp((mean + this.#predictLms()) << ls);
    const predictOls = this.#predictOls;
    // Coder 2: the least-squares prediction stands in for FAST in table 1 and for SLOW in table 8.
    let leastSquares = -1;
    if (predictOls) {
      // The least-squares taps beyond the LMS inputs; outside the image's interior, all W.
      if (y >= 3 && x >= 3 && x + 3 < width) {
        li[12] = (s[i - 3] >> ls) - mean;
        li[13] = (s[i - 3 * width] >> ls) - mean;
        li[14] = (s[i - 2 * width - 2] >> ls) - mean;
        li[15] = (s[i - 2 * width + 2] >> ls) - mean;
        li[16] = (s[i - 3 * width - 1] >> ls) - mean;
        li[17] = (s[i - 3 * width + 1] >> ls) - mean;
        li[18] = (s[i - width + 3] >> ls) - mean;
        li[19] = (s[i - width - 3] >> ls) - mean;
      } else li.fill(li[0], 12, 20);
      leastSquares = this.#clamp((mean + predictOls()) << ls);
    }

    this.#locateErrors(x, y);
    const errorClass = this.#magnitudeClass(this.#nearbyErrors(this.#gapErrors));
    const lmsErrorClass = this.#magnitudeClass(this.#nearbyErrors(this.#lmsErrors));
    const activityClass = this.#magnitudeClass(
      Math.abs(w - nw) + Math.abs(n - nw) + Math.abs(n - ne) + (Math.abs(w - ww) >> 1),
    );
    const texture = (w > lms ? 1 : 0) | (n > lms ? 2 : 0) | (nw > lms ? 4 : 0) |
      (ne > lms ? 8 : 0);

    const dp = this.#directPrediction;
    const dc = this.#directClass;
    dp[0] = lms;
    dc[0] = lmsErrorClass;
    dp[1] = leastSquares >= 0 ? leastSquares : lms;
    dc[1] = activityClass;
    dp[2] = lms;
    dc[2] = texture;
    dp[3] = grad;
    dc[3] = errorClass;
    dp[4] = this.#clamp(n + ne - nne);
    dc[4] = errorClass;
    dp[5] = this.#clamp(2 * w - ww);
    dc[5] = errorClass;
    dp[6] = this.#clamp(w + ne - n);
    dc[6] = errorClass;
    dp[7] = this.#clamp(2 * n - nn);
    dc[7] = errorClass;
    dp[8] = leastSquares >= 0 ? leastSquares : this.#clamp((mean + this.#lmsState[1]) << ls);
    dc[8] = lmsErrorClass;
    const tableErrors = this.#tableErrors;
    if (tableErrors) {
      const block = this.#errorBlock;
      for (let j = 0, base = 0; j < OWN_CLASS_TABLES; j++, base += block) {
        dc[FIRST_OWN_CLASS_TABLE + j] = this.#ownErrorClass(tableErrors, base);
      }
    }

    const shift = this.#scale > 2 ? this.#scale - 2 : 0;
    const qw = w >> shift, qn = n >> shift, qnw = nw >> shift, qne = ne >> shift;
    const qww = ww >> shift, qnn = nn >> shift, qnne = nne >> shift;
    const h = this.#contextHash;
    h[0] = mix(mix(mix(6, grad >> shift), signedBucket(n - nw)), signedBucket(w - nw));
    h[1] = mix(mix(mix(mix(mix(mix(mix(4, qw), qn), qnw), qne), qww), qnn), qnne);
    h[2] = mix(mix(4, med >> shift), errorClass);
    h[3] = mix(mix(1, qw), qn);
    h[4] = mix(mix(3, gap >> shift), activityClass);
    h[5] = mix(mix(mix(2, qn), qne), qnw);
    h[6] = mix(mix(mix(7, qw), qnw), qww);
    h[7] = mix(mix(mix(8, qn), qnn), qnne);
    // Contexts 8 and 9 see the top 6 bits of a deeper sample (all of an 8-bit one).
    const c = this.#scale > 0 ? this.#scale + 2 : 0;
    const near = mix(
      mix(mix(mix(mix(mix(9, w >> c), n >> c), nw >> c), ne >> c), ww >> c),
      nn >> c,
    );
    h[8] = mix(mix(mix(mix(near, nne >> c), nww >> c), nee >> c), nnw >> c);
    h[9] = mix(mix(mix(mix(10, n >> c), ne >> c), nee >> c), nne >> c);
    const chosen = this.#chosenContexts;
    if (chosen) {
      const looked = this.#kernelHash;
      for (let k = 0; k < chosen.length; k++) looked[k] = h[chosen[k]];
    }

    this.#shape[0] = gradientShape(w - nw, n - nw, n - ne, w - ww, n - nn);
    const phases = this.#phases;
    if (phases) {
      phases[0] = phaseOf(x, y, ERROR_SET_PHASE_SIDE);
      phases[1] = phaseOf(x, y, TEXTURE_SET_PHASE_SIDE);
    }
    this.#x = x;
    this.#row = y;
    this.#gap = gap;
    this.#lmsPrediction = lms;
  }

  /**
   * Completes the prepared sample, whose value is `value`, without coding its bits: the LMS
   * predictors and the error contexts learn it as if it had been coded.
   */
  skipSample(value: number): void {
    this.#kernel.learnValue(value);
    this.#recordErrors(value);
  }

  #recordErrors(value: number): void {
    const at = (this.#row & 1) * this.#width + this.#x;
    this.#gapErrors[at] = Math.abs(value - this.#gap);
    this.#lmsErrors[at] = Math.abs(value - this.#lmsPrediction);
    const tableErrors = this.#tableErrors;
    if (tableErrors) {
      const dp = this.#directPrediction;
      for (let j = 0, i = at; j < OWN_CLASS_TABLES; j++, i += this.#errorBlock) {
        tableErrors[i] = value - dp[FIRST_OWN_CLASS_TABLE + j];
      }
    }
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
    const p = this.#kernelUpdate(bit);
    if (p !== 0) return p;
    this.#recordErrors(this.#sampleValue[0]);
    return 0;
  }
}
