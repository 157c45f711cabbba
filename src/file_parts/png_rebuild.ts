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
import { ADAM7, packLowDepth } from "../image/png.ts";
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

/** The rows of a gray image as PNG stores them before filtering (no filter bytes). */
function rawRows(image: GrayImage, depth: number): Uint8Array {
  if (depth < 8) return packLowDepth(image, depth);
  if (depth === 8) return Uint8Array.from(image.data);
  const out = new Uint8Array(2 * image.data.length);
  for (let i = 0; i < image.data.length; i++) {
    out[2 * i] = image.data[i] >> 8;
    out[2 * i + 1] = image.data[i] & 255;
  }
  return out;
}

/** The sub-images whose rows the image data holds in order: the image, or its Adam7 passes. */
function passImages(image: GrayImage, interlaced: boolean): GrayImage[] {
  if (!interlaced) return [image];
  const passes: GrayImage[] = [];
  for (const [x0, y0, dx, dy] of ADAM7) {
    const width = Math.ceil((image.width - x0) / dx);
    const height = Math.ceil((image.height - y0) / dy);
    if (width <= 0 || height <= 0) continue;
    const data = new Uint16Array(width * height);
    for (let y = 0, i = 0; y < height; y++) {
      const row = (y0 + y * dy) * image.width + x0;
      for (let x = 0; x < width; x++, i++) data[i] = image.data[row + x * dx];
    }
    passes.push({ width, height, maxValue: image.maxValue, data });
  }
  return passes;
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
  return passImages(image, interlaced).reduce((n, pass) => n + pass.height, 0);
}

/** The image data before compression: each row's filter type, then the filtered row. */
function filteredRows(
  image: GrayImage,
  depth: number,
  interlaced: boolean,
  filters: Uint8Array,
): Uint8Array {
  const out = new ByteWriter();
  let row0 = 0;
  for (const pass of passImages(image, interlaced)) {
    out.bytes(filterPass(pass, depth, filters.subarray(row0, row0 + pass.height)));
    row0 += pass.height;
  }
  return out.finish();
}

/** One pass's rows, filtered with the given types. */
function filterPass(image: GrayImage, depth: number, filters: Uint8Array): Uint8Array {
  const raw = rawRows(image, depth);
  const rowBytes = raw.length / image.height;
  const bpp = Math.max(1, depth >> 3);
  const out = new Uint8Array((rowBytes + 1) * image.height);
  const zeros = new Uint8Array(rowBytes);
  for (let y = 0; y < image.height; y++) {
    const row = raw.subarray(y * rowBytes, (y + 1) * rowBytes);
    const up = y === 0 ? zeros : raw.subarray((y - 1) * rowBytes, y * rowBytes);
    const at = y * (rowBytes + 1);
    const filter = filters[y];
    out[at] = filter;
    const o = out.subarray(at + 1, at + 1 + rowBytes);
    for (let i = 0; i < rowBytes; i++) {
      const a = i >= bpp ? row[i - bpp] : 0;
      const b = up[i];
      const c = i >= bpp ? up[i - bpp] : 0;
      let p = 0;
      if (filter === 1) p = a;
      else if (filter === 2) p = b;
      else if (filter === 3) p = (a + b) >> 1;
      else if (filter === 4) {
        const pa = Math.abs(b - c);
        const pb = Math.abs(a - c);
        const pc = Math.abs(a + b - 2 * c);
        p = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      o[i] = (row[i] - p) & 255;
    }
  }
  return out;
}

/**
 * Finds what a gray PNG needs besides `image` (its decoded pixels) to be rebuilt byte for byte —
 * or, when no zlib setting reproduces its image data, with the same pixels and other chunks
 * (`exact` false) — or says why it cannot be rebuilt at all.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { encodePng } from "../image/png.ts";
 * import { pngParts } from "./png_rebuild.ts";
 * const image = { width: 2, height: 2, maxValue: 255, data: new Uint16Array([1, 2, 3, 4]) };
 * ok((pngParts(encodePng(image), image) as { exact: boolean }).exact);
 * ```
 */
export function pngParts(
  file: Uint8Array,
  image: GrayImage,
): { parts: PngParts; exact: boolean } | { why: string } {
  const reader = new PngChunkReader(file);
  const header = reader.next();
  const [depth, colorType, , , interlace] = header.data.subarray(8);
  if (colorType !== 0) return { why: "its pixels are stored in colour or as a palette" };
  const interlaced = interlace === 1;
  let start = -1;
  let end = -1;
  const idatSizes: number[] = [];
  const pieces: Uint8Array[] = [];
  while (reader.remaining > 0) {
    const at = file.length - reader.remaining;
    const chunk = reader.next();
    if (chunk.type === "IDAT") {
      if (end !== -1 && end !== at) return { why: "its IDAT chunks are not consecutive" };
      if (start === -1) start = at;
      end = at + 12 + chunk.data.length;
      idatSizes.push(chunk.data.length);
      pieces.push(chunk.data);
    }
    if (chunk.type === "IEND") break;
  }
  const joined = new ByteWriter();
  for (const piece of pieces) joined.bytes(piece);
  const stream = joined.finish();
  // Each row's filter type: the first byte of each row of each pass.
  const rowStarts: number[] = [];
  let start0 = 0;
  for (const pass of passImages(image, interlaced)) {
    const rowBytes = Math.ceil(pass.width * depth / 8);
    for (let y = 0; y < pass.height; y++, start0 += rowBytes + 1) rowStarts.push(start0);
  }
  const filters = new Uint8Array(rowStarts.length);
  let inflated = 0;
  let next = 0;
  const zlib = new ZlibStream((piece) => {
    for (; next < rowStarts.length && rowStarts[next] < inflated + piece.length; next++) {
      filters[next] = piece[rowStarts[next] - inflated];
    }
    inflated += piece.length;
  });
  zlib.push(stream);
  zlib.finish();
  const data = filteredRows(image, depth, interlaced, filters);
  if (data.length !== inflated) throw new FormatError("PNG image data has a wrong length");
  const settings = zlibSettingOf(data, stream);
  const parts = {
    before: file.subarray(0, start),
    after: file.subarray(end),
    idatSizes: settings ? idatSizes : [],
    filters,
    depth,
    interlaced,
    settings: settings ?? ZLIB_DEFAULT,
  };
  return { parts, exact: settings !== undefined };
}

/** The setting of a PNG whose image data no setting reproduced: zlib's and libpng's default. */
const ZLIB_DEFAULT: ZlibSettings = { level: 6, windowBits: 15, memLevel: 8, strategy: 0 };

/**
 * Rebuilds a PNG file from its pixels and {@link PngParts}.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { encodePng } from "../image/png.ts";
 * import { type PngParts, pngParts, rebuildPng } from "./png_rebuild.ts";
 * const image = { width: 3, height: 1, maxValue: 255, data: new Uint16Array([9, 8, 7]) };
 * const file = encodePng(image);
 * deepStrictEqual(rebuildPng(image, (pngParts(file, image) as { parts: PngParts }).parts), file);
 * ```
 */
export function rebuildPng(image: GrayImage, parts: PngParts): Uint8Array {
  const data = filteredRows(image, parts.depth, parts.interlaced, parts.filters);
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
