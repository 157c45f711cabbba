/**
 * How PNG lays out a gray image's samples, for its reader and its writers: the Adam7 passes,
 * samples of 1, 2 and 4 bits packed into bytes, and values of fewer bits than the sample scaled
 * to it (and back) by left bit replication, as sBIT files hold them.
 *
 * @module
 */
import { type GrayImage, sampleBits } from "./gray_image.ts";

/** Adam7 passes: first column, first row, column step, row step. */
const ADAM7: readonly (readonly number[])[] = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
];

/** One pass of a PNG's image data: its first column and row, steps, and size in pixels. */
export interface PngPassLayout {
  x0: number;
  y0: number;
  dx: number;
  dy: number;
  width: number;
  height: number;
}

/**
 * The passes whose rows a PNG's image data holds, in order: the whole image, or its non-empty
 * Adam7 passes when interlaced.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { pngPasses } from "./png_samples.ts";
 * strictEqual(pngPasses(8, 8, false).length, 1);
 * strictEqual(pngPasses(8, 8, true).reduce((n, p) => n + p.height, 0), 15);
 * strictEqual(pngPasses(1, 1, true).length, 1);
 * ```
 */
export function pngPasses(width: number, height: number, interlaced: boolean): PngPassLayout[] {
  const layouts = interlaced ? ADAM7 : [[0, 0, 1, 1]];
  const passes: PngPassLayout[] = [];
  for (const [x0, y0, dx, dy] of layouts) {
    const passWidth = Math.ceil((width - x0) / dx);
    const passHeight = Math.ceil((height - y0) / dy);
    if (passWidth > 0 && passHeight > 0) {
      passes.push({ x0, y0, dx, dy, width: passWidth, height: passHeight });
    }
  }
  return passes;
}

/**
 * The PNG bit depth a gray image is written at: 1, 2 or 4 when `maxValue` is exactly 1, 3 or
 * 15, else 8 up to 255 and 16 above.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { pngDepthOf } from "./png_samples.ts";
 * deepStrictEqual([1, 2, 15, 63, 255, 4095].map(pngDepthOf), [1, 8, 4, 8, 8, 16]);
 * ```
 */
export function pngDepthOf(maxValue: number): number {
  return [1, 2, 4].find((d) => maxValue === 2 ** d - 1) ?? (maxValue > 255 ? 16 : 8);
}

/**
 * Each value of `bits` bits scaled to `depth` bits by left bit replication (the value's bits
 * repeated from the top: 12-bit `v` is `v << 4 | v >> 8` in 16 bits), the scaling the PNG
 * specification recommends with sBIT: it maps 0 and the largest value to 0 and the largest
 * sample, and a right shift by `depth − bits` gives the value back.
 */
function replicationTable(bits: number, depth: number): Uint16Array {
  const table = new Uint16Array(2 ** bits);
  for (let v = 0; v < table.length; v++) {
    let scaled = 0;
    for (let shift = depth - bits; shift > -bits; shift -= bits) {
      scaled |= shift >= 0 ? v << shift : v >> -shift;
    }
    table[v] = scaled;
  }
  return table;
}

/**
 * A PNG's gray image of `significant` bits (its sBIT) stored in deeper samples: when every
 * sample is the left bit replication of its top `significant` bits (as the writer stores them),
 * the image of those top bits, in place; otherwise the image as stored (other low bits are data,
 * and kept).
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { toSignificantBits } from "./png_samples.ts";
 * const scaled = { width: 2, height: 1, maxValue: 255, data: new Uint16Array([0b10110110, 255]) };
 * deepStrictEqual(toSignificantBits(scaled, 3).data, new Uint16Array([0b101, 7]));
 * const plain = { width: 1, height: 1, maxValue: 255, data: new Uint16Array([0b10100000]) };
 * deepStrictEqual(toSignificantBits(plain, 3).maxValue, 255);
 * ```
 */
export function toSignificantBits(image: GrayImage, significant: number): GrayImage {
  const depth = sampleBits(image.maxValue);
  const shift = depth - significant;
  const table = replicationTable(significant, depth);
  const data = image.data;
  for (let i = 0; i < data.length; i++) {
    if (data[i] !== table[data[i] >> shift]) return image;
  }
  for (let i = 0; i < data.length; i++) data[i] >>= shift;
  return { ...image, maxValue: 2 ** significant - 1 };
}

/**
 * The samples of a gray image as an 8- or 16-bit PNG stores them: its values scaled by left bit
 * replication when they need fewer bits than the PNG's depth (such a PNG says how many in its
 * sBIT chunk), else the values themselves.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { pngSamples } from "./png_samples.ts";
 * const image = { width: 2, height: 1, maxValue: 4095, data: new Uint16Array([1, 4095]) };
 * deepStrictEqual(pngSamples(image, 16), new Uint16Array([0x0010, 0xffff]));
 * ```
 */
export function pngSamples(image: GrayImage, depth: 8 | 16): Uint16Array {
  const bits = sampleBits(image.maxValue);
  if (bits >= depth) return image.data;
  const table = replicationTable(bits, depth);
  const samples = new Uint16Array(image.data.length);
  for (let i = 0; i < samples.length; i++) samples[i] = table[image.data[i]];
  return samples;
}

/**
 * Packs samples of 1, 2 or 4 bits, each row starting on a byte, as PNG stores them (the first
 * sample in the high bits).
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { packLowDepth } from "./png_samples.ts";
 * const image = { width: 3, height: 1, maxValue: 3, data: new Uint16Array([1, 2, 3]) };
 * deepStrictEqual(packLowDepth(image, 2), new Uint8Array([0b01101100]));
 * ```
 */
export function packLowDepth(image: GrayImage, depth: number): Uint8Array {
  const { width, height, data } = image;
  const rowBytes = Math.ceil(width * depth / 8);
  const perByte = 8 / depth;
  const packed = new Uint8Array(rowBytes * height);
  for (let y = 0; y < height; y++) {
    const row = y * rowBytes;
    for (let x = 0, i = y * width; x < width; x++, i++) {
      packed[row + ((x / perByte) | 0)] |= data[i] << (8 - depth * (1 + (x % perByte)));
    }
  }
  return packed;
}

/** Samples per pixel of each PNG colour type. */
export const PNG_CHANNELS: Readonly<Record<number, number>> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/**
 * How a PNG stores a gray image's samples: its bit depth and colour type (gray 0, RGB 2,
 * palette 3, gray+alpha 4, RGBA 6; the pixels opaque and R = G = B) and, for a palette, the index
 * of each gray (−1 for none), the first index of its entries that has it.
 *
 * @example
 * ```ts
 * import type { PngStorage } from "./png_samples.ts";
 * const gray12: PngStorage = { depth: 16, colorType: 0 };
 * ```
 */
export interface PngStorage {
  /** Bits a sample (of each channel): 1, 2, 4, 8 or 16. */
  depth: number;
  /** The PNG colour type. */
  colorType: number;
  /** For a palette image: each gray value's index, −1 where none has it. */
  paletteIndex?: Int16Array;
}

/**
 * Bytes per complete pixel, as PNG's filters step (at least 1).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { pngFilterStep } from "./png_samples.ts";
 * strictEqual(pngFilterStep({ depth: 16, colorType: 2 }), 6);
 * strictEqual(pngFilterStep({ depth: 4, colorType: 3 }), 1);
 * ```
 */
export function pngFilterStep(storage: PngStorage): number {
  return Math.max(1, (storage.depth * PNG_CHANNELS[storage.colorType]) >> 3);
}

/**
 * Bytes of one row of `width` pixels (no filter byte).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { pngRowBytes } from "./png_samples.ts";
 * strictEqual(pngRowBytes(5, { depth: 16, colorType: 4 }), 20);
 * strictEqual(pngRowBytes(5, { depth: 1, colorType: 0 }), 1);
 * ```
 */
export function pngRowBytes(width: number, storage: PngStorage): number {
  return Math.ceil(width * storage.depth * PNG_CHANNELS[storage.colorType] / 8);
}

/** Each gray value as a palette index (throws if one has none). */
function paletteIndices(image: GrayImage, paletteIndex: Int16Array): GrayImage {
  const indices = new Uint16Array(image.data.length);
  for (let i = 0; i < indices.length; i++) {
    const index = paletteIndex[image.data[i]];
    if (index < 0) throw new RangeError(`gray ${image.data[i]} is not in the palette`);
    indices[i] = index;
  }
  return { ...image, maxValue: 255, data: indices };
}

/**
 * A gray image's rows as a PNG of the given storage holds them before filtering (no filter
 * bytes): packed below 8 bits, scaled to the sample for gray (see {@link pngSamples}), each
 * gray repeated in R, G and B and an opaque alpha added for the colour types, indices for a
 * palette; 16-bit samples big-endian.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { rawRows } from "./png_samples.ts";
 * const image = { width: 2, height: 1, maxValue: 65535, data: new Uint16Array([0x1234, 5]) };
 * deepStrictEqual(rawRows(image, { depth: 16, colorType: 0 }), new Uint8Array([0x12, 0x34, 0, 5]));
 * const gray = { width: 2, height: 1, maxValue: 255, data: new Uint16Array([9, 7]) };
 * deepStrictEqual(rawRows(gray, { depth: 8, colorType: 4 }), new Uint8Array([9, 255, 7, 255]));
 * ```
 */
export function rawRows(image: GrayImage, storage: PngStorage): Uint8Array {
  const { depth, colorType, paletteIndex } = storage;
  if (colorType === 3) {
    if (!paletteIndex) throw new RangeError("a palette image's storage needs its palette");
    const indices = paletteIndices(image, paletteIndex);
    return depth < 8 ? packLowDepth(indices, depth) : Uint8Array.from(indices.data);
  }
  if (depth < 8) return packLowDepth(image, depth);
  const samples = colorType === 0 ? pngSamples(image, depth as 8 | 16) : image.data;
  const channels = PNG_CHANNELS[colorType];
  const alpha = colorType === 4 || colorType === 6;
  const bytes = depth >> 3;
  const opaque = 2 ** depth - 1;
  const out = new Uint8Array(samples.length * channels * bytes);
  for (let i = 0, at = 0; i < samples.length; i++) {
    for (let c = 0; c < channels; c++, at += bytes) {
      const v = alpha && c === channels - 1 ? opaque : samples[i];
      if (bytes === 2) {
        out[at] = v >> 8;
        out[at + 1] = v & 255;
      } else {
        out[at] = v;
      }
    }
  }
  return out;
}

/**
 * The sub-images whose rows a PNG's image data holds in order: the image, or its Adam7 passes
 * (empty passes left out).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { passImages } from "./png_samples.ts";
 * const image = { width: 8, height: 8, maxValue: 255, data: new Uint16Array(64) };
 * strictEqual(passImages(image, false).length, 1);
 * strictEqual(passImages(image, true).reduce((n, p) => n + p.height, 0), 15);
 * ```
 */
export function passImages(image: GrayImage, interlaced: boolean): GrayImage[] {
  if (!interlaced) return [image];
  return pngPasses(image.width, image.height, true).map(({ x0, y0, dx, dy, width, height }) => {
    const data = new Uint16Array(width * height);
    for (let y = 0, i = 0; y < height; y++) {
      const row = (y0 + y * dy) * image.width + x0;
      for (let x = 0; x < width; x++, i++) data[i] = image.data[row + x * dx];
    }
    return { width, height, maxValue: image.maxValue, data };
  });
}
