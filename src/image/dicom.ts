/**
 * DICOM (Part 10) files with native (uncompressed), RLE or JPEG-LS pixel data: one or several frames of one
 * sample a pixel, 8 or 16 bits allocated, any number of bits stored, signed or unsigned.
 *
 * Each frame is a page. A signed sample (PixelRepresentation 1, e.g. CT in Hounsfield units) is
 * shifted by `2^(BitsStored−1)` so that it codes as an unsigned one of the same bits (−1024 in 12
 * bits reads as 1024); the bits stored are the image's depth (12 bits stored: maxval 4095).
 * RLE and JPEG-LS Lossless frames are read too (`dicom_frames.ts`; JPEG-LS once CharLS is loaded);
 * other compressed transfer syntaxes (JPEG, JPEG-LS near-lossless, JPEG 2000, deflate) are
 * refused by name.
 *
 * @module
 */
import { parseDicom, readPart10Header } from "../deps/dicom.ts";
import { FormatError, quotedFileText } from "../errors.ts";
import { codedBits, decodeFrame, type FrameCodec } from "./dicom_frames.ts";
import type { GrayImage } from "./gray_image.ts";
import { type EncapsulatedFrames, type ImagePages, MAX_PAGES } from "./image_pages.ts";
import { checkPagesLimit, checkPixelLimit, type ImageLimits } from "./limits.ts";
import {
  checkSampleLayout,
  maxValueOf,
  readSampleRuns,
  type SampleRun,
  type StoredSamples,
} from "./sample_runs.ts";

/** The native transfer syntaxes, and whether each is big-endian. */
const NATIVE_SYNTAXES: Record<string, boolean> = {
  "1.2.840.10008.1.2": false, // implicit VR little endian
  "1.2.840.10008.1.2.1": false, // explicit VR little endian
  "1.2.840.10008.1.2.2": true, // explicit VR big endian
};

/**
 * The compressed transfer syntaxes read (explicit VR little endian, each frame compressed in an
 * item of the pixel data, `dicom_frames.ts`): RLE Lossless and JPEG-LS Lossless.
 */
const FRAME_SYNTAXES: Record<string, FrameCodec> = {
  "1.2.840.10008.1.2.5": "rle",
  "1.2.840.10008.1.2.4.80": "jpeg-ls",
};

/**
 * The JPEG-LS Lossless transfer syntax, whose frames need CharLS loaded
 * ({@link dicomNeedsJpegLs}).
 */
const JPEG_LS_SYNTAX = "1.2.840.10008.1.2.4.80";

/** The compressed transfer syntaxes read not, by UID prefix, for the message refusing them. */
const COMPRESSED_SYNTAXES: [string, string][] = [
  ["1.2.840.10008.1.2.1.99", "deflated explicit VR little endian"],
  ["1.2.840.10008.1.2.4.81", "JPEG-LS near-lossless"],
  ["1.2.840.10008.1.2.4.9", "JPEG 2000"],
  ["1.2.840.10008.1.2.4.20", "High-Throughput JPEG 2000"],
  ["1.2.840.10008.1.2.4.10", "MPEG"],
  ["1.2.840.10008.1.2.4.", "JPEG"],
];

/**
 * Whether the bytes are a DICOM Part 10 file (`DICM` after the 128-byte preamble).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { isDicom } from "./dicom.ts";
 * const file = new Uint8Array(132);
 * file.set(new TextEncoder().encode("DICM"), 128);
 * strictEqual(isDicom(file), true);
 * ```
 */
export function isDicom(bytes: Uint8Array): boolean {
  return bytes.length >= 132 && bytes[128] === 0x44 && bytes[129] === 0x49 &&
    bytes[130] === 0x43 && bytes[131] === 0x4d;
}

/** The parser's failures (it throws strings) as a format error. */
function parsed<T>(what: () => T): T {
  try {
    return what();
  } catch (e) {
    if (e instanceof FormatError) throw e;
    // It throws strings, errors, and objects with the string in `exception`.
    const thrown = typeof e === "object" && e !== null && "exception" in e ? e.exception : e;
    const reason = typeof thrown === "string"
      ? thrown
      : thrown instanceof Error
      ? thrown.message
      : String(thrown);
    throw new FormatError(
      `not a readable DICOM file (${
        reason.replace(/^dicomParser\.\w+: /, "").replace(/\s+/g, " ")
      })`,
    );
  }
}

/**
 * Reads every frame of a DICOM file with native pixel data, with where its samples lie.
 *
 * @throws {FormatError} for malformed or truncated files, compressed transfer syntaxes, colour
 *   and other unsupported pixel data (code `unsupported`, saying which), and frames over the
 *   pixel limit (`too-large`).
 * @example
 * ```ts
 * import { throws } from "node:assert/strict";
 * import { readDicom } from "./dicom.ts";
 * throws(() => readDicom(new Uint8Array(132)), /DICOM/);
 * ```
 */
export function readDicom(bytes: Uint8Array, limits: ImageLimits = {}): ImagePages {
  if (!isDicom(bytes)) throw new FormatError("not a DICOM file (no DICM prefix)");
  const syntax = parsed(() => readPart10Header(bytes).string("x00020010")) ?? "";
  const codec = FRAME_SYNTAXES[syntax];
  const bigEndian = codec ? false : NATIVE_SYNTAXES[syntax];
  if (bigEndian === undefined) {
    const known = COMPRESSED_SYNTAXES.find(([prefix]) => syntax.startsWith(prefix));
    throw new FormatError(
      known
        ? `DICOM pixel data is compressed (${known[1]}, transfer syntax ${
          quotedFileText(syntax)
        }): only native (uncompressed), RLE and JPEG-LS Lossless pixel data are supported`
        : `DICOM transfer syntax ${quotedFileText(syntax)} is not supported`,
      "unsupported",
    );
  }
  const data = parsed(() => parseDicom(bytes));
  const number = (tag: string, name: string, fallback?: number): number => {
    const value = data.elements[tag] ? data.uint16(tag) : fallback;
    if (value === undefined) throw new FormatError(`DICOM file has no ${name}`);
    return value;
  };
  const pixels = data.elements.x7fe00010;
  if (pixels === undefined) {
    const other = data.elements.x7fe00008 || data.elements.x7fe00009;
    throw new FormatError(
      other ? "DICOM pixel data is floating point" : "DICOM file has no pixel data",
      other ? "unsupported" : "invalid",
    );
  }
  const samplesPerPixel = number("x00280002", "SamplesPerPixel", 1);
  const photometric = (data.string("x00280004") ?? "MONOCHROME2").trim();
  if (samplesPerPixel !== 1 || !photometric.startsWith("MONOCHROME")) {
    throw new FormatError(
      `DICOM image is in colour (${
        quotedFileText(photometric)
      }, ${samplesPerPixel} samples a pixel)`,
      "unsupported",
    );
  }
  const height = number("x00280010", "Rows");
  const width = number("x00280011", "Columns");
  const allocated = number("x00280100", "BitsAllocated");
  const bits = number("x00280101", "BitsStored", allocated);
  const highBit = number("x00280102", "HighBit", bits - 1);
  const signed = number("x00280103", "PixelRepresentation", 0) === 1;
  const framesText = (data.string("x00280008") ?? "1").trim();
  if (!/^\d{1,9}$/.test(framesText)) {
    throw new FormatError(`DICOM NumberOfFrames ${quotedFileText(framesText)} is not a number`);
  }
  const frames = Math.max(1, Number(framesText));
  if (allocated !== 8 && allocated !== 16) {
    throw new FormatError(
      `DICOM pixel data of ${allocated} bits allocated: only 8 and 16 are supported`,
      "unsupported",
    );
  }
  if (bits < 1 || bits > allocated || highBit !== bits - 1) {
    throw new FormatError(
      `DICOM pixel data of ${bits} bits stored with high bit ${highBit} in ${allocated} allocated is not supported`,
      "unsupported",
    );
  }
  if (width === 0 || height === 0) throw new FormatError("DICOM image of zero size");
  if (frames > MAX_PAGES) {
    throw new FormatError(`DICOM file of ${frames} frames (at most ${MAX_PAGES})`, "unsupported");
  }
  checkPixelLimit(width, height, limits);
  const stored: StoredSamples = { bytes: allocated === 8 ? 1 : 2, bigEndian, bits, signed };
  const page = (): GrayImage => ({
    width,
    height,
    maxValue: maxValueOf(stored),
    data: new Uint16Array(0),
    ...(signed && { signed }),
  });
  if (codec) {
    const pages = Array.from({ length: frames }, page);
    return readFrames(bytes, pixels, pages, { codec, stored, codedBits: 0, frames: [] }, limits);
  }
  if (pixels.encapsulatedPixelData || pixels.hadUndefinedLength) {
    throw new FormatError("DICOM pixel data is encapsulated (compressed)", "unsupported");
  }
  const frameBytes = width * height * stored.bytes;
  if (pixels.length < frames * frameBytes || pixels.dataOffset + pixels.length > bytes.length) {
    throw new FormatError(
      `DICOM pixel data is truncated (${pixels.length} bytes for ${frames} frames of ${frameBytes})`,
    );
  }
  const pages: GrayImage[] = [];
  const runs: SampleRun[] = [];
  for (let frame = 0; frame < frames; frame++) {
    const offset = pixels.dataOffset + frame * frameBytes;
    runs.push({ page: frame, offset, first: 0, count: width * height });
    pages.push(page());
  }
  checkPagesLimit(pages, limits);
  const layout = { stored: pages.map(() => stored), runs };
  checkSampleLayout(layout, pages.map(() => width * height), bytes.length);
  for (const page of pages) page.data = new Uint16Array(width * height);
  readSampleRuns(bytes, layout, pages);
  return { format: "dicom", pages, layout };
}

/**
 * Whether reading `bytes` needs CharLS loaded (`loadJpegLs`): a DICOM file of JPEG-LS frames.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { dicomNeedsJpegLs } from "./dicom.ts";
 * strictEqual(dicomNeedsJpegLs(new Uint8Array(10)), false);
 * ```
 */
export function dicomNeedsJpegLs(bytes: Uint8Array): boolean {
  if (!isDicom(bytes)) return false;
  try {
    return readPart10Header(bytes).string("x00020010") === JPEG_LS_SYNTAX;
  } catch {
    return false; // the reader says why
  }
}

/** The compressed frames of a DICOM file's pixel data (an element whose items are the frames). */
function readFrames(
  bytes: Uint8Array,
  pixels: { encapsulatedPixelData?: boolean; fragments?: { position: number; length: number }[] },
  pages: GrayImage[],
  layout: EncapsulatedFrames,
  limits: ImageLimits,
): ImagePages {
  const { codec, stored } = layout;
  const name = codec === "rle" ? "RLE" : "JPEG-LS";
  const fragments = pixels.fragments ?? [];
  if (!pixels.encapsulatedPixelData || fragments.length !== pages.length) {
    throw new FormatError(
      `DICOM ${name} pixel data holds ${fragments.length} fragments for ${pages.length} frames ` +
        `(one a frame is read)`,
      "unsupported",
    );
  }
  checkPagesLimit(pages, limits);
  layout.frames = fragments.map(({ position, length }) => ({ offset: position, bytes: length }));
  for (const [i, frame] of layout.frames.entries()) {
    if (frame.offset + frame.bytes > bytes.length) {
      throw new FormatError(`DICOM ${name} frame ${i + 1} is truncated`);
    }
    const coded = bytes.subarray(frame.offset, frame.offset + frame.bytes);
    // Every frame codes the bits stored or all those allocated, as the first does.
    const bits = codedBits(coded, codec, stored.bytes);
    if (i === 0 && (bits === stored.bits || bits === 8 * stored.bytes)) layout.codedBits = bits;
    if (bits !== layout.codedBits) {
      throw new FormatError(
        `DICOM ${name} frame ${i + 1} codes ${bits}-bit samples, not the ${stored.bits} stored`,
        "unsupported",
      );
    }
    const page = pages[i];
    const count = page.width * page.height;
    const shape = { width: page.width, height: page.height, bits, bytes: stored.bytes };
    const raw = decodeFrame(coded, shape, codec);
    page.data = new Uint16Array(count);
    const runs = [{ page: 0, offset: 0, first: 0, count }];
    readSampleRuns(raw, { stored: [stored], runs }, [page]);
  }
  return { format: "dicom", pages, noLayout: `its frames are ${name}-compressed`, frames: layout };
}
