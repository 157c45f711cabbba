/**
 * The statistics v2 training learns its direct starts from: for every direct slot, how many bits
 * of the training images fall into it and how many of those are 1, over every bit of every
 * sample and every direct table.
 *
 * A direct slot depends only on the image (the sample's neighbours, the LMS predictions, which
 * learn from the sample values alone, and the bits above), never on what the adaptive model has
 * learned, so the counts are sums over independent decisions: any order of summing, on the CPU
 * or on a GPU (`src/gpu/v2_counts.ts`), gives the same integers. They are kept per fold (even-
 * and odd-numbered images) for the training's carry-over check.
 *
 * @module
 */
import type { GrayImage } from "../image/gray_image.ts";
import { significantBits } from "./codec.ts";
import {
  DIRECT_CLASSES,
  DIRECT_INPUTS,
  DIRECT_SLOTS,
  DIRECT_TABLE_SLOTS,
  type V2Model,
} from "./model.ts";
import { V2Predictor } from "./predictor.ts";
import type { TrainingProgress } from "./progress.ts";
import { DIFFERENCE_BUCKETS, MAX_DIFFERENCE, SIGNED_BUCKETS, signedBucket } from "./predictors.ts";

/**
 * Reports counting progress in percent of the samples, only when the percentage changes.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { countingProgress } from "./direct_counts.ts";
 * const seen: number[] = [];
 * const tell = countingProgress((done) => seen.push(done), 200);
 * tell(0);
 * tell(1);
 * tell(3);
 * tell(200);
 * deepStrictEqual(seen, [0, 1, 100]); // percents: tell(1) is still 0 %
 * ```
 */
export function countingProgress(
  progress: TrainingProgress | undefined,
  samples: number,
): (done: number) => void {
  let shown = -1;
  return (done) => {
    const percent = Math.floor((100 * done) / Math.max(1, samples));
    if (percent === shown || progress === undefined) return;
    shown = percent;
    progress(percent, 100, "counting direct slots (%)");
  };
}

/** Folds the counts are kept in: image `i` counts into fold `i % 2`. */
export const TRAINING_FOLDS = 2;

/**
 * Ones and uses of every direct slot, per fold: entry `fold · DIRECT_SLOTS + slot`.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { countDirectSlots } from "./direct_counts.ts";
 * import { untrainedV2Model } from "./model.ts";
 * const data = new Uint16Array(16).fill(7);
 * const image = { width: 4, height: 4, maxValue: 255, data };
 * const counts = await countDirectSlots([image], untrainedV2Model());
 * strictEqual(counts.totals.reduce((a, b) => a + b), 432); // 16 samples × 3 bits × 9 tables
 * ```
 */
export interface DirectSlotCounts {
  /** Bits equal to 1 per fold and slot (exact integers). */
  ones: Float64Array;
  /** Bits per fold and slot (exact integers). */
  totals: Float64Array;
}

/**
 * Empty counts.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { emptyDirectSlotCounts } from "./direct_counts.ts";
 * strictEqual(emptyDirectSlotCounts().ones.length, 294912);
 * ```
 */
export function emptyDirectSlotCounts(): DirectSlotCounts {
  return {
    ones: new Float64Array(TRAINING_FOLDS * DIRECT_SLOTS),
    totals: new Float64Array(TRAINING_FOLDS * DIRECT_SLOTS),
  };
}

/**
 * Receives each sample's value with its direct predictions and classes
 * (`DIRECT_INPUTS` each; the arrays are reused for the next sample).
 *
 * @example
 * ```ts
 * import type { SampleContextVisitor } from "./direct_counts.ts";
 * const logFirstTable: SampleContextVisitor = (value, predictions, classes) =>
 *   console.log(value, predictions[0], classes[0]);
 * ```
 */
export type SampleContextVisitor = (
  value: number,
  predictions: Int32Array,
  classes: Int32Array,
) => void;

/**
 * The direct predictions and classes of every sample of an image in raster order, as the coder
 * computes them with `start`'s learning rates for `bits`-bit samples (the image's significant
 * bit depth), handed out a row at a time.
 *
 * @example
 * ```ts
 * import { deepStrictEqual, strictEqual } from "node:assert/strict";
 * import { SampleContexts } from "./direct_counts.ts";
 * import { untrainedV2Model } from "./model.ts";
 * const image = { width: 2, height: 1, maxValue: 255, data: new Uint16Array([10, 12]) };
 * const contexts = new SampleContexts(image, 4, untrainedV2Model());
 * const seen: number[] = [];
 * contexts.visitRow((value) => seen.push(value));
 * deepStrictEqual(seen, [10, 12]);
 * strictEqual(contexts.rowsLeft, 0);
 * ```
 */
export class SampleContexts {
  readonly #predictor: V2Predictor;
  readonly #data: Uint16Array;
  readonly #width: number;
  readonly #height: number;
  readonly #predictions: Int32Array;
  readonly #classes: Int32Array;
  #y = 0;

  /** Starts before the first row of `image`. */
  constructor(image: GrayImage, bits: number, start: V2Model) {
    const { width, height, data } = image;
    this.#predictor = new V2Predictor(data, width, height, bits, start);
    this.#data = data;
    this.#width = width;
    this.#predictions = this.#predictor.kernel.directPrediction;
    this.#classes = this.#predictor.kernel.directClass;
    this.#height = height;
  }

  /** Rows not visited yet. */
  get rowsLeft(): number {
    return this.#height - this.#y;
  }

  /** Hands each sample of the next row to `visit`, left to right. */
  visitRow(visit: SampleContextVisitor): void {
    if (this.rowsLeft === 0) throw new RangeError("every row has been visited");
    const predictor = this.#predictor;
    const data = this.#data;
    const y = this.#y;
    for (let x = 0, i = y * this.#width; x < this.#width; x++, i++) {
      predictor.prepareSample(x, y);
      const value = data[i];
      visit(value, this.#predictions, this.#classes);
      predictor.skipSample(value);
    }
    this.#y++;
  }
}

/**
 * The direct slot of table `table` for bit `b` of a sample whose bits above `b` are `known`,
 * given the table's prediction and class.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { directSlot } from "./direct_counts.ts";
 * strictEqual(directSlot(0, 7, 0, 128, 3), 7392); // bit 7, class 3, prediction 128 at the middle
 * ```
 */
export function directSlot(
  table: number,
  b: number,
  known: number,
  prediction: number,
  klass: number,
): number {
  const middle = known + (1 << b);
  return table * DIRECT_TABLE_SLOTS + ((b * DIRECT_CLASSES + klass) * SIGNED_BUCKETS) +
    signedBucket(prediction - middle);
}

/**
 * The training images, in order, fetched one at a time when they are counted: a large training
 * set need not be in memory at once (a file can be read again when its turn comes).
 *
 * @example
 * ```ts
 * import type { TrainingImages } from "./direct_counts.ts";
 * const image = { width: 1, height: 1, maxValue: 255, data: new Uint16Array([7]) };
 * const images: TrainingImages = { count: 1, samples: 1, image: () => Promise.resolve(image) };
 * ```
 */
export interface TrainingImages {
  /** How many images there are. */
  readonly count: number;
  /** Their samples in all (for progress). */
  readonly samples: number;
  /** Image `index` (0 … count − 1), normalized as for coding. */
  image(index: number): Promise<GrayImage>;
}

/**
 * `images` as {@link TrainingImages} (arrays are wrapped; anything else is returned as is).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { asTrainingImages } from "./direct_counts.ts";
 * const image = { width: 2, height: 1, maxValue: 255, data: new Uint16Array([7, 8]) };
 * strictEqual(asTrainingImages([image]).samples, 2);
 * ```
 */
export function asTrainingImages(images: TrainingImages | readonly GrayImage[]): TrainingImages {
  if (!Array.isArray(images)) return images as TrainingImages;
  const list = images as readonly GrayImage[];
  return {
    count: list.length,
    samples: list.reduce((sum, image) => sum + image.data.length, 0),
    image: (index) => Promise.resolve(list[index]),
  };
}

/**
 * Adds the counts of every bit of `image` to fold `fold` of `counts`, with `start`'s learning
 * rates.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { addImageCounts, emptyDirectSlotCounts } from "./direct_counts.ts";
 * import { untrainedV2Model } from "./model.ts";
 * const counts = emptyDirectSlotCounts();
 * const image = { width: 4, height: 4, maxValue: 255, data: new Uint16Array(16).fill(7) };
 * addImageCounts(counts, image, 1, untrainedV2Model());
 * strictEqual(counts.totals.reduce((a, b) => a + b), 432); // 16 samples × 3 bits × 9 tables
 * ```
 */
export function addImageCounts(
  counts: DirectSlotCounts,
  image: GrayImage,
  fold: number,
  start: V2Model,
): void {
  // In u32 first (a slot counts at most one bit per sample, and an image has fewer than 2^32
  // samples), then added to the totals.
  const ones = new Uint32Array(DIRECT_SLOTS);
  const totals = new Uint32Array(DIRECT_SLOTS);
  const bits = significantBits(image.data);
  const countSample: SampleContextVisitor = (value, predictions, classes) => {
    for (let j = 0; j < DIRECT_INPUTS; j++) {
      // directSlot(j, b, known, …) for every bit b, with the bucket from the table
      const byClass = j * DIRECT_TABLE_SLOTS + classes[j] * SIGNED_BUCKETS;
      const difference = predictions[j] + MAX_DIFFERENCE;
      for (let b = bits - 1; b >= 0; b--) {
        const middle = ((value >> b) | 1) << b;
        const slot = byClass + b * DIRECT_CLASSES * SIGNED_BUCKETS +
          DIFFERENCE_BUCKETS[difference - middle];
        totals[slot]++;
        ones[slot] += (value >> b) & 1;
      }
    }
  };
  const contexts = new SampleContexts(image, bits, start);
  while (contexts.rowsLeft > 0) contexts.visitRow(countSample);
  const offset = fold * DIRECT_SLOTS;
  for (let s = 0; s < DIRECT_SLOTS; s++) {
    counts.ones[offset + s] += ones[s];
    counts.totals[offset + s] += totals[s];
  }
}

/**
 * Counts every bit of every image (image `i` in fold `i % 2`) in this thread, with `start`'s
 * learning rates.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { countDirectSlots } from "./direct_counts.ts";
 * import { untrainedV2Model } from "./model.ts";
 * const data = new Uint16Array(64).map((_, i) => i);
 * const image = { width: 8, height: 8, maxValue: 255, data };
 * const counts = await countDirectSlots([image], untrainedV2Model());
 * ok(counts.ones.reduce((a, b) => a + b) > 0);
 * ```
 */
export async function countDirectSlots(
  images: TrainingImages | readonly GrayImage[],
  start: V2Model,
  progress?: TrainingProgress,
): Promise<DirectSlotCounts> {
  const source = asTrainingImages(images);
  const counts = emptyDirectSlotCounts();
  const tell = countingProgress(progress, source.samples);
  let done = 0;
  for (let i = 0; i < source.count; i++) {
    tell(done);
    const image = await source.image(i);
    addImageCounts(counts, image, i % TRAINING_FOLDS, start);
    done += image.data.length;
  }
  tell(done);
  return counts;
}
