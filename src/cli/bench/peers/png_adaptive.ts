/**
 * A PNG writer at PNG's strongest standard settings, for the bench: the command line's writer
 * (`encodePng`: each row's filter chosen by libpng's heuristic) with zlib at level 9 and
 * memLevel 9, the smaller of its default and filtered strategies (the command line's is zlib's
 * default level, 6).
 *
 * @module
 */
import { constants, deflateSync } from "node:zlib";
import type { GrayImage } from "../../../image/gray_image.ts";
import { encodePng } from "../../../image/png_write.ts";

/** zlib at level 9 and memLevel 9: the smaller of the default and the filtered strategies. */
function deflateStrongest(data: Uint8Array): Uint8Array {
  const options = { level: 9, memLevel: 9 };
  const plain = deflateSync(data, options);
  const filtered = deflateSync(data, { ...options, strategy: constants.Z_FILTERED });
  return new Uint8Array(filtered.length < plain.length ? filtered : plain);
}

/**
 * Encodes a gray image as PNG at the strongest standard settings: 1-, 2- or 4-bit gray when
 * `maxValue` is 1, 3 or 15, 8-bit gray up to 255, else 16-bit gray.
 *
 * @example
 * ```ts
 * import { deepStrictEqual, ok } from "node:assert/strict";
 * import { encodePngStrongest } from "./png_adaptive.ts";
 * import { decodePng } from "../../../image/png.ts";
 * import { encodePng } from "../../../image/png_write.ts";
 * const data = Uint16Array.from({ length: 64 * 64 }, (_, i) => (i % 64) * 3 + (i >> 6));
 * const image = { width: 64, height: 64, maxValue: 255, data };
 * const png = encodePngStrongest(image);
 * deepStrictEqual(decodePng(png), image);
 * ok(png.length <= encodePng(image).length);
 * ```
 */
export function encodePngStrongest(image: GrayImage): Uint8Array {
  return encodePng(image, { compress: deflateStrongest });
}
