/**
 * The adaptive part of v2 training: coding central crops of the training images with candidate
 * models (the learning-rate search and the carry-over check) and learning the network's weights
 * on them. Each crop is coded on its own, so the work splits into independent jobs; a
 * {@link CropRunner} runs them in this thread or spread over workers
 * (`src/workers/training_workers.ts`), and the results, put back in job order and summed as exact
 * integers, are the same either way.
 *
 * @module
 */
import type { GrayImage } from "../image/gray_image.ts";
import { encodeV2, significantBits } from "./codec.ts";
import { networkOf, type V2Model } from "./model.ts";
import { V2Predictor } from "./predictor.ts";

const CROP_SIDE = 384;

/**
 * A central crop of a training image, at its significant bit depth.
 *
 * @example
 * ```ts
 * import type { Crop } from "./crop_work.ts";
 * const crop: Crop = { samples: new Uint16Array(4), width: 2, height: 2, bits: 1 };
 * ```
 */
export interface Crop {
  /** `width × height` samples. */
  samples: Uint16Array;
  /** Samples per row. */
  width: number;
  /** Rows. */
  height: number;
  /** Bits per sample the crop is coded with. */
  bits: number;
}

/**
 * The central crop (at most `options.side` squared, by default 384 × 384) of `image`, which stands for it
 * in the adaptive steps of training (and, larger, is a candidate primer).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { centralCrop } from "./crop_work.ts";
 * const image = { width: 500, height: 10, maxValue: 255, data: new Uint16Array(5000).fill(9) };
 * const crop = centralCrop(image);
 * strictEqual(crop.width, 384);
 * strictEqual(crop.height, 10);
 * strictEqual(crop.bits, 4); // 9 needs 4 bits
 * strictEqual(centralCrop(image, { side: 100 }).width, 100);
 * ```
 */
export function centralCrop(image: GrayImage, options: { side?: number } = {}): Crop {
  const side = options.side ?? CROP_SIDE;
  const width = Math.min(image.width, side);
  const height = Math.min(image.height, side);
  const x0 = (image.width - width) >> 1;
  const y0 = (image.height - height) >> 1;
  const samples = new Uint16Array(width * height);
  for (let y = 0; y < height; y++) {
    const from = (y0 + y) * image.width + x0;
    samples.set(image.data.subarray(from, from + width), y * width);
  }
  return { samples, width, height, bits: significantBits(samples) };
}

/**
 * The bytes of `crop`'s v2 stream coded with `model`.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { cropBytes } from "./crop_work.ts";
 * import { untrainedV2Model } from "./model.ts";
 * const crop = { samples: new Uint16Array(64).fill(200), width: 8, height: 8, bits: 8 };
 * ok(cropBytes(crop, untrainedV2Model()) < 64);
 * ```
 */
export function cropBytes(crop: Crop, model: V2Model): number {
  return encodeV2(crop.samples, crop.width, crop.height, crop.bits, model).length;
}

/**
 * Runs the model from `model` over `crop` as the encoder would, and returns per neuron the mean
 * of its weight sets that moved from their start (integer division, truncated toward zero; the
 * start where none moved): the first-layer neurons' weights (the model's inputs each), then the
 * final neuron's (as long as `model.mixerWeights` and `model.finalWeights` together).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { cropNetwork } from "./crop_work.ts";
 * import { untrainedV2Model } from "./model.ts";
 * const samples = new Uint16Array(256).map((_, i) => (i * 37) & 255);
 * const weights = cropNetwork({ samples, width: 16, height: 16, bits: 8 }, untrainedV2Model());
 * strictEqual(weights.length, 5 * 20 + 6);
 * ```
 */
export function cropNetwork(crop: Crop, model: V2Model): Int32Array {
  const { samples, width, height, bits } = crop;
  const predictor = new V2Predictor(samples, width, height, bits, model);
  predictor.learnImage();
  const network = predictor.kernel;
  const firstLayer = model.mixerWeights.length;
  const weights = new Int32Array(firstLayer + model.finalWeights.length);
  const { neurons, inputs } = networkOf(model);
  for (let k = 0; k < neurons; k++) {
    weights.set(
      meanOfTrainedSets(
        network.neuronWeights(k),
        model.mixerWeights.subarray(k * inputs, (k + 1) * inputs),
      ),
      k * inputs,
    );
  }
  weights.set(
    meanOfTrainedSets(network.finalWeights(), model.finalWeights),
    firstLayer,
  );
  return weights;
}

/** The mean of the weight sets in `weights` that moved away from `initial`, else `initial`. */
function meanOfTrainedSets(weights: Int32Array, initial: Int32Array): Int32Array {
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
  if (used === 0) return initial.slice();
  return Int32Array.from(total, (sum) => Math.trunc(sum / used));
}

/**
 * One job: code crop `crop` with model `model` (its stream bytes), or learn the network there.
 *
 * @example
 * ```ts
 * import type { CropJob } from "./crop_work.ts";
 * const job: CropJob = { kind: "bytes", crop: 0, model: 1 };
 * ```
 */
export interface CropJob {
  /** `bytes` ({@link cropBytes}) or `network` ({@link cropNetwork}). */
  kind: "bytes" | "network";
  /** Index into the crops. */
  crop: number;
  /** Index into the models. */
  model: number;
}

/**
 * Runs one job on the given crops and models.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { cropBytes, runCropJob } from "./crop_work.ts";
 * import { untrainedV2Model } from "./model.ts";
 * const crops = [{ samples: new Uint16Array(64).fill(3), width: 8, height: 8, bits: 2 }];
 * const models = [untrainedV2Model()];
 * const bytes = runCropJob(crops, models, { kind: "bytes", crop: 0, model: 0 });
 * strictEqual(bytes, cropBytes(crops[0], models[0]));
 * ```
 */
export function runCropJob(
  crops: readonly Crop[],
  models: readonly V2Model[],
  job: CropJob,
): number | Int32Array {
  const crop = crops[job.crop];
  const model = models[job.model];
  return job.kind === "bytes" ? cropBytes(crop, model) : cropNetwork(crop, model);
}

/**
 * Runs crop jobs and returns their results in job order: numbers for `bytes` jobs, weights for
 * `network` jobs.
 *
 * @example
 * ```ts
 * import { type CropRunner, IN_THREAD } from "./crop_work.ts";
 * const runner: CropRunner = IN_THREAD;
 * ```
 */
export interface CropRunner {
  /** Runs `jobs` over `crops` and `models`. */
  run(
    crops: readonly Crop[],
    models: readonly V2Model[],
    jobs: readonly CropJob[],
  ): Promise<(number | Int32Array)[]>;
}

/**
 * The runner that does every job in this thread, one after the other.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { cropBytes, IN_THREAD } from "./crop_work.ts";
 * import { untrainedV2Model } from "./model.ts";
 * const crops = [{ samples: new Uint16Array(64).fill(3), width: 8, height: 8, bits: 2 }];
 * const models = [untrainedV2Model()];
 * const [bytes] = await IN_THREAD.run(crops, models, [{ kind: "bytes", crop: 0, model: 0 }]);
 * strictEqual(bytes, cropBytes(crops[0], models[0]));
 * ```
 */
export const IN_THREAD: CropRunner = {
  run: (crops, models, jobs) => Promise.resolve(jobs.map((job) => runCropJob(crops, models, job))),
};
