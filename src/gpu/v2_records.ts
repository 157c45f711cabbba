/**
 * The sample records the v2 counting shader reads (`v2_shader.ts`): each sample's value, direct
 * predictions and classes, packed into {@link RECORD_WORDS} `u32` words. Packing runs on the
 * CPU (in this thread or in workers), since the predictions depend on the LMS predictors, which
 * run through each image in order.
 *
 * @module
 */
import type { SampleContexts } from "../v2/direct_counts.ts";
import { DIRECT_INPUTS } from "../v2/model.ts";

/**
 * `u32` words per sample record: 16-bit fields (low half first) holding the value and the
 * `DIRECT_INPUTS` predictions, then the classes, 4 bits each, eight to a word.
 */
export const RECORD_WORDS = Math.ceil((1 + DIRECT_INPUTS) / 2) + Math.ceil(DIRECT_INPUTS / 8);
/** Word of a record where the classes start. */
export const CLASS_WORD = Math.ceil((1 + DIRECT_INPUTS) / 2);

/**
 * Packs the records of the next `rows` rows of `contexts` (an image `width` samples wide), or of
 * the rows left if fewer.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { packRecords, RECORD_WORDS } from "./v2_records.ts";
 * import { SampleContexts } from "../v2/direct_counts.ts";
 * import { untrainedV2Model } from "../v2/model.ts";
 * const image = { width: 3, height: 2, maxValue: 255, data: new Uint16Array([1, 2, 3, 4, 5, 6]) };
 * const contexts = new SampleContexts(image, 3, untrainedV2Model());
 * const records = packRecords(contexts, 3, 10);
 * strictEqual(records.length, 6 * RECORD_WORDS);
 * strictEqual(records[0] & 0xffff, 1);
 * ```
 */
export function packRecords(
  contexts: SampleContexts,
  width: number,
  rows: number,
): Uint32Array<ArrayBuffer> {
  const count = Math.min(rows, contexts.rowsLeft);
  const records = new Uint32Array(count * width * RECORD_WORDS);
  let at = 0;
  const pack = (value: number, predictions: Int32Array, classes: Int32Array) => {
    records[at] = value | (predictions[0] << 16);
    for (let j = 1; j < DIRECT_INPUTS; j += 2) {
      records[at + ((j + 1) >> 1)] = predictions[j] | (predictions[j + 1] << 16);
    }
    for (let j = 0; j < DIRECT_INPUTS; j++) {
      records[at + CLASS_WORD + (j >> 3)] |= classes[j] << ((j & 7) * 4);
    }
    at += RECORD_WORDS;
  };
  for (let r = 0; r < count; r++) contexts.visitRow(pack);
  return records;
}
