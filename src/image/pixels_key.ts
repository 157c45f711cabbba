/**
 * What identifies an image's pixels, so that the same pixels in several files are recognised:
 * its shape, range, sign and the SHA-256 of its samples.
 *
 * @module
 */
import { sha256, toHex } from "../sha256.ts";
import type { GrayImage } from "./gray_image.ts";

/**
 * The key of `image`'s pixels: equal for two images exactly when they have the same size,
 * maxval, sign and samples (up to a SHA-256 collision).
 *
 * @example
 * ```ts
 * import { notStrictEqual, strictEqual } from "node:assert/strict";
 * import { pixelsKey } from "./pixels_key.ts";
 * const image = { width: 2, height: 1, maxValue: 255, data: new Uint16Array([3, 4]) };
 * strictEqual(await pixelsKey(image), await pixelsKey({ ...image, data: new Uint16Array([3, 4]) }));
 * notStrictEqual(await pixelsKey(image), await pixelsKey({ ...image, width: 1, height: 2 }));
 * ```
 */
export async function pixelsKey(image: GrayImage): Promise<string> {
  const { width, height, maxValue, data } = image;
  const samples = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return `${width}x${height} ${maxValue} ${image.signed === true} ${toHex(await sha256(samples))}`;
}
