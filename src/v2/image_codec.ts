/**
 * v2 coding of whole images, tile by tile: each tile is coded on its own from the model's start
 * state (its own significant planes and polarity, its own checksum), so tiles can be coded in
 * parallel, decoded alone (a region), and streamed band by band. A small image is one tile,
 * coded exactly as an untiled image.
 *
 * @module
 */
import { ByteWriter } from "../bytes.ts";
import { FormatError } from "../errors.ts";
import { COMPRESS_HERE, EXPAND_HERE } from "../file_parts/stored_parts.ts";
import type { GrayImage } from "../image/gray_image.ts";
import { choosePolarity, type PolarityMode } from "../image/polarity.ts";
import { significantBits } from "./codec.ts";
import {
  checkTileStream,
  type CoderName,
  gridOf,
  headerOf,
  storedBytes,
  tileCrc,
  type V2CodedImage,
  type V2CodedTile,
  type V2ImageHeader,
} from "./container.ts";
import { type V2Model, withoutPrimer } from "./model.ts";
import { coderOf, CONTEXT_MIXING, TILE_CODERS } from "./tile_coders.ts";
import { decodingModel, encodePrimedOrNot } from "./tile_priming.ts";
import { chooseTileSize, sampledRows, type TileRect } from "./tiles.ts";
import {
  packableValues,
  packSamples,
  readValueTable,
  unpackSamples,
  writeValueTable,
} from "./value_table.ts";

/**
 * Returns the samples v2 codes: the image's own, or inverted within its significant bits
 * (`v → 2^bits − 1 − v`) when the polarity mode says so (`auto`: when the border's mean is at
 * least `2^(bits − 1)`, for 8-bit images the classic rule).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { normalizeV2 } from "./image_codec.ts";
 * const n = normalizeV2({ width: 1, height: 1, maxValue: 255, data: new Uint16Array([200]) }, "auto");
 * strictEqual(n.bits, 8);
 * strictEqual(n.inverted, true);
 * strictEqual(n.samples[0], 55);
 * ```
 */
export function normalizeV2(
  image: GrayImage,
  polarity: PolarityMode,
): { samples: Uint16Array; bits: number; inverted: boolean } {
  const bits = significantBits(image.data);
  const top = 2 ** bits - 1;
  const inverted = choosePolarity({ ...image, maxValue: top }, polarity);
  if (!inverted) return { samples: image.data, bits, inverted };
  const samples = new Uint16Array(image.data.length);
  for (let i = 0; i < samples.length; i++) samples[i] = top - image.data[i];
  return { samples, bits, inverted };
}

/**
 * Codes one tile (`samples`: its `rect.width × rect.height` samples, row-major) of an image:
 * packed (`value_table.ts`) when the context-mixing coders may pack it
 * ({@link packableValues}) and a trial on its middle rows (at most
 * {@link PACKING_TRIAL_SAMPLES} samples, from row `⌊(height − rows) / 2⌋`, coded unprimed)
 * codes smaller packed, its value table counted by the share of the tile the trial covers; a
 * trial that covers the whole tile is the result (primed or not, as any tile).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { encodeTile } from "./image_codec.ts";
 * import { defaultV2Model } from "./model.ts";
 * const header = {
 *   width: 2, height: 1, maxValue: 65535, coder: "cm" as const, tileWidth: 2, tileHeight: 1,
 * };
 * const rect = { x: 0, y: 0, width: 2, height: 1 };
 * const tile = encodeTile(new Uint16Array([100, 4000]), rect, header, defaultV2Model(), "none");
 * strictEqual(tile.bits, 12);
 * ```
 */
export function encodeTile(
  samples: Uint16Array,
  rect: TileRect,
  header: V2ImageHeader,
  model: V2Model,
  polarity: PolarityMode,
): V2CodedTile {
  const { width, height } = rect;
  const crc = tileCrc(header, rect, samples);
  const code = (data: Uint16Array, rows: number, from = model) =>
    codeSamples(
      { width, height: rows, maxValue: header.maxValue, data },
      header.coder,
      from,
      polarity,
    );
  const values = header.coder === "fast" ? undefined : packableValues(samples);
  if (!values) return { ...code(samples, height), tileCrc: crc };
  const packed = packSamples(samples, values);
  const table = writeValueTable(values);
  const rows = Math.min(height, Math.max(1, Math.floor(PACKING_TRIAL_SAMPLES / width)));
  const middle = (s: Uint16Array) =>
    s.subarray(((height - rows) >> 1) * width, ((height + rows) >> 1) * width);
  // A trial that is not the result is coded unprimed: priming would double its cost.
  const trialModel = rows === height ? model : withoutPrimer(model);
  const plainTrial = code(middle(samples), rows, trialModel);
  const packedTrial = code(middle(packed), rows, trialModel);
  const wins = packedTrial.stream.length * height + table.length * rows <
    plainTrial.stream.length * height;
  const coded = rows === height
    ? (wins ? packedTrial : plainTrial)
    : code(wins ? packed : samples, height);
  if (!wins) return { ...coded, tileCrc: crc };
  const w = new ByteWriter();
  w.bytes(table);
  w.bytes(coded.stream);
  return { ...coded, packed: true, stream: w.finish(), tileCrc: crc };
}

/** At most this many samples (whole rows, at least one) of a tile are coded both ways to choose packing. */
export const PACKING_TRIAL_SAMPLES = 1 << 16;

/** Codes a tile's samples as its stream, normalized (`normalizeV2`). */
function codeSamples(
  tile: GrayImage,
  coder: CoderName,
  model: V2Model,
  polarity: PolarityMode,
): Omit<V2CodedTile, "tileCrc"> {
  const { width, height } = tile;
  const { samples, bits, inverted } = normalizeV2(tile, polarity);
  const { stream, primed } = coder === "fast"
    ? { stream: TILE_CODERS.fast.encode(samples, width, height, bits, model) }
    : encodePrimedOrNot(samples, width, height, bits, model, CONTEXT_MIXING[coder]);
  return { inverted, bits, stream, ...(primed && { primed }) };
}

/**
 * Decodes one tile and checks it against its tile checksum.
 *
 * @throws {FormatError} when the stream is damaged or was coded with another model.
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { decodeTile, encodeTile } from "./image_codec.ts";
 * import { defaultV2Model } from "./model.ts";
 * const header = {
 *   width: 2, height: 1, maxValue: 255, coder: "cm" as const, tileWidth: 2, tileHeight: 1,
 * };
 * const rect = { x: 0, y: 0, width: 2, height: 1 };
 * const samples = new Uint16Array([1, 2]);
 * const tile = encodeTile(samples, rect, header, defaultV2Model(), "auto");
 * deepStrictEqual(decodeTile(tile, rect, header, defaultV2Model()), samples);
 * ```
 */
export function decodeTile(
  tile: V2CodedTile & { streamIntact?: boolean },
  rect: TileRect,
  header: V2ImageHeader,
  model: V2Model,
): Uint16Array {
  checkTileStream(tile);
  const { bits } = tile;
  const table = tile.packed ? readValueTable(tile.stream, header.maxValue) : undefined;
  if (table && bits !== significantBits(Uint16Array.of(table.values.length - 1))) {
    throw new FormatError(
      `packed tile of ${bits} bits has a table of ${table.values.length} values (damaged)`,
    );
  }
  const stream = table ? tile.stream.subarray(table.end) : tile.stream;
  const used = decodingModel(tile.primed === true, bits, model);
  const data = TILE_CODERS[header.coder].decode(stream, rect.width, rect.height, bits, used);
  if (tile.inverted) {
    const top = 2 ** bits - 1;
    for (let i = 0; i < data.length; i++) data[i] = top - data[i];
  }
  if (table) unpackSamples(data, table.values);
  if (tileCrc(header, rect, data) !== tile.tileCrc) {
    throw new FormatError("decoded image is damaged (tile checksum mismatch)");
  }
  return data;
}

/**
 * Where tiles are coded: in this thread, or on workers. Each call codes one tile; any runner
 * gives the same tiles, whatever order it finishes them in.
 *
 * @example
 * ```ts
 * import type { TileRunner } from "./image_codec.ts";
 * import { IN_THREAD_TILES } from "./image_codec.ts";
 * const runner: TileRunner = IN_THREAD_TILES;
 * ```
 */
export interface TileRunner {
  /** How many tiles (or one-tile images) it codes at once: callers keep that many in flight. */
  readonly concurrency: number;
  /** Codes a tile, as {@link encodeTile} does. */
  encodeTile(job: TileEncodeJob): Promise<V2CodedTile>;
  /** Decodes a tile, as {@link decodeTile} does. */
  decodeTile(job: TileDecodeJob): Promise<Uint16Array>;
  /**
   * Compresses bytes with the byte model (having first learnt `dictionary`, if given), as
   * `compressBytes` of `byte_model.ts` does: an archive's kept bytes, on the threads of its images
   * (with a runner that has not both byte methods, in this thread).
   */
  compressBytes?(raw: Uint8Array, dictionary?: Uint8Array): Promise<Uint8Array>;
  /** Expands what {@link TileRunner.compressBytes} wrote, as `expandBytes` does. */
  expandBytes?(data: Uint8Array, rawBytes: number, dictionary?: Uint8Array): Promise<Uint8Array>;
}

/**
 * A tile to code: its samples and place, the image's header, the model and the polarity mode.
 *
 * @example
 * ```ts
 * import type { TileEncodeJob } from "./image_codec.ts";
 * import { defaultV2Model } from "./model.ts";
 * const job: TileEncodeJob = {
 *   samples: new Uint16Array(1), rect: { x: 0, y: 0, width: 1, height: 1 },
 *   header: { width: 1, height: 1, maxValue: 255, coder: "cm", tileWidth: 1, tileHeight: 1 },
 *   model: defaultV2Model(), polarity: "auto",
 * };
 * ```
 */
export interface TileEncodeJob {
  /** The tile's samples, row-major, in a buffer of their own (a runner may transfer it). */
  samples: Uint16Array;
  /** Where the tile is. */
  rect: TileRect;
  /** The image's header. */
  header: V2ImageHeader;
  /** The model to code with. */
  model: V2Model;
  /** How each tile's polarity is chosen. */
  polarity: PolarityMode;
}

/**
 * A tile to decode: the coded tile, its place, the image's header and the model.
 *
 * @example
 * ```ts
 * import type { TileDecodeJob } from "./image_codec.ts";
 * import { defaultV2Model } from "./model.ts";
 * const job: TileDecodeJob = {
 *   tile: { inverted: false, bits: 8, tileCrc: 0, stream: new Uint8Array(4) },
 *   rect: { x: 0, y: 0, width: 1, height: 1 },
 *   header: { width: 1, height: 1, maxValue: 255, coder: "cm", tileWidth: 1, tileHeight: 1 },
 *   model: defaultV2Model(),
 * };
 * ```
 */
export interface TileDecodeJob {
  /** The coded tile (with `streamIntact` when read with deferred checksums). */
  tile: V2CodedTile & { streamIntact?: boolean };
  /** Where the tile is. */
  rect: TileRect;
  /** The image's header. */
  header: V2ImageHeader;
  /** The model it was coded with. */
  model: V2Model;
}

/**
 * Codes and decodes tiles (and compresses and expands bytes) in this thread, one at a time.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { IN_THREAD_TILES } from "./image_codec.ts";
 * import { defaultV2Model } from "./model.ts";
 * const header = {
 *   width: 1, height: 1, maxValue: 255, coder: "cm" as const, tileWidth: 1, tileHeight: 1,
 * };
 * const rect = { x: 0, y: 0, width: 1, height: 1 };
 * const model = defaultV2Model();
 * const samples = new Uint16Array([9]);
 * const tile = await IN_THREAD_TILES.encodeTile({ samples, rect, header, model, polarity: "auto" });
 * deepStrictEqual(await IN_THREAD_TILES.decodeTile({ tile, rect, header, model }), samples);
 * ```
 */
export const IN_THREAD_TILES: Required<TileRunner> = {
  concurrency: 1,
  encodeTile: (job) =>
    Promise.resolve(encodeTile(job.samples, job.rect, job.header, job.model, job.polarity)),
  decodeTile: (job) => Promise.resolve(decodeTile(job.tile, job.rect, job.header, job.model)),
  compressBytes: COMPRESS_HERE,
  expandBytes: EXPAND_HERE,
};

/**
 * The runner of byte-model jobs for `runner`: itself if it has both byte methods, else this
 * thread.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { byteRunner, IN_THREAD_TILES } from "./image_codec.ts";
 * const tilesOnly = { ...IN_THREAD_TILES, compressBytes: undefined, expandBytes: undefined };
 * strictEqual(byteRunner(tilesOnly), IN_THREAD_TILES);
 * ```
 */
export function byteRunner(
  runner: TileRunner,
): Required<Pick<TileRunner, "compressBytes" | "expandBytes">> {
  const { compressBytes, expandBytes } = runner;
  if (compressBytes === undefined || expandBytes === undefined) return IN_THREAD_TILES;
  return { compressBytes: compressBytes.bind(runner), expandBytes: expandBytes.bind(runner) };
}

/**
 * Rows of an image to code, asked for a band at a time, in order (a file read as it is coded,
 * or an image in memory).
 *
 * @example
 * ```ts
 * import type { RowSource } from "./image_codec.ts";
 * const data = new Uint16Array(6);
 * const source: RowSource = {
 *   width: 3, height: 2, maxValue: 255,
 *   rows: (y, count) => Promise.resolve(data.subarray(y * 3, (y + count) * 3)),
 * };
 * ```
 */
export interface RowSource {
  /** Samples per row. */
  width: number;
  /** Rows. */
  height: number;
  /** The image's maxval. */
  maxValue: number;
  /** Whether the samples are signed values shifted by half the range (absent: unsigned). */
  signed?: boolean;
  /** Rows `y … y + count − 1`, row-major (a view valid until the next call is fine). */
  rows(y: number, count: number): Promise<Uint16Array>;
  /** The samples of one rectangle, row-major, in a buffer of their own (when it can). */
  rect?(rect: TileRect): Promise<Uint16Array>;
}

/**
 * An image in memory as a {@link RowSource}.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { imageRows } from "./image_codec.ts";
 * const source = imageRows({ width: 2, height: 2, maxValue: 255, data: new Uint16Array([1, 2, 3, 4]) });
 * strictEqual((await source.rows(1, 1))[0], 3);
 * ```
 */
export function imageRows(image: GrayImage): RowSource {
  const { width, height, maxValue, data } = image;
  return {
    width,
    height,
    maxValue,
    ...(image.signed && { signed: true }),
    rows: (y, count) => Promise.resolve(data.subarray(y * width, (y + count) * width)),
  };
}

/**
 * Chooses the header of an image to code: its size and maxval, the `coder`, and the tile size
 * from its samples (see `chooseTileSize`; only the sampled rows are read).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { imageRows, tiledHeader } from "./image_codec.ts";
 * const image = { width: 3, height: 1, maxValue: 255, data: new Uint16Array(3) };
 * strictEqual((await tiledHeader(imageRows(image))).tileWidth, 3);
 * ```
 */
export async function tiledHeader(
  source: RowSource,
  coder: CoderName = coderOf("default"),
): Promise<V2ImageHeader> {
  const { width, height, maxValue } = source;
  const rows = new Map<number, Uint16Array>();
  for (const y of sampledRows(width, height)) rows.set(y, (await source.rows(y, 1)).slice());
  const { tileWidth, tileHeight } = chooseTileSize(width, height, (y) => rows.get(y)!);
  return headerOf({ width, height, maxValue, coder, tileWidth, tileHeight, signed: source.signed });
}

/**
 * How many tiles may be in flight on a runner: one in this thread (a tile is coded as it is
 * handed over), else twice as many as it codes at once, so that no worker waits.
 */
function tilesInFlight(runner: TileRunner): number {
  return runner.concurrency > 1 ? 2 * runner.concurrency : 1;
}

/**
 * Codes the tiles of `source` under `header` on `runner`, a few at a time (read as rectangles
 * when the source can, else a band of full rows at a time), and yields them in raster order.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { encodeTiles, imageRows, IN_THREAD_TILES, tiledHeader } from "./image_codec.ts";
 * import { defaultV2Model } from "./model.ts";
 * const source = imageRows({ width: 4, height: 2, maxValue: 255, data: new Uint16Array(8) });
 * const header = await tiledHeader(source);
 * const tiles = [];
 * for await (const tile of encodeTiles(source, header, defaultV2Model(), "auto", IN_THREAD_TILES)) {
 *   tiles.push(tile);
 * }
 * strictEqual(tiles.length, 1);
 * ```
 */
export async function* encodeTiles(
  source: RowSource,
  header: V2ImageHeader,
  model: V2Model,
  polarity: PolarityMode,
  runner: TileRunner,
): AsyncGenerator<V2CodedTile> {
  const grid = gridOf(header);
  let band: { row: number; samples: Uint16Array } | undefined;
  const samplesOf = async (rect: TileRect, row: number) => {
    if (source.rect) return await source.rect(rect);
    if (band?.row !== row) band = { row, samples: await source.rows(rect.y, rect.height) };
    return cutTile(band.samples, grid.width, rect);
  };
  const pending: Promise<V2CodedTile>[] = [];
  for (let index = 0; index < grid.count || pending.length > 0;) {
    while (index < grid.count && pending.length < tilesInFlight(runner)) {
      const rect = grid.rect(index);
      const samples = await samplesOf(rect, Math.floor(index++ / grid.columns));
      pending.push(runner.encodeTile({ samples, rect, header, model, polarity }));
    }
    yield await pending.shift()!;
  }
}

/** The samples of `rect` from a band of full rows that starts at the tile's first row. */
function cutTile(band: Uint16Array, width: number, rect: TileRect): Uint16Array {
  const samples = new Uint16Array(rect.width * rect.height);
  for (let y = 0; y < rect.height; y++) {
    const from = y * width + rect.x;
    samples.set(band.subarray(from, from + rect.width), y * rect.width);
  }
  return samples;
}

/**
 * Codes one image with a v2 model, tile by tile on `runner` (in this thread by default), with
 * `coder` (context mixing by default).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { encodeV2Image } from "./image_codec.ts";
 * import { defaultV2Model } from "./model.ts";
 * const image = { width: 2, height: 1, maxValue: 65535, data: new Uint16Array([100, 4000]) };
 * const coded = await encodeV2Image(image, defaultV2Model(), "none");
 * strictEqual(coded.tiles[0].bits, 12);
 * ```
 */
export async function encodeV2Image(
  image: GrayImage,
  model: V2Model,
  polarity: PolarityMode,
  runner: TileRunner = IN_THREAD_TILES,
  coder: CoderName = coderOf("default"),
): Promise<V2CodedImage> {
  const source = imageRows(image);
  const header = await tiledHeader(source, coder);
  const tiles: V2CodedTile[] = [];
  for await (const tile of encodeTiles(source, header, model, polarity, runner)) tiles.push(tile);
  return { ...header, tiles };
}

/**
 * Checks, before anything is allocated for them, that each tile's stream can hold the tile
 * (else the file is damaged).
 *
 * @throws {FormatError} for the first tile whose stream is too short.
 * @example
 * ```ts
 * import { throws } from "node:assert/strict";
 * import { checkTileStreams } from "./image_codec.ts";
 * const coded = {
 *   width: 60000, height: 60000, maxValue: 255, coder: "cm" as const,
 *   tileWidth: 60000, tileHeight: 60000,
 *   tiles: [{ inverted: false, bits: 8, tileCrc: 0, stream: new Uint8Array(16) }],
 * };
 * throws(() => checkTileStreams(coded), /too short/);
 * ```
 */
export function checkTileStreams(coded: V2CodedImage): void {
  const grid = gridOf(coded);
  coded.tiles.forEach((tile, i) => {
    const rect = grid.rect(i);
    TILE_CODERS[coded.coder].checkHolds(rect.width, rect.height, tile.bits, storedBytes(tile));
  });
}

/**
 * Decodes the tiles of `coded` that `region` touches (all by default) on `runner`
 * ({@link decodeTiles}), and yields each band of the region's rows (a row of tiles): `{ y, rows }`
 * with `y` the band's first row in the image and `rows` its `region.width` samples a row.
 *
 * @throws {FormatError} when a tile is damaged or was coded with another model.
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { decodeBands, encodeV2Image, IN_THREAD_TILES } from "./image_codec.ts";
 * import { defaultV2Model } from "./model.ts";
 * const image = { width: 3, height: 1, maxValue: 255, data: new Uint16Array([1, 2, 3]) };
 * const coded = await encodeV2Image(image, defaultV2Model(), "auto");
 * const region = { x: 1, y: 0, width: 2, height: 1 };
 * const bands = [];
 * for await (const band of decodeBands(coded, defaultV2Model(), IN_THREAD_TILES, region)) {
 *   bands.push(band);
 * }
 * deepStrictEqual(bands, [{ y: 0, rows: new Uint16Array([2, 3]) }]);
 * ```
 */
export async function* decodeBands(
  coded: V2CodedImage,
  model: V2Model,
  runner: TileRunner,
  region: TileRect = { x: 0, y: 0, width: coded.width, height: coded.height },
): AsyncGenerator<{ y: number; rows: Uint16Array }> {
  const grid = gridOf(coded);
  let band: { row: number; top: number; rows: Uint16Array; left: number } | undefined;
  for await (const { index, rect, samples } of decodeTiles(coded, model, runner, region)) {
    const row = Math.floor(index / grid.columns);
    if (band?.row !== row) {
      const top = Math.max(region.y, row * grid.tileHeight);
      const bottom = Math.min(region.y + region.height, (row + 1) * grid.tileHeight);
      const left = grid.tilesIn(region).filter((i) => Math.floor(i / grid.columns) === row).length;
      band = { row, top, rows: new Uint16Array((bottom - top) * region.width), left };
    }
    pasteTile(
      band.rows,
      region,
      band.top,
      band.top + band.rows.length / region.width,
      rect,
      samples,
    );
    if (--band.left === 0) yield { y: band.top, rows: band.rows };
  }
}

/**
 * Decodes the tiles of `coded` that `region` touches (all by default) on `runner`, a few at a
 * time, and yields each in raster order: its index, its rectangle in the image and its samples,
 * so that a caller can place it (a file written at offsets, say) without holding a band.
 *
 * @throws {FormatError} when a tile is damaged or was coded with another model, or the region
 *   lies outside the image.
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { decodeTiles, encodeV2Image, IN_THREAD_TILES } from "./image_codec.ts";
 * import { defaultV2Model } from "./model.ts";
 * const image = { width: 3, height: 1, maxValue: 255, data: new Uint16Array([1, 2, 3]) };
 * const coded = await encodeV2Image(image, defaultV2Model(), "auto");
 * for await (const tile of decodeTiles(coded, defaultV2Model(), IN_THREAD_TILES)) {
 *   strictEqual(tile.samples[2], 3);
 * }
 * ```
 */
export async function* decodeTiles(
  coded: V2CodedImage,
  model: V2Model,
  runner: TileRunner,
  region: TileRect = { x: 0, y: 0, width: coded.width, height: coded.height },
): AsyncGenerator<{ index: number; rect: TileRect; samples: Uint16Array }> {
  checkRegion(region, coded);
  checkTileStreams(coded);
  const grid = gridOf(coded);
  const touched = grid.tilesIn(region);
  const pending: { index: number; rect: TileRect; samples: Promise<Uint16Array> }[] = [];
  for (let k = 0; k < touched.length || pending.length > 0;) {
    while (k < touched.length && pending.length < tilesInFlight(runner)) {
      const index = touched[k++];
      const rect = grid.rect(index);
      const job = { tile: coded.tiles[index], rect, header: coded, model };
      pending.push({ index, rect, samples: runner.decodeTile(job) });
    }
    const { index, rect, samples } = pending.shift()!;
    yield { index, rect, samples: await samples };
  }
}

/** Copies the part of a decoded tile inside `region` and rows `top … bottom − 1` into `rows`. */
function pasteTile(
  rows: Uint16Array,
  region: TileRect,
  top: number,
  bottom: number,
  rect: TileRect,
  samples: Uint16Array,
): void {
  const left = Math.max(region.x, rect.x);
  const right = Math.min(region.x + region.width, rect.x + rect.width);
  for (let y = top; y < bottom; y++) {
    const from = (y - rect.y) * rect.width + (left - rect.x);
    rows.set(
      samples.subarray(from, from + right - left),
      (y - top) * region.width + left - region.x,
    );
  }
}

/**
 * Decodes one v2 coded image (or only `region` of it), checking every tile against its tile
 * checksum.
 *
 * @throws {FormatError} when a stream is damaged or was coded with another model, or the region
 *   lies outside the image.
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { decodeV2Image, encodeV2Image } from "./image_codec.ts";
 * import { defaultV2Model } from "./model.ts";
 * const image = { width: 2, height: 1, maxValue: 255, data: new Uint16Array([1, 2]) };
 * const coded = await encodeV2Image(image, defaultV2Model(), "auto");
 * deepStrictEqual(await decodeV2Image(coded, defaultV2Model()), image);
 * ```
 */
export async function decodeV2Image(
  coded: V2CodedImage,
  model: V2Model,
  options: { runner?: TileRunner; region?: TileRect } = {},
): Promise<GrayImage> {
  const region = options.region ?? { x: 0, y: 0, width: coded.width, height: coded.height };
  const data = new Uint16Array(region.width * region.height);
  const runner = options.runner ?? IN_THREAD_TILES;
  for await (const band of decodeBands(coded, model, runner, region)) {
    data.set(band.rows, (band.y - region.y) * region.width);
  }
  return {
    width: region.width,
    height: region.height,
    maxValue: coded.maxValue,
    data,
    ...(coded.signed && { signed: true }),
  };
}

/**
 * Checks that a region is a non-empty rectangle inside an image of `size`.
 *
 * @throws {FormatError} (code `invalid`) naming the region and the image size.
 * @example
 * ```ts
 * import { throws } from "node:assert/strict";
 * import { checkRegion } from "./image_codec.ts";
 * checkRegion({ x: 0, y: 0, width: 2, height: 2 }, { width: 2, height: 2 });
 * throws(() => checkRegion({ x: 1, y: 0, width: 2, height: 2 }, { width: 2, height: 2 }), /outside/);
 * ```
 */
export function checkRegion(region: TileRect, size: { width: number; height: number }): void {
  const { x, y, width, height } = region;
  const whole = [x, y, width, height].every(Number.isSafeInteger);
  if (!whole || x < 0 || y < 0 || width < 1 || height < 1) {
    throw new FormatError(`region ${x},${y},${width},${height} is not a rectangle`);
  }
  if (x + width > size.width || y + height > size.height) {
    throw new FormatError(
      `region ${x},${y},${width},${height} lies outside the ${size.width}x${size.height} image`,
    );
  }
}
