/**
 * The tiles of a v2 image: how an image is cut into independently coded rectangles, and the
 * tile size the encoder chooses from the image alone (never from the number of workers), so
 * that the same image gives the same file on every machine.
 *
 * @module
 */

/** Tile side for most images: 2048 × 2048 tiles (4 MP), measured in `bench/tile_cost.ts`. */
export const TILE_SIDE = 2048;
/**
 * Tile side for flat images (documents, graphics): 4096. Their coding learns glyphs and
 * patterns that a tile's fresh start loses, so smaller tiles cost them far more.
 */
export const FLAT_TILE_SIDE = 4096;
/** The share of samples equal to their left neighbour from which an image counts as flat. */
export const FLAT_SHARE = 0.7;
/** At most this many rows are looked at to tell whether an image is flat. */
const SAMPLED_ROWS = 256;

/**
 * A rectangle of an image: its first column and row, and its size.
 *
 * @example
 * ```ts
 * import type { TileRect } from "./tiles.ts";
 * const rect: TileRect = { x: 2048, y: 0, width: 952, height: 1000 };
 * ```
 */
export interface TileRect {
  /** First column. */
  x: number;
  /** First row. */
  y: number;
  /** Columns. */
  width: number;
  /** Rows. */
  height: number;
}

/**
 * How an image of `width × height` is cut into tiles of `tileWidth × tileHeight` (those of the
 * last column and row are narrower or shorter), in raster order of the tiles.
 *
 * @example
 * ```ts
 * import { deepStrictEqual, strictEqual } from "node:assert/strict";
 * import { TileGrid } from "./tiles.ts";
 * const grid = new TileGrid(3000, 1000, 2048, 1000);
 * strictEqual(grid.count, 2);
 * deepStrictEqual(grid.rect(1), { x: 2048, y: 0, width: 952, height: 1000 });
 * ```
 */
export class TileGrid {
  /** Tiles per row of tiles. */
  readonly columns: number;
  /** Rows of tiles. */
  readonly rows: number;

  /** The grid of an image; every size must be at least 1. */
  constructor(
    readonly width: number,
    readonly height: number,
    readonly tileWidth: number,
    readonly tileHeight: number,
  ) {
    this.columns = Math.ceil(width / tileWidth);
    this.rows = Math.ceil(height / tileHeight);
  }

  /** The number of tiles. */
  get count(): number {
    return this.columns * this.rows;
  }

  /** Tile `index`, counted in raster order. */
  rect(index: number): TileRect {
    const x = (index % this.columns) * this.tileWidth;
    const y = Math.floor(index / this.columns) * this.tileHeight;
    return {
      x,
      y,
      width: Math.min(this.tileWidth, this.width - x),
      height: Math.min(this.tileHeight, this.height - y),
    };
  }

  /** The tiles of row of tiles `row`, as indices. */
  rowOfTiles(row: number): number[] {
    return Array.from({ length: this.columns }, (_, c) => row * this.columns + c);
  }

  /** The indices of the tiles that `region` touches, in raster order. */
  tilesIn(region: TileRect): number[] {
    const c0 = Math.floor(region.x / this.tileWidth);
    const c1 = Math.floor((region.x + region.width - 1) / this.tileWidth);
    const r0 = Math.floor(region.y / this.tileHeight);
    const r1 = Math.floor((region.y + region.height - 1) / this.tileHeight);
    const tiles: number[] = [];
    for (let r = r0; r <= r1; r++) for (let c = c0; c <= c1; c++) tiles.push(r * this.columns + c);
    return tiles;
  }
}

/**
 * Whether an image of this size is always one tile (at most {@link TILE_SIDE} in both
 * directions): it is coded exactly as an untiled image.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { isOneTile } from "./tiles.ts";
 * strictEqual(isOneTile(2048, 1000), true);
 * strictEqual(isOneTile(2049, 10), false);
 * ```
 */
export function isOneTile(width: number, height: number): boolean {
  return width <= TILE_SIDE && height <= TILE_SIDE;
}

/**
 * Chooses the tile size of an image from its samples: the whole image when it fits in one tile,
 * else square tiles of {@link TILE_SIDE}, or {@link FLAT_TILE_SIDE} for flat images
 * ({@link isFlat}).
 * `row(y)` gives row `y`'s samples; only the rows looked at are asked for.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { chooseTileSize } from "./tiles.ts";
 * const noisy = (y: number) => Uint16Array.from({ length: 5000 }, (_, x) => (x * 7 + y) % 13);
 * deepStrictEqual(chooseTileSize(5000, 5000, noisy), { tileWidth: 2048, tileHeight: 2048 });
 * const flat = () => new Uint16Array(5000);
 * deepStrictEqual(chooseTileSize(5000, 5000, flat), { tileWidth: 4096, tileHeight: 4096 });
 * deepStrictEqual(chooseTileSize(300, 200, noisy), { tileWidth: 300, tileHeight: 200 });
 * ```
 */
export function chooseTileSize(
  width: number,
  height: number,
  row: (y: number) => ArrayLike<number>,
): { tileWidth: number; tileHeight: number } {
  if (isOneTile(width, height)) return { tileWidth: width, tileHeight: height };
  const side = isFlat(width, height, row) ? FLAT_TILE_SIDE : TILE_SIDE;
  return { tileWidth: Math.min(side, width), tileHeight: Math.min(side, height) };
}

/**
 * The rows {@link chooseTileSize} looks at: none for an image that fits in one tile, else up to
 * 256 evenly spaced rows.
 *
 * @example
 * ```ts
 * import { deepStrictEqual, strictEqual } from "node:assert/strict";
 * import { sampledRows } from "./tiles.ts";
 * deepStrictEqual(sampledRows(100, 100), []);
 * strictEqual(sampledRows(5000, 5000).length, 264); // every 19th row
 * ```
 */
export function sampledRows(width: number, height: number): number[] {
  return isOneTile(width, height) ? [] : evenlySpacedRows(height);
}

/**
 * Whether an image is _flat_ (documents, screenshots): at least {@link FLAT_SHARE} of the samples
 * of up to 256 evenly spaced rows (every `⌊height / 256⌋`-th, at least every row) equal their
 * left neighbour. `row(y)` gives row `y`'s samples; only the rows looked at are asked for. An
 * image one sample wide is not flat.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { isFlat } from "./tiles.ts";
 * strictEqual(isFlat(100, 10, () => new Uint16Array(100)), true);
 * strictEqual(isFlat(100, 10, () => Uint16Array.from({ length: 100 }, (_, x) => x)), false);
 * ```
 */
export function isFlat(
  width: number,
  height: number,
  row: (y: number) => ArrayLike<number>,
): boolean {
  if (width < 2) return false;
  let equal = 0;
  let seen = 0;
  for (const y of evenlySpacedRows(height)) {
    const samples = row(y);
    for (let x = 1; x < width; x++) if (samples[x] === samples[x - 1]) equal++;
    seen += width - 1;
  }
  return equal >= FLAT_SHARE * seen;
}

/**
 * Whether `width × height` samples (row-major) are flat ({@link isFlat}).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { isFlatTile } from "./tiles.ts";
 * strictEqual(isFlatTile(new Uint16Array(12).fill(7), 4, 3), true);
 * ```
 */
export function isFlatTile(samples: Uint16Array, width: number, height: number): boolean {
  return isFlat(width, height, (y) => samples.subarray(y * width, (y + 1) * width));
}

/** Up to 256 evenly spaced rows of an image `height` rows high (every `⌊height / 256⌋`-th). */
function evenlySpacedRows(height: number): number[] {
  const stride = Math.max(1, Math.floor(height / SAMPLED_ROWS));
  return Array.from({ length: Math.ceil(height / stride) }, (_, k) => k * stride);
}
