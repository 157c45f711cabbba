/**
 * The compressed frames of DICOM files that bpcodec reads (RLE Lossless, JPEG-LS Lossless), one
 * frame an item of the encapsulated pixel data: decoded to their samples as stored, and encoded
 * again as the encoder that wrote them does, so that such a file is rebuilt byte for byte from
 * its pixels ({@link FRAME_ENCODERS}).
 *
 * @module
 */
import { decodeJpegLsFrame, encodeJpegLsFrame, jpegLsHeader, loadJpegLs } from "./dicom_jpegls.ts";
import { decodeRleFrame, encodeRleFrame, RLE_ENCODERS } from "./dicom_rle.ts";

/** The compressions of DICOM frames read. */
export type FrameCodec = "rle" | "jpeg-ls";

/**
 * The encoders whose frames bpcodec writes again: RLE as DCMTK, GDCM or pydicom write it
 * (`dicom_rle.ts`), JPEG-LS as CharLS does with its defaults (`dicom_jpegls.ts`). Their order is
 * their number in an archive's file parts.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { FRAME_ENCODERS } from "./dicom_frames.ts";
 * strictEqual(FRAME_ENCODERS.join(), "dcmtk,gdcm,pydicom,charls");
 * ```
 */
export const FRAME_ENCODERS = [...RLE_ENCODERS, "charls"] as const;

/** One of the {@link FRAME_ENCODERS}. */
export type FrameEncoder = (typeof FRAME_ENCODERS)[number];

/**
 * The encoders that write frames of `codec`, in the order a writer tries them.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { encodersOf } from "./dicom_frames.ts";
 * deepStrictEqual(encodersOf("jpeg-ls"), ["charls"]);
 * ```
 */
export function encodersOf(codec: FrameCodec): readonly FrameEncoder[] {
  return codec === "rle" ? RLE_ENCODERS : ["charls"];
}

/**
 * Loads what `encoder` needs before it encodes synchronously (CharLS, for `charls`).
 *
 * @example
 * ```ts
 * import { encodeFrame, loadFrameEncoder } from "./dicom_frames.ts";
 * await loadFrameEncoder("charls");
 * encodeFrame(new Uint8Array(4), { width: 2, height: 2, bits: 8, bytes: 1 }, "charls");
 * ```
 */
export async function loadFrameEncoder(encoder: FrameEncoder): Promise<void> {
  if (encoder === "charls") await loadJpegLs();
}

/** A frame's size, the bits of a sample it codes and the bytes that hold one. */
export interface FrameShape {
  /** Columns. */
  width: number;
  /** Rows. */
  height: number;
  /** Bits of a sample the frame codes (JPEG-LS's P: BitsStored, or all the bits allocated). */
  bits: number;
  /** Bytes a sample takes (BitsAllocated / 8). */
  bytes: 1 | 2;
}

/**
 * The bits of a sample a frame of `codec` codes: a JPEG-LS frame's P; all those allocated, for
 * RLE (which codes bytes).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { codedBits } from "./dicom_frames.ts";
 * strictEqual(codedBits(new Uint8Array(64), "rle", 2), 16);
 * ```
 */
export function codedBits(frame: Uint8Array, codec: FrameCodec, bytes: 1 | 2): number {
  return codec === "jpeg-ls" ? jpegLsHeader(frame).bits : 8 * bytes;
}

/**
 * Decodes a frame of `codec` to its samples as stored, little-endian.
 *
 * @throws {FormatError} for a damaged frame, or one of another shape.
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { decodeFrame, encodeFrame } from "./dicom_frames.ts";
 * const shape = { width: 2, height: 1, bits: 8, bytes: 1 } as const;
 * const frame = encodeFrame(new Uint8Array([5, 5]), shape, "dcmtk");
 * deepStrictEqual(decodeFrame(frame, shape, "rle"), new Uint8Array([5, 5]));
 * ```
 */
export function decodeFrame(frame: Uint8Array, shape: FrameShape, codec: FrameCodec): Uint8Array {
  if (codec === "jpeg-ls") return decodeJpegLsFrame(frame, shape);
  return decodeRleFrame(frame, { samples: shape.width * shape.height, bytes: shape.bytes });
}

/**
 * Encodes samples as stored (little-endian) as a frame, as `encoder` does.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { encodeFrame } from "./dicom_frames.ts";
 * const frame = encodeFrame(new Uint8Array(4), { width: 2, height: 2, bits: 8, bytes: 1 }, "gdcm");
 * strictEqual(frame.length % 2, 0);
 * ```
 */
export function encodeFrame(
  samples: Uint8Array,
  shape: FrameShape,
  encoder: FrameEncoder,
): Uint8Array {
  if (encoder !== "charls") return encodeRleFrame(samples, shape, encoder);
  // An item's value has an even length: an odd JPEG-LS stream is padded with a zero.
  const stream = encodeJpegLsFrame(samples, shape);
  if (stream.length % 2 === 0) return stream;
  const padded = new Uint8Array(stream.length + 1);
  padded.set(stream);
  return padded;
}
