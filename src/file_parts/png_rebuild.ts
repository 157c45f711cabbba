/**
 * Rebuilding a gray PNG byte for byte from its pixels: the file's bytes around its image data,
 * each row's filter type, the IDAT chunks' sizes, and the zlib setting that reproduces its image
 * data stream — found by trying zlib's settings, each abandoned at its first differing byte.
 *
 * @module
 */
import { ByteWriter } from "../bytes.ts";
import { zlibDeflater, type ZlibSettings } from "../deps/zlib_deflate.ts";
import { FormatError } from "../errors.ts";
import type { GrayImage } from "../image/gray_image.ts";
import { filteredRows } from "../image/png_filters.ts";
import { pngPasses, pngRowBytes, type PngStorage } from "../image/png_samples.ts";
import { PngChunkReader, writePngChunk } from "../image/png_chunks.ts";
import { ZlibStream } from "../image/zlib_stream.ts";
import { zlibSettingOf } from "./zlib_settings.ts";

/**
 * What a gray PNG needs besides its pixels to be rebuilt byte for byte.
 *
 * @example
 * ```ts
 * import type { PngParts } from "./png_rebuild.ts";
 * const parts: PngParts = {
 *   before: new Uint8Array(33), after: new Uint8Array(12), idatSizes: [20], filters: new Uint8Array(1),
 *   depth: 8, interlaced: false, settings: { level: 6, windowBits: 15, memLevel: 8, strategy: 0 },
 * };
 * ```
 */
export interface PngParts {
  /** The file's bytes before its first IDAT chunk (signature, IHDR, other chunks). */
  before: Uint8Array;
  /** The file's bytes after its last IDAT chunk (IEND, chunks after the image data). */
  after: Uint8Array;
  /**
   * The data length of each IDAT chunk, in order; empty when no zlib setting reproduced the
   * image data: the rebuilt file then has one IDAT chunk of `settings`' output (the same pixels
   * and other chunks, not the same bytes).
   */
  idatSizes: number[];
  /** Each row's filter type. */
  filters: Uint8Array;
  /** Bits a sample: 1, 2, 4, 8 or 16. */
  depth: number;
  /** Whether the rows are stored in Adam7's seven passes. */
  interlaced: boolean;
  /** The zlib setting that made the image data. */
  settings: ZlibSettings;
}

/**
 * Rows of a PNG's image data (of all its passes when interlaced): one filter type each.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { pngRowCount } from "./png_rebuild.ts";
 * const image = { width: 8, height: 8, maxValue: 255, data: new Uint16Array(64) };
 * strictEqual(pngRowCount(image, false), 8);
 * strictEqual(pngRowCount(image, true), 1 + 1 + 1 + 2 + 2 + 4 + 4);
 * ```
 */
export function pngRowCount(image: GrayImage, interlaced: boolean): number {
  return pngPasses(image.width, image.height, interlaced).reduce((n, pass) => n + pass.height, 0);
}

/**
 * Finds what a PNG of gray pixels needs besides `image` (its decoded pixels) to be rebuilt byte
 * for byte — or, when no zlib setting reproduces its image data or its palette gives a gray two
 * indices, with the same pixels and other chunks (`exact` false, and `why`).
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { encodePng } from "../image/png_write.ts";
 * import { pngParts } from "./png_rebuild.ts";
 * const image = { width: 2, height: 2, maxValue: 255, data: new Uint16Array([1, 2, 3, 4]) };
 * ok((pngParts(encodePng(image), image) as { exact: boolean }).exact);
 * ```
 */
export function pngParts(
  file: Uint8Array,
  image: GrayImage,
): { parts: PngParts; exact: boolean; why?: string } {
  const reader = new PngChunkReader(file);
  let start = -1;
  let end = -1;
  const idatSizes: number[] = [];
  const pieces: Uint8Array[] = [];
  while (reader.remaining > 0) {
    const at = file.length - reader.remaining;
    const chunk = reader.next();
    if (chunk.type === "IDAT") {
      if (end !== -1 && end !== at) throw new FormatError("PNG's IDAT chunks are not together");
      if (start === -1) start = at;
      end = at + 12 + chunk.data.length;
      idatSizes.push(chunk.data.length);
      pieces.push(chunk.data);
    }
    if (chunk.type === "IEND") break;
  }
  const before = file.subarray(0, start);
  const { storage, interlaced } = pngStorageOf(before);
  const joined = new ByteWriter();
  for (const piece of pieces) joined.bytes(piece);
  const stream = joined.finish();
  const inflated = new ByteWriter();
  const zlib = new ZlibStream((piece) => inflated.bytes(piece));
  zlib.push(stream);
  zlib.finish();
  const stored = inflated.finish();
  // Each row's filter type: the first byte of each row of each pass.
  const filters = new Uint8Array(pngRowCount(image, interlaced));
  let row = 0;
  let at = 0;
  for (const pass of pngPasses(image.width, image.height, interlaced)) {
    const rowBytes = pngRowBytes(pass.width, storage);
    for (let y = 0; y < pass.height; y++, at += rowBytes + 1) filters[row++] = stored[at];
  }
  const data = filteredRows(image, storage, interlaced, filters);
  if (data.length !== stored.length) throw new FormatError("PNG image data has a wrong length");
  const sameRows = sameBytes(data, stored);
  const settings = sameRows ? zlibSettingOf(data, stream) : undefined;
  const parts = {
    before,
    after: file.subarray(end),
    idatSizes: settings ? idatSizes : [],
    filters,
    depth: storage.depth,
    interlaced,
    settings: settings ?? ZLIB_DEFAULT,
  };
  if (settings) return { parts, exact: true };
  const why = sameRows
    ? "no zlib setting reproduces its image data"
    : "its palette gives a gray more than one index";
  return { parts, exact: false, why };
}

/** Whether every value has an index in the palette. */
function allInPalette(values: Uint16Array, paletteIndex: Int16Array): boolean {
  for (let i = 0; i < values.length; i++) if (paletteIndex[values[i]] < 0) return false;
  return true;
}

/** Whether two byte arrays of the same length hold the same bytes. */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * How the PNG whose bytes before the image data are `before` stores its samples, and whether
 * it is interlaced: from its IHDR chunk and, for a palette image, its PLTE and tRNS chunks (the
 * first opaque gray entry of each gray value).
 */
function pngStorageOf(before: Uint8Array): { storage: PngStorage; interlaced: boolean } {
  const reader = new PngChunkReader(before);
  const header = reader.next();
  if (header.type !== "IHDR" || header.data.length !== 13) {
    throw new FormatError("the PNG's parts do not start with its header");
  }
  const [depth, colorType, , , interlace] = header.data.subarray(8);
  const storage: PngStorage = { depth, colorType };
  let palette: Uint8Array | undefined;
  let alphas: Uint8Array = new Uint8Array(0);
  while (reader.remaining > 0) {
    const chunk = reader.next();
    if (chunk.type === "PLTE") palette = chunk.data;
    if (chunk.type === "tRNS") alphas = chunk.data;
  }
  if (colorType === 3) {
    if (!palette) throw new FormatError("the PNG's parts have no palette");
    const paletteIndex = new Int16Array(256).fill(-1);
    for (let i = palette.length / 3 - 1; i >= 0; i--) {
      const [r, g, b] = palette.subarray(3 * i, 3 * i + 3);
      if (r === g && g === b && (i >= alphas.length || alphas[i] === 255)) paletteIndex[r] = i;
    }
    storage.paletteIndex = paletteIndex;
  }
  return { storage, interlaced: interlace === 1 };
}

/** The setting of a PNG whose image data no setting reproduced: zlib's and libpng's default. */
const ZLIB_DEFAULT: ZlibSettings = { level: 6, windowBits: 15, memLevel: 8, strategy: 0 };

/**
 * Rebuilds a PNG file from its pixels and {@link PngParts}.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { encodePng } from "../image/png_write.ts";
 * import { type PngParts, pngParts, rebuildPng } from "./png_rebuild.ts";
 * const image = { width: 3, height: 1, maxValue: 255, data: new Uint16Array([9, 8, 7]) };
 * const file = encodePng(image);
 * deepStrictEqual(rebuildPng(image, (pngParts(file, image) as { parts: PngParts }).parts), file);
 * ```
 */
export function rebuildPng(image: GrayImage, parts: PngParts): Uint8Array {
  const { storage, interlaced } = pngStorageOf(parts.before);
  const fits = storage.colorType === 3
    ? image.maxValue === 255 && allInPalette(image.data, storage.paletteIndex!)
    : image.maxValue < 2 ** storage.depth;
  if (storage.depth !== parts.depth || interlaced !== parts.interlaced || !fits) {
    throw new FormatError("the PNG's parts do not fit its image");
  }
  const data = filteredRows(image, storage, interlaced, parts.filters);
  const compressed = new ByteWriter();
  zlibDeflater(parts.settings, (piece) => compressed.bytes(piece)).push(data, true);
  const stream = compressed.finish();
  const exact = parts.idatSizes.length > 0;
  if (exact && pngImageDataBytes(parts) !== stream.length) {
    throw new FormatError("rebuilt PNG image data has a wrong length");
  }
  const out = new ByteWriter();
  out.bytes(parts.before);
  let at = 0;
  for (const size of exact ? parts.idatSizes : [stream.length]) {
    out.bytes(writePngChunk("IDAT", stream.subarray(at, at + size)));
    at += size;
  }
  out.bytes(parts.after);
  return out.finish();
}

/**
 * The bytes of the image data (all IDAT chunks' data) of a PNG rebuilt from `parts`.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { pngImageDataBytes } from "./png_rebuild.ts";
 * strictEqual(pngImageDataBytes({ idatSizes: [8192, 100] }), 8292);
 * ```
 */
export function pngImageDataBytes(parts: Pick<PngParts, "idatSizes">): number {
  return parts.idatSizes.reduce((a, b) => a + b, 0);
}

/**
 * The length of a PNG file rebuilt from `parts`: its bytes around the image data, and 12 bytes
 * of chunk framing with each IDAT chunk's data.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { rebuiltPngBytes } from "./png_rebuild.ts";
 * const parts = { before: new Uint8Array(33), after: new Uint8Array(12), idatSizes: [20] };
 * strictEqual(rebuiltPngBytes(parts), 33 + 32 + 12);
 * ```
 */
export function rebuiltPngBytes(parts: Pick<PngParts, "before" | "after" | "idatSizes">): number {
  return parts.before.length + parts.after.length + 12 * parts.idatSizes.length +
    pngImageDataBytes(parts);
}
