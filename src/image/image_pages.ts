/**
 * The pages of an image file as bpcodec reads them, and where their samples lie in the file.
 *
 * @module
 */
import type { GrayImage } from "./gray_image.ts";
import type { FrameCodec } from "./dicom_frames.ts";
import type { SampleLayout, StoredSamples } from "./sample_runs.ts";
import type { TiffBlocks } from "./tiff.ts";

/**
 * The most pages (TIFF pages, DICOM frames, FITS planes) bpcodec reads from one file: far more
 * than real files have, few enough that a small file of many tiny pages cannot keep a coder busy
 * for hours.
 */
export const MAX_PAGES = 65536;

/** The image file formats bpcodec reads. */
export type ImageFormat = "png" | "netpbm" | "tiff" | "dicom" | "fits";

/**
 * An image file read: its format, its pages (TIFF pages, DICOM frames, FITS image planes; one
 * for PNG and Netpbm), and, when the file keeps its samples uncompressed, where they lie.
 *
 * @example
 * ```ts
 * import type { ImagePages } from "./image_pages.ts";
 * const pages: ImagePages = {
 *   format: "netpbm",
 *   pages: [{ width: 1, height: 1, maxValue: 255, data: new Uint16Array([7]) }],
 *   layout: {
 *     stored: [{ bytes: 1, bigEndian: false, bits: 8, signed: false }],
 *     runs: [{ page: 0, offset: 11, first: 0, count: 1 }],
 *   },
 * };
 * ```
 */
export interface ImagePages {
  /** The file's format. */
  format: ImageFormat;
  /** The pages, in file order; at least one. */
  pages: GrayImage[];
  /** Where the samples lie, when the file stores them uncompressed. */
  layout?: SampleLayout;
  /** Without a layout, why (e.g. "its strips are LZW-compressed"). */
  noLayout?: string;
  /** A TIFF of compressed strips or tiles: where they lie. */
  blocks?: TiffBlocks;
  /** A DICOM file of compressed frames: how, how its samples are stored, where each frame lies. */
  frames?: EncapsulatedFrames;
}

/**
 * Where the compressed frames of a DICOM file lie (one a page), how they are compressed, and how
 * their samples are stored once decoded.
 *
 * @example
 * ```ts
 * import type { EncapsulatedFrames } from "./image_pages.ts";
 * const frames: EncapsulatedFrames = {
 *   codec: "rle",
 *   stored: { bytes: 2, bigEndian: false, bits: 12, signed: true },
 *   codedBits: 16,
 *   frames: [{ offset: 1536, bytes: 6108 }],
 * };
 * ```
 */
export interface EncapsulatedFrames {
  /** The frames' compression. */
  codec: FrameCodec;
  /** How a sample is stored (little-endian) once a frame is decoded. */
  stored: StoredSamples;
  /** Bits of a sample the frames code: JPEG-LS's P (bits stored or allocated); RLE, allocated. */
  codedBits: number;
  /** Each page's frame: its first byte in the file and its length. */
  frames: { offset: number; bytes: number }[];
}
