/**
 * How large an image bpcodec agrees to hold: a pixel limit that every reader and decoder checks
 * before it allocates anything for the image.
 *
 * @module
 */
import { FormatError } from "../errors.ts";

/** The pixel limit when none is given: 2^30 pixels (a gigapixel; 2 GiB of samples). */
export const DEFAULT_MAX_PIXELS = 2 ** 30;

/**
 * Options of every function that reads or decodes an image.
 *
 * @example
 * ```ts
 * import type { ImageLimits } from "./limits.ts";
 * const limits: ImageLimits = { maxPixels: 50_000_000 };
 * ```
 */
export interface ImageLimits {
  /** Refuse images of more pixels than this (default {@link DEFAULT_MAX_PIXELS}). */
  maxPixels?: number;
}

/**
 * Checks the pixels of all pages of one file together against the pixel limit (each page has
 * been checked on its own), before they are allocated.
 *
 * @throws {FormatError} with code `too-large` when they exceed it.
 * @example
 * ```ts
 * import { throws } from "node:assert/strict";
 * import { checkPagesLimit } from "./limits.ts";
 * checkPagesLimit([{ width: 10, height: 10 }, { width: 10, height: 10 }], { maxPixels: 200 });
 * throws(() => checkPagesLimit([{ width: 10, height: 10 }, { width: 10, height: 11 }], { maxPixels: 200 }), /210 pixels/);
 * ```
 */
export function checkPagesLimit(
  pages: readonly { width: number; height: number }[],
  limits: ImageLimits = {},
): void {
  const maxPixels = limits.maxPixels ?? DEFAULT_MAX_PIXELS;
  const total = pages.reduce((n, p) => n + p.width * p.height, 0);
  if (total > maxPixels) {
    throw new FormatError(
      `${pages.length} images of ${total} pixels in all are over the limit of ${maxPixels} pixels`,
      "too-large",
    );
  }
}

/**
 * Checks an image's declared size against the pixel limit.
 *
 * @throws {FormatError} with code `too-large` when `width × height` exceeds the limit.
 * @example
 * ```ts
 * import { throws } from "node:assert/strict";
 * import { checkPixelLimit } from "./limits.ts";
 * checkPixelLimit(4096, 4096); // within the default limit
 * throws(() => checkPixelLimit(4096, 4096, { maxPixels: 1000 }), /over the limit of 1000/);
 * ```
 */
export function checkPixelLimit(width: number, height: number, limits: ImageLimits = {}): void {
  const maxPixels = limits.maxPixels ?? DEFAULT_MAX_PIXELS;
  if (width * height > maxPixels) {
    throw new FormatError(
      `image of ${width}x${height} = ${
        width * height
      } pixels is over the limit of ${maxPixels} pixels`,
      "too-large",
    );
  }
}
