/**
 * Choice of a model's learning rates for a set of images: a deterministic coordinate search that
 * keeps, for each rate in turn, the candidate value giving the fewest coded bytes.
 *
 * The images are represented by their central crops of at most 384 × 384 samples, coded at their
 * significant bit depth. Rates are tried in the order `lmsRateShift`,
 * `slowLmsRateShift`, `mixerRate`, values in the listed order; a value replaces the current one
 * only if it saves more than 1/256 of the bytes, so small, likely accidental gains keep the
 * starting rates.
 *
 * @module
 */
import type { GrayImage } from "../image/gray_image.ts";
import { encodeV2, significantBits } from "./codec.ts";
import type { V2Model, V2Parameters } from "./model.ts";
import type { TrainingProgress } from "./progress.ts";

/** The learning rates searched and their candidate values, in search order. */
const CANDIDATES: readonly [keyof V2Parameters, readonly number[]][] = [
  ["lmsRateShift", [1, 2, 3, 4]],
  ["slowLmsRateShift", [4, 5, 6, 7, 8]],
  ["mixerRate", [3, 4, 6, 9, 12]],
];
const CROP_SIDE = 384;

/** A central crop of an image, at its significant bit depth. */
export interface Crop {
  samples: Uint16Array;
  width: number;
  height: number;
  bits: number;
}

/**
 * The central crop (at most 384 × 384) of `image`, which stands for it in searches.
 *
 * @example
 * ```ts
 * import { centralCrop } from "./parameter_search.ts";
 * const image = { width: 500, height: 10, maxValue: 255, data: new Uint16Array(5000).fill(9) };
 * console.log(centralCrop(image).width, centralCrop(image).bits); // 384 4
 * ```
 */
export function centralCrop(image: GrayImage): Crop {
  const width = Math.min(image.width, CROP_SIDE);
  const height = Math.min(image.height, CROP_SIDE);
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
 * The total v2 stream bytes of `crops` coded from `base` with `parameters`.
 *
 * @example
 * ```ts
 * import { centralCrop, codedBytes } from "./parameter_search.ts";
 * import { untrainedV2Model } from "./model.ts";
 * const model = untrainedV2Model();
 * const image = { width: 8, height: 8, maxValue: 255, data: new Uint16Array(64).fill(200) };
 * console.log(codedBytes([centralCrop(image)], model, model.parameters) < 64); // true
 * ```
 */
export function codedBytes(
  crops: readonly Crop[],
  base: V2Model,
  parameters: V2Parameters,
): number {
  const model = { ...base, parameters };
  let total = 0;
  for (const c of crops) total += encodeV2(c.samples, c.width, c.height, c.bits, model).length;
  return total;
}

/**
 * Returns `start` with the learning rates that code `images` best when coding from `base` (its
 * tables and weights, with the candidate rates).
 *
 * @example
 * ```ts
 * import { searchV2Parameters } from "./parameter_search.ts";
 * import { untrainedV2Model } from "./model.ts";
 * const data = new Uint16Array(256).map((_, i) => (i * 13) & 255);
 * const image = { width: 16, height: 16, maxValue: 255, data };
 * const model = untrainedV2Model();
 * const parameters = searchV2Parameters([image], model, model.parameters);
 * console.log(parameters.mixerRate > 0); // true
 * ```
 */
export function searchV2Parameters(
  images: readonly GrayImage[],
  base: V2Model,
  start: V2Parameters,
  progress?: TrainingProgress,
): V2Parameters {
  const crops = images.map(centralCrop);
  const trials = 1 + CANDIDATES.reduce((sum, [, values]) => sum + values.length, 0);
  let tried = 0;
  const tell = () => progress?.(tried++, trials, "choosing learning rates");
  tell();
  let best = { ...start };
  let bestBytes = codedBytes(crops, base, best);
  for (const [name, values] of CANDIDATES) {
    for (const value of values) {
      tell();
      if (value === best[name]) continue;
      const trial = { ...best, [name]: value };
      const bytes = codedBytes(crops, base, trial);
      if (bytes < bestBytes - (bestBytes >> 8)) {
        best = trial;
        bestBytes = bytes;
      }
    }
  }
  return best;
}
