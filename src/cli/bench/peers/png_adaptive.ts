/**
 * A PNG writer at PNG's strongest standard settings, for the bench: each row's filter chosen
 * from the five (libpng's heuristic: the least sum of the filtered bytes read as signed), zlib
 * at level 9 with memLevel 9, the smaller of its default and filtered strategies. The
 * command line's own PNG writer (`encodePng`) is the fast one (level 3, no filtering).
 *
 * @module
 */
import { constants, deflateSync } from "node:zlib";
import { ByteWriter } from "../../../bytes.ts";
import type { GrayImage } from "../../../image/gray_image.ts";
import { packLowDepth } from "../../../image/png.ts";
import { PNG_SIGNATURE, pngHeaderData, writePngChunk } from "../../../image/png_chunks.ts";

/** The bit depth PNG stores `maxValue` in: 1, 2, 4 (exact), 8 or 16. */
function depthOf(maxValue: number): number {
  return [1, 2, 4].find((d) => maxValue === 2 ** d - 1) ?? (maxValue > 255 ? 16 : 8);
}

/** The image's rows as PNG stores them before filtering (16-bit samples big-endian). */
function rawRows(image: GrayImage, depth: number): Uint8Array {
  if (depth < 8) return packLowDepth(image, depth);
  if (depth === 8) return Uint8Array.from(image.data);
  const raw = new Uint8Array(2 * image.data.length);
  image.data.forEach((v, i) => {
    raw[2 * i] = v >> 8;
    raw[2 * i + 1] = v & 255;
  });
  return raw;
}

/** Paeth's predictor. */
function paeth(a: number, b: number, c: number): number {
  const pa = Math.abs(b - c);
  const pb = Math.abs(a - c);
  const pc = Math.abs(a + b - 2 * c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/**
 * Filters `row` (given the previous row, zeros for the first) with each of the five filters
 * into `out[f]`, and returns the filter whose bytes, read as signed, have the least sum of
 * absolute values.
 */
function bestFilter(row: Uint8Array, previous: Uint8Array, bpp: number, out: Uint8Array[]) {
  const [none, sub, up, average, paethed] = out;
  for (let i = 0; i < row.length; i++) {
    const a = i >= bpp ? row[i - bpp] : 0;
    const b = previous[i];
    const c = i >= bpp ? previous[i - bpp] : 0;
    const x = row[i];
    none[i] = x;
    sub[i] = x - a;
    up[i] = x - b;
    average[i] = x - ((a + b) >> 1);
    paethed[i] = x - paeth(a, b, c);
  }
  const costs = out.map((bytes) => {
    let cost = 0;
    for (let i = 0; i < bytes.length; i++) cost += bytes[i] < 128 ? bytes[i] : 256 - bytes[i];
    return cost;
  });
  return costs.indexOf(Math.min(...costs));
}

/** The filtered image data: each row's filter byte, then its filtered bytes. */
function filterRows(raw: Uint8Array, rowBytes: number, height: number, bpp: number): Uint8Array {
  const out = new Uint8Array((rowBytes + 1) * height);
  const candidates = Array.from({ length: 5 }, () => new Uint8Array(rowBytes));
  let previous: Uint8Array = new Uint8Array(rowBytes);
  for (let y = 0; y < height; y++) {
    const row = raw.subarray(y * rowBytes, (y + 1) * rowBytes);
    const filter = bestFilter(row, previous, bpp, candidates);
    out[y * (rowBytes + 1)] = filter;
    out.set(candidates[filter], y * (rowBytes + 1) + 1);
    previous = row;
  }
  return out;
}

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
 * import { decodePng, encodePng } from "../../../image/png.ts";
 * const data = Uint16Array.from({ length: 64 * 64 }, (_, i) => (i % 64) * 3 + (i >> 6));
 * const image = { width: 64, height: 64, maxValue: 255, data };
 * const png = encodePngStrongest(image);
 * deepStrictEqual(decodePng(png), image);
 * ok(png.length < encodePng(image).length);
 * ```
 */
export function encodePngStrongest(image: GrayImage): Uint8Array {
  const { width, height } = image;
  const depth = depthOf(image.maxValue);
  const rowBytes = Math.ceil(width * depth / 8);
  const filtered = filterRows(rawRows(image, depth), rowBytes, height, Math.max(1, depth >> 3));
  const out = new ByteWriter();
  out.bytes(PNG_SIGNATURE);
  out.bytes(writePngChunk("IHDR", pngHeaderData(width, height, depth, 0)));
  out.bytes(writePngChunk("IDAT", deflateStrongest(filtered)));
  out.bytes(writePngChunk("IEND"));
  return out.finish();
}
