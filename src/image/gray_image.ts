/**
 * The in-memory image every codec in bpcodec works on.
 *
 * @module
 */

/**
 * A grayscale image: `width × height` samples, row-major, each in `0…maxValue`.
 *
 * Samples are held in a `Uint16Array` whatever the bit depth, so coding loops stay monomorphic.
 * `maxValue` is the container's largest sample value (255 for 8-bit data, up to 65535): it is what
 * a PGM header calls maxval, or `2^depth − 1` for PNG.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import type { GrayImage } from "./gray_image.ts";
 * const image: GrayImage = { width: 2, height: 1, maxValue: 255, data: new Uint16Array([0, 255]) };
 * strictEqual(image.data.length, image.width * image.height);
 * ```
 */
export interface GrayImage {
  /** Samples per row, at least 1. */
  width: number;
  /** Rows, at least 1. */
  height: number;
  /** Largest value a sample may take (255 for 8-bit images, at most 65535). */
  maxValue: number;
  /** `width × height` samples, row-major, top row first. */
  data: Uint16Array;
  /**
   * Whether the samples stand for two's-complement values shifted by half the range: a sample
   * `v` of `bits = sampleBits(maxValue)` bits is the value `v − 2^(bits−1)` (a CT in Hounsfield
   * units, −2048…2047 in 12 bits, as 0…4095). Absent: unsigned.
   */
  signed?: boolean;
}

/**
 * Creates an all-zero image of the given size.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { createGrayImage } from "./gray_image.ts";
 * const image = createGrayImage(4, 3, 255);
 * strictEqual(image.data.length, 12);
 * ```
 */
export function createGrayImage(width: number, height: number, maxValue: number): GrayImage {
  return { width, height, maxValue, data: new Uint16Array(width * height) };
}

/**
 * The bits a sample of the image needs: the bit length of `maxValue` (at least 1).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { sampleBits } from "./gray_image.ts";
 * strictEqual(sampleBits(255), 8);
 * strictEqual(sampleBits(4095), 12);
 * strictEqual(sampleBits(1), 1);
 * ```
 */
export function sampleBits(maxValue: number): number {
  return Math.max(1, 32 - Math.clz32(maxValue));
}
