/**
 * Training of a {@link V2Model} from example images: deterministic, integer counting.
 *
 * The model is run over every image exactly as the coder would (raster order, MSB first).
 * Each direct-table slot counts the zeros and ones coded through it, over all images; its
 * trained start is the probability `(ones·4096 + total/2) / (total + 1)` (integer division,
 * clamped to 1…4095) with count `min(total, confidence)`. The mixers' trained start is, per
 * mixer, the mean over images of the mean of its weight sets that learned anything (integer
 * division, truncated). The same images in the same order give the same bytes.
 *
 * @module
 */
import type { GrayImage } from "../image/gray_image.ts";
import {
  DIRECT_INPUTS,
  DIRECT_TABLE_SLOTS,
  FINAL_INPUTS,
  FIRST_LAYER_MIXERS,
  MIXER_INPUTS,
  untrainedV2Model,
  type V2Model,
} from "./model.ts";
import { V2Predictor } from "./predictor.ts";

/** Options of {@link trainV2Model}. */
export interface TrainV2Options {
  /** Largest count a trained direct slot starts with (how much the trained start weighs); default 24. */
  confidence?: number;
}

function significantBits(image: GrayImage): number {
  let max = 1;
  for (let i = 0; i < image.data.length; i++) if (image.data[i] > max) max = image.data[i];
  return 32 - Math.clz32(max);
}

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
  const confidence = options.confidence ?? 255;
  const slots = DIRECT_INPUTS * DIRECT_TABLE_SLOTS;
  const ones = new Float64Array(slots);
  const totals = new Float64Array(slots);
  const model = untrainedV2Model();
  const mixerSums = new Float64Array(FIRST_LAYER_MIXERS * MIXER_INPUTS);
  const finalSums = new Float64Array(FINAL_INPUTS);
  let imageCount = 0;
  for (const image of images) {
    const { width, height, data } = image;
    const bits = significantBits(image);
    const predictor = new V2Predictor(data, width, height, bits, model);
    const index = predictor.slotIndex;
    let i = 0;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++, i++) {
        predictor.startSample(x, y);
        const value = data[i];
        for (let b = bits - 1; b >= 0; b--) {
          const bit = (value >> b) & 1;
          predictor.p();
          for (let j = 0; j < DIRECT_INPUTS; j++) {
            totals[index[j]]++;
            ones[index[j]] += bit;
          }
          predictor.update(bit);
        }
      }
    }
    predictor.mixers.forEach((mixer, m) => {
      const initial = model.mixerWeights.subarray(m * MIXER_INPUTS, (m + 1) * MIXER_INPUTS);
      addMeanOfTrainedSets(mixer.weights, initial, mixerSums.subarray(m * MIXER_INPUTS));
    });
    addMeanOfTrainedSets(predictor.finalMixer.weights, model.finalWeights, finalSums);
    imageCount++;
  }
  if (imageCount === 0) return model;
  for (let s = 0; s < slots; s++) {
    const total = totals[s];
    if (total === 0) continue;
    const p = Math.floor((ones[s] * 4096 + Math.floor(total / 2)) / (total + 1));
    model.directProbabilities[s] = p < 1 ? 1 : p > 4095 ? 4095 : p;
    model.directCounts[s] = Math.min(total, confidence);
  }
  for (let k = 0; k < mixerSums.length; k++) {
    model.mixerWeights[k] = Math.trunc(mixerSums[k] / imageCount);
  }
  for (let k = 0; k < finalSums.length; k++) {
    model.finalWeights[k] = Math.trunc(finalSums[k] / imageCount);
  }
  return model;
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
