/**
 * JPEG-LS Lossless frames of DICOM files (transfer syntax 1.2.840.10008.1.2.4.80), decoded and
 * encoded by CharLS (`deps/charls.ts`), which GDCM and many PACS use: a frame CharLS wrote comes
 * back byte for byte from its samples when CharLS encodes them again with its defaults (NEAR 0).
 * CharLS is WebAssembly that loads asynchronously: {@link loadJpegLs} loads it once, after which
 * frames are decoded and encoded synchronously, as the other image readers work.
 *
 * @module
 */
import { type CharlsModule, loadCharls } from "../deps/charls.ts";
import { FormatError } from "../errors.ts";

let charls: CharlsModule | undefined;

/**
 * Loads CharLS, once; the JPEG-LS functions need it.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { jpegLsLoaded, loadJpegLs } from "./dicom_jpegls.ts";
 * await loadJpegLs();
 * strictEqual(jpegLsLoaded(), true);
 * ```
 */
export async function loadJpegLs(): Promise<void> {
  charls ??= await loadCharls();
}

/**
 * Whether {@link loadJpegLs} has loaded CharLS.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { jpegLsLoaded } from "./dicom_jpegls.ts";
 * strictEqual(typeof jpegLsLoaded(), "boolean");
 * ```
 */
export function jpegLsLoaded(): boolean {
  return charls !== undefined;
}

/** CharLS, loaded. */
function codec(): CharlsModule {
  if (!charls) {
    throw new FormatError("JPEG-LS pixel data needs CharLS, which is not loaded", "unsupported");
  }
  return charls;
}

/** The shape of a frame: its size, the bits of a sample coded and the bytes that hold one. */
interface FrameShape {
  width: number;
  height: number;
  bits: number;
  bytes: 1 | 2;
}

/**
 * The frame header (SOF55) of a JPEG-LS stream: its size, components and bits a sample, read
 * before CharLS allocates anything for the frame.
 *
 * @throws {FormatError} for a stream without one before its data.
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { encodeJpegLsFrame, jpegLsHeader, loadJpegLs } from "./dicom_jpegls.ts";
 * await loadJpegLs();
 * const frame = encodeJpegLsFrame(new Uint8Array(6), { width: 3, height: 1, bits: 12, bytes: 2 });
 * deepStrictEqual(jpegLsHeader(frame), { width: 3, height: 1, components: 1, bits: 12 });
 * ```
 */
export function jpegLsHeader(
  frame: Uint8Array,
): { width: number; height: number; components: number; bits: number } {
  const bad = (what: string) => new FormatError(`JPEG-LS frame ${what}`);
  if (frame[0] !== 0xff || frame[1] !== 0xd8) throw bad("does not start with SOI");
  for (let at = 2; at + 4 <= frame.length;) {
    if (frame[at] !== 0xff) break;
    const marker = frame[at + 1];
    const length = (frame[at + 2] << 8) | frame[at + 3];
    if (marker === 0xf7) {
      if (length < 8 || at + 2 + length > frame.length) throw bad("header is truncated");
      return {
        bits: frame[at + 4],
        height: (frame[at + 5] << 8) | frame[at + 6],
        width: (frame[at + 7] << 8) | frame[at + 8],
        components: frame[at + 9],
      };
    }
    if (marker === 0xda || marker === 0xd9) break;
    at += 2 + length;
  }
  throw bad("has no frame header before its data");
}

/**
 * Decodes a JPEG-LS frame to its samples as stored, little-endian, `shape.bytes` each.
 *
 * @throws {FormatError} for a frame of another shape than `shape`, or that CharLS cannot decode.
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { decodeJpegLsFrame, encodeJpegLsFrame, loadJpegLs } from "./dicom_jpegls.ts";
 * await loadJpegLs();
 * const shape = { width: 3, height: 1, bits: 12, bytes: 2 } as const;
 * const samples = new Uint8Array([1, 0, 255, 15, 0, 8]); // 1, 4095, 2048
 * deepStrictEqual(decodeJpegLsFrame(encodeJpegLsFrame(samples, shape), shape), samples);
 * ```
 */
export function decodeJpegLsFrame(frame: Uint8Array, shape: FrameShape): Uint8Array {
  const header = jpegLsHeader(frame);
  if (header.width !== shape.width || header.height !== shape.height || header.components !== 1) {
    throw new FormatError(
      `JPEG-LS frame is ${header.width}×${header.height} of ${header.components} components, ` +
        `not the DICOM's ${shape.width}×${shape.height} of one`,
    );
  }
  if (header.bits !== shape.bits) {
    throw new FormatError(`JPEG-LS frame holds ${header.bits}-bit samples, not ${shape.bits}`);
  }
  const decoder = new (codec().JpegLSDecoder)();
  try {
    decoder.getEncodedBuffer(frame.length).set(frame);
    decoder.decode();
    const samples = decoder.getDecodedBuffer();
    if (samples.length !== shape.width * shape.height * shape.bytes) {
      throw new FormatError("JPEG-LS frame decodes to another number of samples");
    }
    return new Uint8Array(samples); // a copy, out of CharLS's memory (its views are clamped)
  } catch (e) {
    if (e instanceof FormatError) throw e;
    // CharLS throws numbers (its exceptions' addresses): the frame is damaged.
    throw new FormatError("JPEG-LS frame cannot be decoded (damaged)");
  } finally {
    decoder.delete();
  }
}

/**
 * Encodes samples as stored (little-endian, `shape.bytes` each) as a JPEG-LS frame, as CharLS
 * does with its defaults and NEAR 0.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { encodeJpegLsFrame, loadJpegLs } from "./dicom_jpegls.ts";
 * await loadJpegLs();
 * const frame = encodeJpegLsFrame(new Uint8Array(64), { width: 8, height: 8, bits: 8, bytes: 1 });
 * strictEqual(frame[0] === 0xff && frame[1] === 0xd8, true); // SOI
 * ```
 */
export function encodeJpegLsFrame(samples: Uint8Array, shape: FrameShape): Uint8Array {
  const encoder = new (codec().JpegLSEncoder)();
  try {
    encoder.setNearLossless(0);
    const info = {
      width: shape.width,
      height: shape.height,
      bitsPerSample: shape.bits,
      componentCount: 1,
    };
    encoder.getDecodedBuffer(info).set(samples);
    encoder.encode();
    return new Uint8Array(encoder.getEncodedBuffer()); // a copy, out of CharLS's memory
  } finally {
    encoder.delete();
  }
}
