/**
 * The v2 coding core: a bit-plane context-mixing model for lossless grayscale samples.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { decodeV2, defaultV2Model, encodeV2 } from "./mod.ts";
 * const model = defaultV2Model();
 * const samples = new Uint16Array([10, 20, 30, 40]);
 * const stream = encodeV2(samples, 2, 2, 8, model);
 * deepStrictEqual(decodeV2(stream, 2, 2, 8, model), new Uint16Array([10, 20, 30, 40]));
 * ```
 *
 * @module
 */
export { decodeV2, encodeV2, significantBits } from "./codec.ts";
export type { V2CodingOptions } from "./predictor.ts";
export {
  defaultV2Model,
  parseV2Model,
  serializeV2Model,
  untrainedV2Model,
  type V2Model,
  type V2Parameters,
  type V2Primer,
  withoutPrimer,
} from "./model.ts";
export { trainV2Model, type TrainV2Options, V2Training } from "./train.ts";
export { countDirectSlots, type DirectSlotCounts } from "./direct_counts.ts";
export type { TrainingProgress } from "./progress.ts";
export type { GrayImage } from "../image/gray_image.ts";
