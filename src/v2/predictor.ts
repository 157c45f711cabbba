/**
 * The v2 bit model: predicts every bit of every sample, pixel by pixel (raster order), most
 * significant bit first, and learns from each coded bit.
 *
 * Per sample it computes predictions from the causal neighbours and derives context numbers;
 * per bit it looks up one adaptive slot per context, mixes their stretched probabilities with
 * three first-layer mixers and a final mixer, and refines the result with two APMs. See
 * `docs/v2-stream.md` for the exact definition.
 *
 * @module
 */
import { Apm } from "./apm.ts";
import { LmsPredictor } from "./lms.ts";
import { Mixer } from "./mixer.ts";
import {
  DIRECT_CLASSES,
  DIRECT_INPUTS,
  DIRECT_TABLE_SLOTS,
  FINAL_INPUTS,
  FIRST_LAYER_MIXERS,
  HASHED_INPUTS,
  MIXER_INPUTS,
  type V2Model,
} from "./model.ts";
import {
  gradientAdjustedPredict,
  logBucket,
  medianEdgePredict,
  SIGNED_BUCKETS,
  signedBucket,
} from "./predictors.ts";
import { STRETCH_TABLE } from "./squash.ts";
import { INITIAL_SLOT, makeSlot, updateSlot } from "./state_map.ts";

const BIAS_INPUT = 256;
const DIRECT_LIMIT = 1023;
const HASHED_LIMIT = 127;
const MIXER_RATE = 8;
const FINAL_RATE = 4;
const APM_RATE = 7;
const MIN_HASH_BITS = 12;
const MAX_HASH_BITS = 22;
const CLASS_MAX = DIRECT_CLASSES - 1;
const LMS_INPUTS = 12;
const FAST_T = 3000;
const LMS_RATE_SHIFT = 4;
const LMS_MAX_BITS = 12;

function hashBitsFor(pixels: number, bits: number): number {
  const wanted = 32 - Math.clz32(Math.max(1, pixels * bits * 2));
  return Math.min(MAX_HASH_BITS, Math.max(MIN_HASH_BITS, wanted));
}

function mix(h: number, value: number): number {
  const x = Math.imul(h ^ value, 0x9e3779b1);
  return x ^ (x >>> 15);
}

/**
 * Bit-level probability model for one image plane of `width × height` samples of `bits` bits.
 *
 * Call {@link V2Predictor.startSample} before the first bit of each sample (in raster order),
 * then {@link V2Predictor.p} and {@link V2Predictor.update} for each of its `bits` bits,
 * most significant first. `samples` must hold every sample before the current one.
 *
 * @example
 * ```ts
 * import { V2Predictor } from "./predictor.ts";
 * import { untrainedV2Model } from "./model.ts";
 * const samples = new Uint16Array([1]);
 * const predictor = new V2Predictor(samples, 1, 1, 1, untrainedV2Model());
 * predictor.startSample(0, 0);
 * console.log(predictor.p()); // 2047
 * predictor.update(1);
 * ```
 */
export class V2Predictor {
  readonly #samples: Uint16Array;
  readonly #width: number;
  readonly #bits: number;
  readonly #maxValue: number;
  readonly #scale: number;
  readonly #hashShift: number;
  /** Direct tables first, then the hashed table. */
  readonly #slots: Uint32Array;
  readonly #hashOffset: number;
  readonly #slotIndex = new Int32Array(DIRECT_INPUTS + HASHED_INPUTS);
  readonly #inputs = new Int32Array(MIXER_INPUTS);
  readonly #finalInputs = new Int32Array(FINAL_INPUTS);
  readonly #mixers: Mixer[] = [];
  readonly #final: Mixer;
  readonly #apmPosition: Apm;
  readonly #apmError: Apm;
  readonly #lms = new LmsPredictor(LMS_INPUTS, LMS_RATE_SHIFT);
  readonly #lmsShift: number;
  /** Absolute errors of the gradient-adjusted prediction, two rows. */
  readonly #gapErrors: Int32Array;
  /** Absolute errors of the LMS prediction, two rows. */
  readonly #lmsErrors: Int32Array;

  readonly #directPrediction = new Int32Array(DIRECT_INPUTS);
  readonly #directClass = new Int32Array(DIRECT_INPUTS);
  readonly #contextHash = new Int32Array(HASHED_INPUTS);
  readonly #bucket = new Int32Array(HASHED_INPUTS);

  #x = 0;
  #row = 0;
  #bit = 0;
  #known = 0;
  #node = 1;
  #group = 0;
  #gap = 0;
  #fast = false;
  #lmsMean = 0;
  #lmsPrediction = 0;
  #activityClass = 0;
  #errorClass = 0;

  /** Creates the model for an image, starting from `model`. */
  constructor(
    samples: Uint16Array,
    width: number,
    height: number,
    bits: number,
    model: V2Model,
  ) {
    this.#samples = samples;
    this.#width = width;
    this.#bits = bits;
    this.#maxValue = 2 ** bits - 1;
    this.#scale = bits - 8;
    this.#lmsShift = bits > LMS_MAX_BITS ? bits - LMS_MAX_BITS : 0;
    const hashBits = hashBitsFor(width * height, bits);
    this.#hashShift = 32 - (hashBits - 4);
    this.#hashOffset = DIRECT_INPUTS * DIRECT_TABLE_SLOTS;
    this.#slots = new Uint32Array(this.#hashOffset + (1 << hashBits)).fill(INITIAL_SLOT);
    for (let i = 0; i < this.#hashOffset; i++) {
      this.#slots[i] = makeSlot(model.directProbabilities[i], model.directCounts[i]);
    }
    for (let m = 0; m < FIRST_LAYER_MIXERS; m++) {
      const initial = model.mixerWeights.subarray(m * MIXER_INPUTS, (m + 1) * MIXER_INPUTS);
      const sets = m === 2 ? 16 * SIGNED_BUCKETS : 16 * DIRECT_CLASSES;
      this.#mixers.push(new Mixer(this.#inputs, sets, MIXER_RATE, initial));
    }
    this.#final = new Mixer(this.#finalInputs, 16, FINAL_RATE, model.finalWeights);
    this.#inputs[MIXER_INPUTS - 1] = BIAS_INPUT;
    this.#finalInputs[FINAL_INPUTS - 1] = BIAS_INPUT;
    this.#apmPosition = new Apm(16 * SIGNED_BUCKETS, APM_RATE);
    this.#apmError = new Apm(16 * DIRECT_CLASSES, APM_RATE);
    this.#gapErrors = new Int32Array(2 * width);
    this.#lmsErrors = new Int32Array(2 * width);
  }

  /** Brings a magnitude to the 8-bit scale and buckets it into a context class. */
  #magnitudeClass(value: number): number {
    const scaled = this.#scale >= 0 ? value >> this.#scale : value << -this.#scale;
    const bucket = logBucket(scaled);
    return bucket > CLASS_MAX ? CLASS_MAX : bucket;
  }

  #clamp(value: number): number {
    return value < 0 ? 0 : value > this.#maxValue ? this.#maxValue : value;
  }

  /** Weighted sum of the errors at W, N, NW and NE in a two-row error array. */
  #nearbyErrors(errors: Int32Array, x: number, y: number): number {
    const width = this.#width;
    const cur = (y & 1) * width;
    const prev = width - cur;
    const eW = x > 0 ? errors[cur + x - 1] : 0;
    const eN = y > 0 ? errors[prev + x] : eW;
    const eNW = y > 0 && x > 0 ? errors[prev + x - 1] : eN;
    const eNE = y > 0 && x + 1 < width ? errors[prev + x + 1] : eN;
    return eW + eN + ((eNW + eNE) >> 1);
  }

  /** Prepares the contexts of the sample at column `x`, row `y`. */
  startSample(x: number, y: number): void {
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
    const ls = this.#lmsShift;
    const mean = ((w >> ls) + (n >> ls) + (nw >> ls) + (ne >> ls) + 2) >> 2;
    const li = this.#lms.inputs;
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
    const gap = this.#clamp(gradientAdjustedPredict(w, n, nw, ne, ww, nn, nne, this.#scale));
    const med = medianEdgePredict(w, n, nw);
    const grad = this.#clamp(w + n - nw);
    li[10] = (gap >> ls) - mean;
    li[11] = (med >> ls) - mean;
    const lms = this.#clamp((mean + this.#lms.predict()) << ls);
    this.#lmsMean = mean;
    this.#lmsPrediction = lms;

    const errorClass = this.#magnitudeClass(this.#nearbyErrors(this.#gapErrors, x, y));
    const lmsErrorClass = this.#magnitudeClass(this.#nearbyErrors(this.#lmsErrors, x, y));
    const activityClass = this.#magnitudeClass(
      Math.abs(w - nw) + Math.abs(n - nw) + Math.abs(n - ne) + (Math.abs(w - ww) >> 1),
    );

    const dp = this.#directPrediction;
    const dc = this.#directClass;
    dp[0] = lms;
    dc[0] = (w > lms ? 1 : 0) | (n > lms ? 2 : 0) | (nw > lms ? 4 : 0) | (ne > lms ? 8 : 0);
    dp[1] = grad;
    dc[1] = errorClass;
    dp[2] = lms;
    dc[2] = lmsErrorClass;
    dp[3] = lms;
    dc[3] = activityClass;

    const shift = this.#scale > 2 ? this.#scale - 2 : 0;
    const qw = w >> shift, qn = n >> shift, qnw = nw >> shift, qne = ne >> shift;
    const h = this.#contextHash;
    h[0] = mix(mix(1, qw), qn);
    h[1] = mix(mix(mix(2, qn), qne), qnw);
    h[2] = mix(mix(3, gap >> shift), activityClass);
    h[3] = mix(
      mix(mix(mix(mix(mix(mix(4, qw), qn), qnw), qne), ww >> shift), nn >> shift),
      nne >> shift,
    );
    h[4] = mix(mix(4, med >> shift), errorClass);
    h[5] = mix(mix(mix(6, grad >> shift), signedBucket(n - nw)), signedBucket(w - nw));

    this.#x = x;
    this.#row = y;
    this.#gap = gap;
    this.#activityClass = activityClass;
    this.#errorClass = errorClass;
    this.#bit = this.#bits - 1;
    this.#known = 0;
    this.#group = 0;
    this.#startGroup();
  }

  #startGroup(): void {
    const key = Math.imul(this.#known + 1, 0x2545f491) ^ Math.imul(this.#group + 1, 0x6a09e667);
    const h = this.#contextHash;
    const bucket = this.#bucket;
    for (let j = 0; j < HASHED_INPUTS; j++) {
      let k = Math.imul(h[j] ^ key, 0x85ebca6b);
      k ^= k >>> 13;
      k = Math.imul(k, 0xc2b2ae35);
      bucket[j] = this.#hashOffset + ((k >>> this.#hashShift) << 4);
    }
    this.#node = 1;
  }

  /** The 12-bit probability (1…4095) that the next bit is 1. */
  p(): number {
    const bit = this.#bit;
    const middle = this.#known + (1 << bit);
    const slots = this.#slots;
    const index = this.#slotIndex;
    const inputs = this.#inputs;
    const dp = this.#directPrediction;
    const dc = this.#directClass;
    for (let j = 0; j < DIRECT_INPUTS; j++) {
      const slot = j * DIRECT_TABLE_SLOTS +
        ((((bit << 4) | dc[j]) << 6) | signedBucket(dp[j] - middle));
      index[j] = slot;
      inputs[j] = STRETCH_TABLE[slots[slot] >>> 20];
    }
    const sure = inputs[2] + inputs[3];
    if (sure > FAST_T || sure < -FAST_T) {
      this.#fast = true;
      const q = (slots[index[2]] >>> 21) + (slots[index[3]] >>> 21);
      const pf = this.#apmError.p(q, (bit << 4) | this.#errorClass);
      return pf < 1 ? 1 : pf > 4095 ? 4095 : pf;
    }
    this.#fast = false;
    const node = this.#node;
    const bucket = this.#bucket;
    for (let j = 0; j < HASHED_INPUTS; j++) {
      const slot = bucket[j] + node;
      index[DIRECT_INPUTS + j] = slot;
      inputs[DIRECT_INPUTS + j] = STRETCH_TABLE[slots[slot] >>> 20];
    }
    const position = signedBucket(this.#lmsPrediction - middle);
    const mixers = this.#mixers;
    mixers[0].p((bit << 4) | this.#errorClass);
    mixers[1].p((bit << 4) | this.#activityClass);
    mixers[2].p((bit << 6) | position);
    const fi = this.#finalInputs;
    for (let m = 0; m < FIRST_LAYER_MIXERS; m++) fi[m] = mixers[m].stretched;
    const mixed = this.#final.p(bit);
    const a = this.#apmPosition.p(mixed, (bit << 6) | position);
    const b = this.#apmError.p(mixed, (bit << 4) | this.#errorClass);
    const p = (2 * mixed + a + b + 2) >> 2;
    return p < 1 ? 1 : p > 4095 ? 4095 : p;
  }

  /**
   * Direct-table slots used by the last {@link V2Predictor.p} call (the first
   * `DIRECT_INPUTS` entries; training counts outcomes per slot with them).
   */
  get slotIndex(): Int32Array {
    return this.#slotIndex;
  }

  /** The first-layer mixers (training reads their learned weights). */
  get mixers(): readonly Mixer[] {
    return this.#mixers;
  }

  /** The final mixer. */
  get finalMixer(): Mixer {
    return this.#final;
  }

  /** Learns from the coded `bit` (the one {@link V2Predictor.p} was asked about). */
  update(bit: number): void {
    const slots = this.#slots;
    const index = this.#slotIndex;
    for (let j = 0; j < DIRECT_INPUTS; j++) updateSlot(slots, index[j], bit, DIRECT_LIMIT);
    if (this.#fast) {
      this.#apmError.update(bit);
    } else {
      for (let j = DIRECT_INPUTS; j < DIRECT_INPUTS + HASHED_INPUTS; j++) {
        updateSlot(slots, index[j], bit, HASHED_LIMIT);
      }
      for (let m = 0; m < FIRST_LAYER_MIXERS; m++) this.#mixers[m].update(bit);
      this.#final.update(bit);
      this.#apmPosition.update(bit);
      this.#apmError.update(bit);
    }

    if (bit) this.#known += 1 << this.#bit;
    this.#node = (this.#node << 1) | bit;
    if (this.#bit === 0) {
      const width = this.#width;
      this.#lms.update((this.#known >> this.#lmsShift) - this.#lmsMean);
      const at = (this.#row & 1) * width + this.#x;
      this.#gapErrors[at] = Math.abs(this.#known - this.#gap);
      this.#lmsErrors[at] = Math.abs(this.#known - this.#lmsPrediction);
      return;
    }
    this.#bit--;
    if (this.#node >= 16) {
      this.#group++;
      this.#startGroup();
    }
  }
}
