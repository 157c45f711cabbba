/**
 * PNG's row filters on the writing side: applying given filter types to a gray image's rows (as
 * a rebuilt file needs them), and choosing one a row by libpng's heuristic.
 *
 * @module
 */
import type { GrayImage } from "./gray_image.ts";
import { passImages, pngFilterStep, pngRowBytes, type PngStorage, rawRows } from "./png_samples.ts";

/**
 * Paeth's predictor of a byte from its left (`a`), upper (`b`) and upper-left (`c`) bytes.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { paeth } from "./png_filters.ts";
 * strictEqual(paeth(10, 20, 10), 20);
 * ```
 */
export function paeth(a: number, b: number, c: number): number {
  const pa = Math.abs(b - c);
  const pb = Math.abs(a - c);
  const pc = Math.abs(a + b - 2 * c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** `row` filtered with `filter` (0…4) into `out`, given the previous row (zeros for the first). */
function filterRow(
  filter: number,
  row: Uint8Array,
  previous: Uint8Array,
  bpp: number,
  out: Uint8Array,
): void {
  for (let i = 0; i < row.length; i++) {
    const a = i >= bpp ? row[i - bpp] : 0;
    const b = previous[i];
    const c = i >= bpp ? previous[i - bpp] : 0;
    const p = filter === 0
      ? 0
      : filter === 1
      ? a
      : filter === 2
      ? b
      : filter === 3
      ? (a + b) >> 1
      : paeth(a, b, c);
    out[i] = row[i] - p;
  }
}

/**
 * The image data of a PNG of a gray image before compression, as `storage` says it is stored:
 * for each row (of each Adam7 pass when interlaced) its filter type from `filters`, then the row
 * filtered with it.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { filteredRows } from "./png_filters.ts";
 * const image = { width: 2, height: 2, maxValue: 255, data: new Uint16Array([5, 7, 6, 9]) };
 * deepStrictEqual(
 *   filteredRows(image, { depth: 8, colorType: 0 }, false, new Uint8Array([1, 2])),
 *   new Uint8Array([1, 5, 2, 2, 1, 2]),
 * );
 * ```
 */
export function filteredRows(
  image: GrayImage,
  storage: PngStorage,
  interlaced: boolean,
  filters: Uint8Array,
): Uint8Array {
  const passes = passImages(image, interlaced);
  const bpp = pngFilterStep(storage);
  const sizes = passes.map((pass) => pass.height * (1 + pngRowBytes(pass.width, storage)));
  const out = new Uint8Array(sizes.reduce((n, size) => n + size, 0));
  let at = 0;
  let rowIndex = 0;
  for (const pass of passes) {
    const raw = rawRows(pass, storage);
    const rowBytes = pngRowBytes(pass.width, storage);
    const zeros = new Uint8Array(rowBytes);
    for (let y = 0; y < pass.height; y++, rowIndex++, at += rowBytes + 1) {
      const row = raw.subarray(y * rowBytes, (y + 1) * rowBytes);
      const previous = y === 0 ? zeros : raw.subarray((y - 1) * rowBytes, y * rowBytes);
      out[at] = filters[rowIndex];
      filterRow(filters[rowIndex], row, previous, bpp, out.subarray(at + 1, at + 1 + rowBytes));
    }
  }
  return out;
}

/**
 * A filter type for each row of a (not interlaced) PNG of a gray image by libpng's heuristic: of the five,
 * the one whose filtered bytes, read as signed, have the least sum of absolute values (the first
 * such on a tie).
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { adaptiveFilters } from "./png_filters.ts";
 * const image = { width: 4, height: 2, maxValue: 255, data: new Uint16Array([9, 9, 9, 9, 9, 9, 9, 9]) };
 * deepStrictEqual(adaptiveFilters(image, { depth: 8, colorType: 0 }), new Uint8Array([1, 2]));
 * ```
 */
export function adaptiveFilters(image: GrayImage, storage: PngStorage): Uint8Array {
  const raw = rawRows(image, storage);
  const rowBytes = pngRowBytes(image.width, storage);
  const bpp = pngFilterStep(storage);
  const filters = new Uint8Array(image.height);
  const filtered = new Uint8Array(rowBytes);
  let previous: Uint8Array = new Uint8Array(rowBytes);
  for (let y = 0; y < image.height; y++) {
    const row = raw.subarray(y * rowBytes, (y + 1) * rowBytes);
    let best = Infinity;
    for (let filter = 0; filter < 5; filter++) {
      filterRow(filter, row, previous, bpp, filtered);
      let cost = 0;
      for (let i = 0; i < rowBytes; i++) {
        cost += filtered[i] < 128 ? filtered[i] : 256 - filtered[i];
      }
      if (cost < best) {
        best = cost;
        filters[y] = filter;
      }
    }
    previous = row;
  }
  return filters;
}
