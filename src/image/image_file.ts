/**
 * Image files of every kind bpcodec reads and writes, told apart by content (reading) or by the
 * file name's extension (writing).
 *
 * @module
 */
import { FormatError } from "../errors.ts";
import type { GrayImage } from "./gray_image.ts";
import { decodeNetpbm, encodePbm, encodePgm, encodePpm, isNetpbm } from "./netpbm.ts";
import type { ImageLimits } from "./limits.ts";
import { decodePng, encodePng, isPng } from "./png.ts";

/** Extensions (lowercase, without the dot) of the image files bpcodec reads and writes. */
export const IMAGE_EXTENSIONS: readonly string[] = ["png", "pgm", "pnm", "ppm", "pbm"];

/**
 * Returns the lowercase extension of a file name (without the dot), or "" when it has none.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { extensionOf } from "./image_file.ts";
 * strictEqual(extensionOf("scans/Page.PNG"), "png");
 * ```
 */
export function extensionOf(name: string): string {
  const base = name.slice(name.lastIndexOf("/") + 1);
  const dot = base.lastIndexOf(".");
  return dot <= 0 ? "" : base.slice(dot + 1).toLowerCase();
}

/**
 * Decodes a PNG or Netpbm (PGM, PBM, PPM) file, whatever its name says, refusing images over
 * the pixel limit before anything large is allocated.
 *
 * @throws {FormatError} when the bytes are not a supported gray image, or one over the limit.
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { decodeImageFile } from "./image_file.ts";
 * const image = decodeImageFile(new TextEncoder().encode("P2\n1 1\n255\n5\n"));
 * strictEqual(image.data[0], 5);
 * ```
 */
export function decodeImageFile(bytes: Uint8Array, limits: ImageLimits = {}): GrayImage {
  if (isPng(bytes)) return decodePng(bytes, limits);
  if (isNetpbm(bytes)) return decodeNetpbm(bytes, limits);
  throw new FormatError("not a PNG or PGM/PNM image", "unsupported");
}

/**
 * Encodes an image in the format that the extension of `name` says: PNG for `.png`, binary PGM
 * for `.pgm` and `.pnm`, PPM for `.ppm`, PBM for `.pbm` (bilevel images only).
 *
 * @throws {FormatError} for any other extension, and for a non-bilevel image as PBM.
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { encodeImageFile } from "./image_file.ts";
 * const image = { width: 1, height: 1, maxValue: 255, data: new Uint16Array(1) };
 * const bytes = encodeImageFile(image, "a.pgm");
 * strictEqual(String.fromCharCode(bytes[0], bytes[1]), "P5"); // binary PGM
 * ```
 */
export function encodeImageFile(image: GrayImage, name: string): Uint8Array {
  switch (extensionOf(name)) {
    case "png":
      return encodePng(image);
    case "pgm":
    case "pnm":
      return encodePgm(image);
    case "ppm":
      return encodePpm(image);
    case "pbm":
      return encodePbm(image);
    default:
      throw new FormatError(
        `cannot tell the image format from the extension (use .png, .pgm, .pnm, .ppm or .pbm)`,
      );
  }
}
