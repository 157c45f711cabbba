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
  MAX_PRIMER_SIDE,
  untrainedV2Model,
  type V2Model,
  type V2Parameters,
  type V2Primer,
  withoutPrimer,
} from "./model.ts";
import {
  asTrainingImages,
  countDirectSlots,
  type DirectSlotCounts,
  TRAINING_FOLDS,
  type TrainingImages,
} from "./direct_counts.ts";
import type { TrainingProgress } from "./progress.ts";
import { centralCrop, type Crop, type CropRunner, IN_THREAD } from "./crop_work.ts";
import { searchV2Parameters } from "./parameter_search.ts";
import { squash, STRETCH_TABLE } from "./squash.ts";
import { isFlatPrimer } from "./tile_priming.ts";
import { isFlatTile } from "./tiles.ts";

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
  /**
   * Runs the coding of crops (rate search, network, carry-over check): in this thread by
   * default, or spread over workers (`src/workers/training_workers.ts`). Same model either way.
   */
  runner?: CropRunner;
}

/** At most this many crops are tried as the primer. */
export const PRIMER_CANDIDATES = 6;
/**
 * The side of a primer candidate whose crop is not flat, at most (a flat one's is
 * {@link MAX_PRIMER_SIDE}): a scan's slice teaches its siblings as much from a smaller crop, and
 * running a candidate through the kernel, in every worker that tries it, is most of the search.
 */
export const NON_FLAT_PRIMER_SIDE = 512;
/** Each primer candidate is tried on at most this many of the crops it may start. */
export const PRIMER_TRIALS = 6;
/** A primer must save more than 1/this of the bytes of the crops it primes. */
export const PRIMER_GAIN_DIVISOR = 100;

/** A crop as a primer. */
function primerOf(crop: Crop): V2Primer {
  return { width: crop.width, height: crop.height, bits: crop.bits, samples: crop.samples };
}

/** How many observations a base model's direct start is worth. */
export const PRIOR_WEIGHT = 8;

/**
 * Trains a model on `images` (each coded at its significant bit depth), counting on the CPU.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { trainV2Model } from "./train.ts";
 * const data = new Uint16Array(64).map((_, i) => (i * 7) & 255);
 * const model = await trainV2Model([{ width: 8, height: 8, maxValue: 255, data }]);
 * strictEqual(model.finalWeights.length, 6);
 * ```
 */
export async function trainV2Model(
  images: Iterable<GrayImage>,
  options: TrainV2Options = {},
): Promise<V2Model> {
  const list = Array.from(images);
  const training = await V2Training.begin(list.map((image) => centralCrop(image)), options);
  const counts = await countDirectSlots(list, training.start, options.progress);
  return await training.finish(counts, list);
}

/**
 * v2 training in two steps, so that the images need not all be in memory and the direct-slot
 * counts, the part that grows with the training set, can be made elsewhere (on a GPU,
 * `src/gpu/v2_counts.ts`): {@link V2Training.begin} with the images' central crops (this
 * searches the learning rates), count the images from {@link V2Training.start}, then
 * {@link V2Training.finish} with the counts (and the images again, for the primer).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { centralCrop } from "./crop_work.ts";
 * import { countDirectSlots } from "./direct_counts.ts";
 * import { V2Training } from "./train.ts";
 * const data = new Uint16Array(64).map((_, i) => (i * 7) & 255);
 * const images = [{ width: 8, height: 8, maxValue: 255, data }];
 * const training = await V2Training.begin(images.map((image) => centralCrop(image)));
 * const model = await training.finish(await countDirectSlots(images, training.start), images);
 * strictEqual(model.mixerWeights.length, 100);
 * ```
 */
export class V2Training {
  /** The model training starts from: the base with the chosen learning rates. */
  readonly start: V2Model;
  readonly #crops: readonly Crop[];
  /** The crops' total bytes coded with the start model, when the search found them. */
  readonly #startBytes: number | undefined;
  readonly #base: V2Model;
  readonly #refining: boolean;
  readonly #runner: CropRunner;
  readonly #progress: TrainingProgress | undefined;

  private constructor(
    crops: readonly Crop[],
    start: V2Model,
    startBytes: number | undefined,
    options: TrainV2Options,
  ) {
    this.#crops = crops;
    this.#startBytes = startBytes;
    this.start = start;
    this.#base = options.base ?? untrainedV2Model();
    this.#refining = options.base !== undefined;
    this.#runner = options.runner ?? IN_THREAD;
    this.#progress = options.progress;
  }

  /**
   * Takes the central crops of the training images (`centralCrop`, in image order) and the
   * options, and searches the learning rates if asked to.
   */
  static async begin(crops: readonly Crop[], options: TrainV2Options = {}): Promise<V2Training> {
    // A base's primer is not kept (training chooses its own, last): every step before runs
    // unprimed, so that the counts depend on the images alone.
    const base = withoutPrimer(options.base ?? untrainedV2Model());
    let parameters = { ...base.parameters, ...options.parameters };
    let startBytes: number | undefined;
    if (options.searchParameters && crops.length > 0) {
      const runner = options.runner ?? IN_THREAD;
      const searched = await searchV2Parameters(crops, base, parameters, runner, options.progress);
      parameters = searched.parameters;
      startBytes = searched.bytes;
    }
    return new V2Training(crops, { ...base, parameters }, startBytes, options);
  }

  /**
   * Makes the model from the direct-slot counts of the images, made from
   * {@link V2Training.start}; `images` are the same images, in the order of the crops, for the
   * primer's candidates.
   */
  async finish(
    counts: DirectSlotCounts,
    images: TrainingImages | readonly GrayImage[],
  ): Promise<V2Model> {
    const start = this.start;
    if (this.#crops.length === 0) return start;
    const [ones, totals] = [counts.ones, counts.totals].map(sumOfFolds);
    const network = await this.#learnNetworkWeights();
    const keepDirectStarts = this.#refining && !(await this.#directStartsCarryOver(counts));
    const model: V2Model = {
      ...start,
      directStarts: keepDirectStarts
        ? this.#base.directStarts
        : directStartsFrom(ones, totals, this.#base),
      ...network,
    };
    const primer = await this.#choosePrimer(model, asTrainingImages(images));
    return primer ? { ...model, primer } : model;
  }

  /**
   * The primer that saves most on the other crops it may start (of its bit depth, and flat if and
   * only if it is: those a tile's primer may start, `tile_priming.ts`), among the central crops of
   * at most {@link MAX_PRIMER_SIDE} squared ({@link NON_FLAT_PRIMER_SIDE} for a crop that is not
   * flat) of up to {@link PRIMER_CANDIDATES} images whose crops have such others (evenly spaced in
   * image order), each tried on up to {@link PRIMER_TRIALS} of them (evenly spaced); none unless
   * it saves more than 1/{@link PRIMER_GAIN_DIVISOR} of those crops' bytes. A crop is coded primed
   * only where that is smaller, as the encoder chooses (a crop is smaller than a tile's priming
   * trial).
   */
  async #choosePrimer(model: V2Model, images: TrainingImages): Promise<V2Primer | undefined> {
    const crops = this.#crops;
    const flat = crops.map((crop) => isFlatTile(crop.samples, crop.width, crop.height));
    // The crops other than crop `c` of `bits` bits, flat or not as `flat`.
    const others = (c: number, bits: number, isFlat: boolean) =>
      crops.flatMap((crop, j) => j !== c && crop.bits === bits && flat[j] === isFlat ? [j] : []);
    const eligible = crops.flatMap((crop, c) =>
      others(c, crop.bits, flat[c]).length > 0 ? [c] : []
    );
    const candidates = evenlySpaced(eligible, PRIMER_CANDIDATES);
    if (candidates.length === 0) return undefined;
    this.#progress?.(0, 1, "choosing a primer");
    const primers: V2Primer[] = [];
    for (const c of candidates) {
      const side = flat[c] ? MAX_PRIMER_SIDE : NON_FLAT_PRIMER_SIDE;
      primers.push(primerOf(centralCrop(await images.image(c), { side })));
    }
    // The crops each candidate's primer may start (by the primer's own bits and flatness).
    const startedBy = candidates.map((c, k) =>
      evenlySpaced(others(c, primers[k].bits, isFlatPrimer(primers[k])), PRIMER_TRIALS)
    );
    const models = [model, ...primers.map((primer) => ({ ...model, primer }))];
    const started = [...new Set(startedBy.flat())];
    const plain = started.map((crop) => ({ kind: "bytes" as const, crop, model: 0 }));
    const primed = startedBy.flatMap((list, k) =>
      list.map((crop) => ({ kind: "bytes" as const, crop, model: k + 1 }))
    );
    const bytes = await this.#runner.run(crops, models, [...plain, ...primed]) as number[];
    const plainBytes = new Map(started.map((crop, i) => [crop, bytes[i]]));
    const saved = new Float64Array(candidates.length);
    const of = new Float64Array(candidates.length);
    primed.forEach((job, i) => {
      const without = plainBytes.get(job.crop)!;
      saved[job.model - 1] += Math.max(0, without - bytes[plain.length + i]);
      of[job.model - 1] += without;
    });
    let best = -1;
    for (let k = 0; k < candidates.length; k++) {
      if (
        saved[k] * PRIMER_GAIN_DIVISOR > of[k] &&
        (best < 0 || saved[k] * of[best] > saved[best] * of[k])
      ) {
        best = k;
      }
    }
    return best < 0 ? undefined : primers[best];
  }

  /**
   * The network's start weights: per neuron, the mean over crops of what `cropNetwork` learns
   * there from the start model (integer division, truncated).
   */
  async #learnNetworkWeights(): Promise<Pick<V2Model, "mixerWeights" | "finalWeights">> {
    this.#progress?.(0, 1, "learning the network's weights");
    const crops = this.#crops;
    const jobs = crops.map((_, crop) => ({ kind: "network" as const, crop, model: 0 }));
    const learned = await this.#runner.run(crops, [this.start], jobs) as Int32Array[];
    const firstLayer = this.start.mixerWeights.length;
    const sums = new Float64Array(firstLayer + this.start.finalWeights.length);
    for (const weights of learned) for (let i = 0; i < sums.length; i++) sums[i] += weights[i];
    const mean = Int32Array.from(sums, (sum) => Math.trunc(sum / crops.length));
    return { mixerWeights: mean.slice(0, firstLayer), finalWeights: mean.slice(firstLayer) };
  }

  /**
   * Whether direct starts learned from one fold of the images code the other fold's crops
   * better than the start's own, summed over both ways. True when a fold is empty (too few
   * images to tell).
   */
  async #directStartsCarryOver(counts: DirectSlotCounts): Promise<boolean> {
    const crops = this.#crops;
    if (crops.length < TRAINING_FOLDS) return true;
    this.#progress?.(0, 1, "checking that the learned starts carry over");
    const start = this.start;
    const models = [start];
    for (let f = 0; f < TRAINING_FOLDS; f++) {
      const slots = [f * DIRECT_SLOTS, (f + 1) * DIRECT_SLOTS] as const;
      const directStarts = directStartsFrom(
        counts.ones.subarray(...slots),
        counts.totals.subarray(...slots),
        start,
      );
      models.push({ ...start, directStarts });
    }
    // Each crop, coded with the starts learned from the other fold, and with the start's own
    // unless the search has coded them so already.
    const keep = this.#startBytes === undefined;
    const jobs = crops.flatMap((_, crop) => [
      { kind: "bytes" as const, crop, model: 1 + ((crop + 1) % TRAINING_FOLDS) },
      ...(keep ? [{ kind: "bytes" as const, crop, model: 0 }] : []),
    ]);
    const bytes = await this.#runner.run(crops, models, jobs) as number[];
    let learnedBytes = 0;
    let keptBytes = this.#startBytes ?? 0;
    jobs.forEach((job, j) => {
      if (job.model === 0) keptBytes += bytes[j];
      else learnedBytes += bytes[j];
    });
    return learnedBytes < keptBytes;
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

/** At most `count` of `list`, evenly spaced: the `⌊k·n/m⌋`-th, `k = 0…m−1`, `m = min(count, n)`. */
function evenlySpaced<T>(list: readonly T[], count: number): T[] {
  const m = Math.min(count, list.length);
  return Array.from({ length: m }, (_, k) => list[Math.floor((k * list.length) / m)]);
}
