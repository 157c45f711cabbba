/**
 * Training of a {@link V2Model} from example images: deterministic, integer counting
 * (`docs/v2-stream.md` §5).
 *
 * Every bit of every sample is counted through every direct table (`direct_counts.ts`: the
 * slots depend only on the images, so the counts can be made on a GPU). A slot seen at least once
 * starts at `q = clamp((stretch(p) + 2056) >> 4, 1, 255)` where
 * `p = (ones·4096 + P·W + ⌊(total + W)/2⌋) / (total + W)` (integer division, clamped to
 * 1…4095), with the base start as prior: `P = squash(16·(q₀ − 128))`, `W = 8`, or `P = 2048`,
 * `W = 1` where the base slot is untrained.
 * The mixers start from, per mixer, the mean over the images' central crops of the mean of its
 * weight sets that learned anything there (integer division, truncated). The same images in the
 * same order give the same model bytes.
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
import { countDirectSlots, type DirectSlotCounts, TRAINING_FOLDS } from "./direct_counts.ts";
import type { TrainingProgress } from "./progress.ts";
import { centralCrop, codedBytes, type Crop, searchV2Parameters } from "./parameter_search.ts";
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
  /** Told how far the learning-rate search, the network learning and the check are. */
  progress?: TrainingProgress;
}

/** How many observations a base model's direct start is worth. */
export const PRIOR_WEIGHT = 8;

/**
 * Trains a model on `images` (each coded at its significant bit depth), counting on the CPU.
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
  const training = new V2Training(images, options);
  return training.finish(countDirectSlots(training.images, training.start, options.progress));
}

/**
 * v2 training in two steps, so that the direct-slot counts, the part that grows with the
 * training set, can be made elsewhere (on a GPU, `src/gpu/v2_counts.ts`): construct it (this
 * searches the learning rates), count {@link V2Training.images} from {@link V2Training.start},
 * then {@link V2Training.finish} with the counts.
 *
 * @example
 * ```ts
 * import { countDirectSlots } from "./direct_counts.ts";
 * import { V2Training } from "./train.ts";
 * const data = new Uint16Array(64).map((_, i) => (i * 7) & 255);
 * const training = new V2Training([{ width: 8, height: 8, maxValue: 255, data }]);
 * const model = training.finish(countDirectSlots(training.images, training.start));
 * console.log(model.mixerWeights.length); // 54
 * ```
 */
export class V2Training {
  /** The training images, in the order given. */
  readonly images: readonly GrayImage[];
  /** The model training starts from: the base with the chosen learning rates. */
  readonly start: V2Model;
  readonly #base: V2Model;
  readonly #refining: boolean;
  readonly #progress: TrainingProgress | undefined;

  /** Takes the images and options, and searches the learning rates if asked to. */
  constructor(images: Iterable<GrayImage>, options: TrainV2Options = {}) {
    this.images = Array.from(images);
    this.#base = options.base ?? untrainedV2Model();
    this.#refining = options.base !== undefined;
    this.#progress = options.progress;
    let parameters = { ...this.#base.parameters, ...options.parameters };
    if (options.searchParameters) {
      parameters = searchV2Parameters(this.images, this.#base, parameters, this.#progress);
    }
    this.start = { ...this.#base, parameters };
  }

  /** Makes the model from the direct-slot counts of {@link V2Training.images}. */
  finish(counts: DirectSlotCounts): V2Model {
    const { images, start } = this;
    if (images.length === 0) return start;
    const crops = images.map(centralCrop);
    const network = learnNetworkWeights(crops, start, this.#progress);
    const [ones, totals] = [counts.ones, counts.totals].map(sumOfFolds);
    const keepDirectStarts = this.#refining &&
      !directStartsCarryOver(counts, crops, start, this.#progress);
    return {
      parameters: start.parameters,
      directStarts: keepDirectStarts
        ? this.#base.directStarts
        : directStartsFrom(ones, totals, this.#base),
      ...network,
    };
  }
}

/** The counts of all folds together. */
function sumOfFolds(perFold: Float64Array): Float64Array {
  const sum = perFold.slice(0, DIRECT_SLOTS);
  for (let f = 1; f < TRAINING_FOLDS; f++) {
    const fold = perFold.subarray(f * DIRECT_SLOTS, (f + 1) * DIRECT_SLOTS);
    for (let s = 0; s < DIRECT_SLOTS; s++) sum[s] += fold[s];
  }
  return sum;
}

/**
 * The network's start weights: runs the model from `start` over each crop as the encoder would
 * and takes, per neuron, the mean over crops of the mean of its weight sets that learned
 * anything (integer division, truncated).
 */
function learnNetworkWeights(
  crops: readonly Crop[],
  start: V2Model,
  progress?: TrainingProgress,
): Pick<V2Model, "mixerWeights" | "finalWeights"> {
  const mixerSums = new Float64Array(start.mixerWeights.length);
  const finalSums = new Float64Array(start.finalWeights.length);
  for (const [c, { samples, width, height, bits }] of crops.entries()) {
    progress?.(c, crops.length, "learning the network's weights");
    const predictor = new V2Predictor(samples, width, height, bits, start);
    for (let y = 0, i = 0; y < height; y++) {
      for (let x = 0; x < width; x++, i++) {
        predictor.startSample(x, y);
        const value = samples[i];
        for (let b = bits - 1; b >= 0; b--) predictor.update((value >> b) & 1);
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
  }
  return {
    mixerWeights: meanOverImages(mixerSums, crops.length),
    finalWeights: meanOverImages(finalSums, crops.length),
  };
}

/** The direct starts learned from `ones` among `totals` uses, with `base`'s starts as the prior. */
function directStartsFrom(ones: Float64Array, totals: Float64Array, base: V2Model): Uint8Array {
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
 * Whether direct starts learned from one fold of the images code the other fold's crops better
 * than `start`'s own, summed over both ways. True when a fold is empty (too few images to tell).
 */
function directStartsCarryOver(
  counts: DirectSlotCounts,
  crops: readonly Crop[],
  start: V2Model,
  progress?: TrainingProgress,
): boolean {
  if (crops.length < TRAINING_FOLDS) return true;
  let learnedBytes = 0;
  let keptBytes = 0;
  for (let f = 0; f < TRAINING_FOLDS; f++) {
    progress?.(f, TRAINING_FOLDS, "checking that the learned starts carry over");
    const slots = [f * DIRECT_SLOTS, (f + 1) * DIRECT_SLOTS] as const;
    const learned: V2Model = {
      ...start,
      directStarts: directStartsFrom(
        counts.ones.subarray(...slots),
        counts.totals.subarray(...slots),
        start,
      ),
    };
    const others = crops.filter((_, i) => i % TRAINING_FOLDS !== f);
    learnedBytes += codedBytes(others, learned, start.parameters);
    keptBytes += codedBytes(others, start, start.parameters);
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
