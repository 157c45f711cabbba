/**
 * Writing a gray image as a PNG: each row filtered by libpng's heuristic, the image data
 * compressed by zlib (pako, so that a PNG bpcodec writes is one whose bytes it can rebuild from
 * its pixels), and an sBIT chunk when the values need fewer bits than the sample.
 *
 * @module
 */
import { ByteWriter } from "../bytes.ts";
import { zlibDeflate } from "../deps/zlib_deflate.ts";
import { type GrayImage, sampleBits } from "./gray_image.ts";
import { PNG_SIGNATURE, pngHeaderData, writePngChunk } from "./png_chunks.ts";
import { adaptiveFilters, filteredRows } from "./png_filters.ts";
import { pngDepthOf } from "./png_samples.ts";

/** zlib's default level, libpng's too: the setting a rebuild tries first. */
const PNG_ZLIB_LEVEL = 6;

/** Options of {@link encodePng}. */
export interface EncodePngOptions {
  /**
   * Compresses the filtered image data into a zlib stream; zlib at level 6 (its default) unless
   * given.
   */
  compress?: (data: Uint8Array) => Uint8Array;
}

/**
 * Encodes a gray image as PNG: 1-, 2- or 4-bit gray when `maxValue` is 1, 3 or 15, 8-bit gray
 * when it is at most 255, else 16-bit gray. Values that need fewer bits than the sample (a
 * 12-bit image in 16 bits, a 6-bit one in 8) are scaled to it by left bit replication and the
 * file says how many bits are significant in an sBIT chunk; `decodePng` reads such a file back
 * to the same values and `maxValue` (of those bits).
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { decodePng } from "./png.ts";
 * import { encodePng } from "./png_write.ts";
 * const eight = { width: 2, height: 1, maxValue: 255, data: new Uint16Array([42, 7]) };
 * deepStrictEqual(decodePng(encodePng(eight)), eight);
 * const twelve = { width: 2, height: 1, maxValue: 4095, data: new Uint16Array([7, 4000]) };
 * deepStrictEqual(decodePng(encodePng(twelve)), twelve);
 * ```
 */
export function encodePng(image: GrayImage, options: EncodePngOptions = {}): Uint8Array {
  const { width, height, maxValue } = image;
  const depth = pngDepthOf(maxValue);
  const storage = { depth, colorType: 0 };
  const data = filteredRows(image, storage, false, adaptiveFilters(image, storage));
  const out = new ByteWriter();
  out.bytes(PNG_SIGNATURE);
  out.bytes(writePngChunk("IHDR", pngHeaderData(width, height, depth, 0)));
  const bits = sampleBits(maxValue);
  if (bits < depth) out.bytes(writePngChunk("sBIT", new Uint8Array([bits])));
  const compress = options.compress ?? ((rows: Uint8Array) => zlibDeflate(rows, PNG_ZLIB_LEVEL));
  out.bytes(writePngChunk("IDAT", compress(data)));
  out.bytes(writePngChunk("IEND"));
  return out.finish();
}
