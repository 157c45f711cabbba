/**
 * Training of a {@link V2Model} from example images: deterministic, integer counting.
 *
 * The model is run over every image exactly as the coder would (raster order, MSB first,
 * starting from the base model, untrained by default). Each direct-table slot counts the zeros
 * and ones coded through it, over all images. A slot seen at least once starts at
 * `q = clamp((stretch(p) + 2056) >> 4, 1, 255)` where
 * `p = (ones·4096 + P·W + ⌊(total + W)/2⌋) / (total + W)` (integer division, clamped to
 * 1…4095), with the base start as prior: `P = squash(16·(q₀ − 128))`, `W = 8`, or `P = 2048`,
 * `W = 1` where the base slot is untrained.
 * The mixers start from, per mixer, the mean over images of the mean of its weight sets that
 * learned anything (integer division, truncated). The same images in the same order give the
 * same model bytes.
 *
 * When refining a given base model (a domain model from the built-in one), the learned direct
 * starts must first prove that they carry over to other images: learned from half of the images
 * (even- or odd-numbered), they must code the central crops of the other half in fewer bytes
 * than the base's starts, summed over both ways. Otherwise the model keeps the base's starts and
 * learns only the network's weights (and the searched rates).
 *
 * @module
 */
import type { GrayImage } from "../image/gray_image.ts";
import {
  DIRECT_SLOTS,
  FIRST_LAYER_NEURONS,
  MIXER_INPUTS,
  untrainedV2Model,
  type V2Model,
  type V2Parameters,
} from "./model.ts";
import { significantBits } from "./codec.ts";
import { centralCrop, codedBytes, searchV2Parameters } from "./parameter_search.ts";
import { V2Predictor } from "./predictor.ts";
import { squash, STRETCH_TABLE } from "./squash.ts";

/** Options of {@link trainV2Model}. */
export interface TrainV2Options {
  /** Learning rates and thresholds to train with and store (default: the untrained model's). */
  parameters?: Partial<V2Parameters>;
  /**
   * Whether to choose the learning rates for these images first (`parameter_search.ts`; about
   * a dozen extra coding passes over crops of the images). Default false.
   */
  searchParameters?: boolean;
  /**
   * A model to refine, e.g. the built-in one for a domain model: training runs from it, its
   * parameters are the starting point, and its direct starts count as {@link PRIOR_WEIGHT}
   * observations (slots these images never reach keep them). Default: the untrained model.
   */
  base?: V2Model;
}

/** How many observations a base model's direct start is worth. */
export const PRIOR_WEIGHT = 8;

/**
 * Trains a model on `images` (each coded at its significant bit depth).
 *
 * @example
 * ```ts
 * import { trainV2Model } from "./train.ts";
 * const data = new Uint16Array(64).map((_, i) => (i * 7) & 255);
 * const model = trainV2Model([{ width: 8, height: 8, maxValue: 255, data }]);
 * console.log(model.finalWeights.length); // 4
 * ```
 */
export function trainV2Model(images: Iterable<GrayImage>, options: TrainV2Options = {}): V2Model {
  const base = options.base ?? untrainedV2Model();
  let parameters = { ...base.parameters, ...options.parameters };
  const list = options.searchParameters || options.base ? Array.from(images) : undefined;
  if (list && options.searchParameters) parameters = searchV2Parameters(list, base, parameters);
  const start: V2Model = { ...base, parameters };
  const statistics = countTrainingStatistics(list ?? images, start);
  if (statistics.imageCount === 0) return start;
  const keepDirectStarts = list !== undefined && !directStartsCarryOver(list, start);
  return {
    parameters,
    directStarts: keepDirectStarts ? base.directStarts : directStartsFrom(statistics, base),
    mixerWeights: meanOverImages(statistics.mixerSums, statistics.imageCount),
    finalWeights: meanOverImages(statistics.finalSums, statistics.imageCount),
  };
}

/** What the model learns from a set of training images, summed over them. */
interface TrainingStatistics {
  /** Per direct slot: the ones and the bits coded through it. */
  ones: Float64Array;
  totals: Float64Array;
  /** Per image, the mean of each neuron's trained weight sets, summed. */
  mixerSums: Float64Array;
  finalSums: Float64Array;
  imageCount: number;
}

/** Runs the model from `start` over each image as the encoder would, and counts. */
function countTrainingStatistics(
  images: Iterable<GrayImage>,
  start: V2Model,
): TrainingStatistics {
  const ones = new Float64Array(DIRECT_SLOTS);
  const totals = new Float64Array(DIRECT_SLOTS);
  const mixerSums = new Float64Array(start.mixerWeights.length);
  const finalSums = new Float64Array(start.finalWeights.length);
  let imageCount = 0;
  for (const image of images) {
    const { width, height, data } = image;
    const bits = significantBits(data);
    const predictor = new V2Predictor(data, width, height, bits, start);
    const index = predictor.slotIndex;
    let i = 0;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++, i++) {
        predictor.startSample(x, y);
        const value = data[i];
        for (let b = bits - 1; b >= 0; b--) {
          const bit = (value >> b) & 1;
          const used = predictor.directTablesUsed;
          for (let j = 0; j < used; j++) {
            totals[index[j]]++;
            ones[index[j]] += bit;
          }
          predictor.update(bit);
        }
      }
    }
    const network = predictor.kernel;
    for (let k = 0; k < FIRST_LAYER_NEURONS; k++) {
      addMeanOfTrainedSets(
        network.neuronWeights(k),
        start.mixerWeights.subarray(k * MIXER_INPUTS, (k + 1) * MIXER_INPUTS),
        mixerSums.subarray(k * MIXER_INPUTS),
      );
    }
    addMeanOfTrainedSets(network.finalWeights, start.finalWeights, finalSums);
    imageCount++;
  }
  return { ones, totals, mixerSums, finalSums, imageCount };
}

/** The direct starts learned from `statistics`, with `base`'s starts as the prior. */
function directStartsFrom(statistics: TrainingStatistics, base: V2Model): Uint8Array {
  const { ones, totals } = statistics;
  const directStarts = base.directStarts.slice();
  for (let s = 0; s < DIRECT_SLOTS; s++) {
    const total = totals[s];
    if (total === 0) continue;
    const prior = base.directStarts[s];
    const priorWeight = prior === 0 ? 1 : PRIOR_WEIGHT;
    const priorP = prior === 0 ? 2048 : squash(16 * (prior - 128));
    let p = Math.floor(
      (ones[s] * 4096 + priorP * priorWeight + Math.floor((total + priorWeight) / 2)) /
        (total + priorWeight),
    );
    p = p < 1 ? 1 : p > 4095 ? 4095 : p;
    const q = (STRETCH_TABLE[p] + 2056) >> 4;
    directStarts[s] = q < 1 ? 1 : q > 255 ? 255 : q;
  }
  return directStarts;
}

function meanOverImages(sums: Float64Array, imageCount: number): Int32Array {
  const mean = new Int32Array(sums.length);
  for (let k = 0; k < sums.length; k++) mean[k] = Math.trunc(sums[k] / imageCount);
  return mean;
}

/**
 * Whether direct starts learned from some of the images code the others better than `start`'s
 * own: two-fold (even- and odd-numbered images), each fold learning from its images and coding
 * the central crops of the other's. True when there are too few images to tell.
 */
function directStartsCarryOver(images: readonly GrayImage[], start: V2Model): boolean {
  if (images.length < 2) return true;
  const folds = [0, 1].map((parity) => images.filter((_, i) => i % 2 === parity));
  let learnedBytes = 0;
  let keptBytes = 0;
  for (let f = 0; f < 2; f++) {
    const learned: V2Model = {
      ...start,
      directStarts: directStartsFrom(countTrainingStatistics(folds[f], start), start),
    };
    const crops = folds[1 - f].map(centralCrop);
    learnedBytes += codedBytes(crops, learned, start.parameters);
    keptBytes += codedBytes(crops, start, start.parameters);
  }
  return learnedBytes < keptBytes;
}

/** Adds to `sums` the mean of the weight sets in `weights` that moved away from `initial`. */
function addMeanOfTrainedSets(weights: Int32Array, initial: Int32Array, sums: Float64Array): void {
  const n = initial.length;
  const total = new Float64Array(n);
  let used = 0;
  for (let at = 0; at < weights.length; at += n) {
    let moved = false;
    for (let i = 0; i < n; i++) if (weights[at + i] !== initial[i]) moved = true;
    if (!moved) continue;
    used++;
    for (let i = 0; i < n; i++) total[i] += weights[at + i];
  }
  for (let i = 0; i < n; i++) sums[i] += used === 0 ? initial[i] : Math.trunc(total[i] / used);
}
