/**
 * Polarity normalization: images whose border is bright are coded inverted, so that background
 * is dark in every coded image.
 *
 * @module
 */
import type { GrayImage } from "./gray_image.ts";

/** How the polarity of an image is chosen: from its border (`auto`), or forced. */
export type PolarityMode = "auto" | "invert" | "none";

/** The polarity modes, for parsing and help texts. */
export const POLARITY_MODES: readonly PolarityMode[] = ["auto", "invert", "none"];

/**
 * Tells whether an image is coded inverted. `auto` inverts when the mean of the border samples is
 * at least half the sample range (`sum ≥ (maxValue + 1) / 2 × count`, for 8-bit images the
 * classic rule `sum ≥ 128 × count`) over the top row, the bottom row when `height > 1`, and the
 * first and last sample of each middle row.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { choosePolarity } from "./polarity.ts";
 * const white = { width: 2, height: 2, maxValue: 255, data: new Uint16Array([255, 255, 255, 0]) };
 * strictEqual(choosePolarity(white, "auto"), true);
 * ```
 */
export function choosePolarity(image: GrayImage, mode: PolarityMode): boolean {
  if (mode !== "auto") return mode === "invert";
  const { width, height, data } = image;
  let sum = 0;
  let count = 0;
  const addRow = (y: number) => {
    for (let x = 0; x < width; x++) sum += data[y * width + x];
    count += width;
  };
  addRow(0);
  if (height > 1) addRow(height - 1);
  for (let y = 1; y <= height - 2; y++) {
    sum += data[y * width];
    count++;
    if (width > 1) {
      sum += data[y * width + width - 1];
      count++;
    }
  }
  return sum * 2 >= (image.maxValue + 1) * count;
}

/**
 * Returns a copy of the image with every sample `v` replaced by `maxValue − v`; inverting twice
 * gives the original.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { invertImage } from "./polarity.ts";
 * const image = { width: 1, height: 1, maxValue: 255, data: new Uint16Array([200]) };
 * strictEqual(invertImage(image).data[0], 55);
 * ```
 */
export function invertImage(image: GrayImage): GrayImage {
  const data = new Uint16Array(image.data.length);
  for (let i = 0; i < data.length; i++) data[i] = image.maxValue - image.data[i];
  return { ...image, data };
}
