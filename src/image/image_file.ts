/**
 * Image files of every kind bpcodec reads and writes, told apart by content (reading) or by the
 * file name's extension (writing).
 *
 * @module
 */
import { FormatError } from "../errors.ts";
import { dicomNeedsJpegLs, isDicom, readDicom } from "./dicom.ts";
import { loadJpegLs } from "./dicom_jpegls.ts";
import { isFits, readFits } from "./fits.ts";
import type { GrayImage } from "./gray_image.ts";
import type { ImageFormat, ImagePages } from "./image_pages.ts";
import {
  binaryPgmHeader,
  decodeNetpbm,
  encodePbm,
  encodePgm,
  encodePpm,
  isNetpbm,
} from "./netpbm.ts";
import type { ImageLimits } from "./limits.ts";
import { decodePng, isPng } from "./png.ts";
import { encodePng } from "./png_write.ts";
import { isTiff, readTiff } from "./tiff.ts";
import { encodeTiff } from "./tiff_write.ts";
import { encodeFits } from "./fits_write.ts";
import { encodeDicom } from "./dicom_write.ts";

/** Extensions (lowercase, without the dot) of the image files bpcodec reads and writes. */
export const IMAGE_EXTENSIONS: readonly string[] = [
  "png",
  "pgm",
  "pnm",
  "ppm",
  "pbm",
  "tif",
  "tiff",
  "dcm",
  "dicom",
  "fits",
  "fit",
  "fts",
];

/** The words for a file bpcodec does not read as an image. */
const NOT_AN_IMAGE = "not a PNG, PGM/PNM, TIFF, DICOM or FITS image";

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
 * Whether the bytes look like an image file bpcodec reads (by content, not by name).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { isImageFile } from "./image_file.ts";
 * strictEqual(isImageFile(new TextEncoder().encode("P5\n1 1\n255\n\x07")), true);
 * strictEqual(isImageFile(new TextEncoder().encode("hello")), false);
 * ```
 */
export function isImageFile(bytes: Uint8Array): boolean {
  return isPng(bytes) || isNetpbm(bytes) || isDicom(bytes) || isTiff(bytes) || isFits(bytes);
}

/**
 * Loads what reading `bytes` needs beyond this module's readers, which are synchronous: CharLS,
 * for a DICOM file of JPEG-LS frames. Without it, such a file is refused ("needs CharLS").
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { loadCodecsFor, readImagePages } from "./image_file.ts";
 * const pgm = new TextEncoder().encode("P5\n1 1\n255\n\x07");
 * await loadCodecsFor(pgm); // nothing to load for a PGM
 * strictEqual(readImagePages(pgm).pages[0].data[0], 7);
 * ```
 */
export async function loadCodecsFor(bytes: Uint8Array): Promise<void> {
  if (dicomNeedsJpegLs(bytes)) await loadJpegLs();
}

/**
 * Reads every page of an image file (PNG, Netpbm, TIFF, DICOM or FITS), whatever its name says,
 * with where the samples lie when the file stores them uncompressed; pages over the pixel limit
 * are refused before anything large is allocated.
 *
 * @throws {FormatError} when the bytes are not a supported gray image, or one over the limit.
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { readImagePages } from "./image_file.ts";
 * const file = readImagePages(new TextEncoder().encode("P5\n1 1\n255\n\x07"));
 * strictEqual(file.pages[0].data[0], 7);
 * strictEqual(file.layout?.runs[0].offset, 11);
 * ```
 */
export function readImagePages(bytes: Uint8Array, limits: ImageLimits = {}): ImagePages {
  if (isPng(bytes)) {
    return {
      format: "png",
      pages: [decodePng(bytes, limits)],
      noLayout: "PNG deflates its samples",
    };
  }
  if (isNetpbm(bytes)) {
    const image = decodeNetpbm(bytes, limits);
    const pgm = binaryPgmHeader(bytes);
    if (pgm === undefined) {
      return { format: "netpbm", pages: [image], noLayout: "not a binary PGM" };
    }
    const bytesEach = pgm.sampleBytes as 1 | 2;
    return {
      format: "netpbm",
      pages: [image],
      layout: {
        stored: [{ bytes: bytesEach, bigEndian: true, bits: 8 * bytesEach, signed: false }],
        runs: [{ page: 0, offset: pgm.dataStart, first: 0, count: image.width * image.height }],
      },
    };
  }
  // DICOM first: its 128-byte preamble may hold a TIFF header (dual-format files).
  if (isDicom(bytes)) return readDicom(bytes, limits);
  if (isTiff(bytes)) return readTiff(bytes, limits);
  if (isFits(bytes)) return readFits(bytes, limits);
  throw new FormatError(NOT_AN_IMAGE, "unsupported");
}

/** Each format's name and its word for a page, for messages. */
const FORMAT_WORDS: Record<ImageFormat, { name: string; page: string }> = {
  png: { name: "PNG", page: "image" },
  netpbm: { name: "PGM", page: "image" },
  tiff: { name: "TIFF", page: "page" },
  dicom: { name: "DICOM", page: "frame" },
  fits: { name: "FITS", page: "image plane" },
};

/**
 * Says what a file read by {@link readImagePages} is, in a few words.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { describePages } from "./image_file.ts";
 * strictEqual(describePages("dicom", 3), "DICOM, 3 frames");
 * strictEqual(describePages("png", 1), "PNG");
 * ```
 */
export function describePages(format: ImageFormat, pages: number): string {
  const words = FORMAT_WORDS[format];
  return pages === 1 ? words.name : `${words.name}, ${pages} ${words.page}s`;
}

/**
 * Decodes a single-image file (PNG, Netpbm, TIFF, DICOM or FITS), whatever its name says,
 * refusing images over the pixel limit before anything large is allocated, and files of several
 * pages (code `multi-page`: an archive keeps them all).
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
  const { format, pages } = readImagePages(bytes, limits);
  if (pages.length > 1) {
    throw new FormatError(
      `the file holds ${pages.length} images (${
        describePages(format, pages.length)
      }); one image is coded at a time`,
      "multi-page",
    );
  }
  return pages[0];
}

/**
 * Encodes an image in the format that the extension of `name` says: PNG for `.png`, binary PGM
 * for `.pgm` and `.pnm`, PPM for `.ppm`, PBM for `.pbm` (bilevel images only), uncompressed TIFF
 * for `.tif`/`.tiff`, DICOM (Secondary Capture) for `.dcm`/`.dicom`, FITS for `.fits`/`.fit`/`.fts`
 * (8-bit, or 16-bit with BZERO 32768).
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
    case "tif":
    case "tiff":
      return encodeTiff(image);
    case "dcm":
    case "dicom":
      return encodeDicom(image);
    case "fits":
    case "fit":
    case "fts":
      return encodeFits(image);
    default:
      throw new FormatError(
        `cannot tell the image format from the extension (use .${IMAGE_EXTENSIONS.join(", .")})`,
      );
  }
}
