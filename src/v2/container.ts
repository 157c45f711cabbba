/**
 * v2 containers: the model file `.bpm` (`BPM2`), the single image `.bpc` (`BPC2`) and the
 * archive `.bpa` (`BPA2`), as `docs/format-v2.md` specifies.
 *
 * @module
 */
import {
  checkEntryName,
  checkEntryNames,
  compareEntryNames,
  readEntryName,
  writeEntryName,
} from "../archive_name.ts";
import { ByteReader, type ByteSource, type ByteSpan, ByteWriter } from "../bytes.ts";
import { crc32, crc32Combine } from "../crc32.ts";
import { FormatError, quotedName } from "../errors.ts";
import {
  DICTIONARY_METHODS,
  MAX_INFLATE_RATIO,
  OWN_METHODS,
  type StoredParts,
} from "../file_parts/stored_parts.ts";
import { MAX_PAGES } from "../image/image_pages.ts";
import { TileGrid, type TileRect } from "./tiles.ts";

/** The version field of v2 model files (`BPM2`). */
export const V2_VERSION = 2;
/**
 * The version field of the v2 image files (`BPC2`) written: 5, compact image records whose
 * tiles may be packed, and the model named by the first {@link IMAGE_MODEL_HASH_BYTES} bytes of
 * its hash. Versions 4 (no packed tiles) and 3 (wide records, the whole hash) are read too.
 */
export const V2_IMAGE_VERSION = 5;
/**
 * The version field of the v2 archives (`BPA2`) written: 6, entries of both kinds (coded
 * images, kept files) with notes, in compact image records whose tiles may be packed. Versions 5
 * (no packed tiles), 4 (version 5 in wide records) and 3 (coded images only) are read too.
 */
export const V2_ARCHIVE_VERSION = 6;
/** Bytes of the model's SHA-256 that a `BPC2` file of version 4 or later keeps: its first 8. */
export const IMAGE_MODEL_HASH_BYTES = 8;
/** Largest number of pixels of one tile (2^31 − 1); an image may have more. */
export const MAX_TILE_PIXELS = 0x7fffffff;
const MODEL_HEADER_BYTES = 32;
/** Image record flag: the samples are signed values shifted by half the range. */
const IMAGE_SIGNED = 1;
/**
 * Image record flag (layout `packing`): the image is one tile, whose size is not written. It is
 * set whenever the tile is the whole image.
 */
const IMAGE_ONE_TILE = 2;
/**
 * The layouts of an image record: `packing` (`BPC2` version 5, `BPA2` version 6) and `compact`
 * (`BPC2` version 4, `BPA2` version 5): varint sizes, a one-byte tile head, tiles packed only
 * in the first; `wide` (fixed 32- and 64-bit fields; the versions before).
 */
type RecordLayout = "packing" | "compact" | "wide";
/** Bytes of a tile record before its stream, at least, by layout. */
const TILE_RECORD_BYTES: Record<RecordLayout, number> = { packing: 10, compact: 10, wide: 20 };
/** Bytes of an image record of one tile, at least, by layout (its header, then the tile). */
const IMAGE_RECORD_BYTES: Record<RecordLayout, number> = {
  packing: 2 + 3 + 10,
  compact: 2 + 5 + 10,
  wide: 24 + 20,
};
/** Compact tile head: bits − 1 in bits 0–3, then these flags; the other bits are zero. */
const TILE_INVERTED = 16;
const TILE_PRIMED = 32;
const TILE_PACKED = 64;
/** The bits a tile head may have set, by layout (a wide record's flags are read as a head). */
const TILE_HEAD_BITS: Record<RecordLayout, number> = {
  packing: 15 | TILE_INVERTED | TILE_PRIMED | TILE_PACKED,
  compact: 15 | TILE_INVERTED | TILE_PRIMED,
  wide: 15 | TILE_INVERTED | TILE_PRIMED,
};

/**
 * The coders a v2 image's tiles can be coded with, by their number in the file: context mixing
 * (`docs/v2-stream.md`), the fast residual coder (`docs/fast-level.md`, the
 * `fast` level), context mixing with the least-squares predictor (`cm-ls`, what the `max` level
 * coded with before checked buckets), with checked hashed buckets too (`cm-ls-checked`), the
 * first and the last with decaying learning rates (`cm-decay`, `cm-ls-checked-decay`), and these
 * two with split APM updates, the first with two-way checked buckets too
 * (`cm-checked2-decay-split-apm`, `cm-ls-checked-decay-split-apm`), and these two with phase sets
 * (`cm-checked2-decay-split-apm-phase`; `cm-ls-checked-decay-split-apm-phase`), the second with a
 * hashed table of up to 2^24 slots (`cm-ls-checked-decay-split-apm-phase-h24`), the first looking
 * up six of the model's hashed contexts (`cm-checked2-decay-split-apm-phase-hashed6`), and these
 * last two with 16-bit probabilities (`cm-checked2-decay-split-apm-phase-hashed6-p16`, the
 * `default` level; `cm-ls-checked-decay-split-apm-phase-h24-p16`, the `max` level). Coders 0 and
 * 2 to 11 are what the levels coded with before; their files decode as they did.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { CODER_NAMES } from "./container.ts";
 * strictEqual(CODER_NAMES[0], "cm");
 * strictEqual(CODER_NAMES[3], "cm-ls-checked");
 * strictEqual(CODER_NAMES[7], "cm-ls-checked-decay-split-apm");
 * strictEqual(CODER_NAMES[9], "cm-ls-checked-decay-split-apm-phase");
 * strictEqual(CODER_NAMES[10], "cm-ls-checked-decay-split-apm-phase-h24");
 * strictEqual(CODER_NAMES[11], "cm-checked2-decay-split-apm-phase-hashed6");
 * strictEqual(CODER_NAMES[13], "cm-ls-checked-decay-split-apm-phase-h24-p16");
 * ```
 */
export const CODER_NAMES = [
  "cm",
  "fast",
  "cm-ls",
  "cm-ls-checked",
  "cm-decay",
  "cm-ls-checked-decay",
  "cm-checked2-decay-split-apm",
  "cm-ls-checked-decay-split-apm",
  "cm-checked2-decay-split-apm-phase",
  "cm-ls-checked-decay-split-apm-phase",
  "cm-ls-checked-decay-split-apm-phase-h24",
  "cm-checked2-decay-split-apm-phase-hashed6",
  "cm-checked2-decay-split-apm-phase-hashed6-p16",
  "cm-ls-checked-decay-split-apm-phase-h24-p16",
] as const;

/**
 * A coder's name (see {@link CODER_NAMES}).
 *
 * @example
 * ```ts
 * import type { CoderName } from "./container.ts";
 * const coder: CoderName = "cm";
 * ```
 */
export type CoderName = (typeof CODER_NAMES)[number];

/**
 * What a v2 image record says before its tiles: the image's size and maxval, the coder of its
 * tiles and the tile size.
 *
 * @example
 * ```ts
 * import type { V2ImageHeader } from "./container.ts";
 * const header: V2ImageHeader = {
 *   width: 3000, height: 1000, maxValue: 255, coder: "cm", tileWidth: 2048, tileHeight: 1000,
 * };
 * ```
 */
export interface V2ImageHeader {
  /** Samples per row, at least 1. */
  width: number;
  /** Rows, at least 1. */
  height: number;
  /** The image's maxval (1…65535). */
  maxValue: number;
  /** The coder of every tile. */
  coder: CoderName;
  /** Columns of a tile (those of the last column of tiles may be fewer), 1…width. */
  tileWidth: number;
  /** Rows of a tile (those of the last row of tiles may be fewer), 1…height. */
  tileHeight: number;
  /** Whether the samples are signed values shifted by half the range (absent: unsigned). */
  signed?: boolean;
}

/**
 * The header fields alone of `image` (a coded image carries its tiles too): what a tile's coder
 * needs, small enough to send to a worker.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { headerOf } from "./container.ts";
 * import type { V2CodedImage } from "./container.ts";
 * const header = { width: 2, height: 1, maxValue: 255, coder: "cm", tileWidth: 2, tileHeight: 1 } as const;
 * const coded: V2CodedImage = { ...header, tiles: [] };
 * deepStrictEqual(headerOf(coded), header);
 * ```
 */
export function headerOf(image: V2ImageHeader): V2ImageHeader {
  const { width, height, maxValue, coder, tileWidth, tileHeight } = image;
  return {
    width,
    height,
    maxValue,
    coder,
    tileWidth,
    tileHeight,
    ...(image.signed && { signed: true }),
  };
}

/**
 * One coded tile.
 *
 * @example
 * ```ts
 * import type { V2CodedTile } from "./container.ts";
 * const tile: V2CodedTile = { inverted: false, bits: 8, tileCrc: 0, stream: new Uint8Array(4) };
 * ```
 */
export interface V2CodedTile {
  /** Whether the tile's samples were coded inverted (`v → 2^bits − 1 − v`). */
  inverted: boolean;
  /** Whether the tile starts from the model's primer (absent: not). */
  primed?: boolean;
  /**
   * Whether the tile is packed: its stream opens with its value table, and the coded samples are
   * indices into it (`value_table.ts`; absent: not).
   */
  packed?: boolean;
  /** Coded bit planes (1…16): every coded sample of the tile is below `2^bits`. */
  bits: number;
  /** {@link tileCrc} of the tile's samples. */
  tileCrc: number;
  /** The coded stream. */
  stream: Uint8Array;
}

/**
 * One coded image as v2 files hold it: its header and its tiles in raster order.
 *
 * @example
 * ```ts
 * import type { V2CodedImage } from "./container.ts";
 * const coded: V2CodedImage = {
 *   width: 1, height: 1, maxValue: 255, coder: "cm", tileWidth: 1, tileHeight: 1,
 *   tiles: [{ inverted: false, bits: 8, tileCrc: 0, stream: new Uint8Array(4) }],
 * };
 * ```
 */
export interface V2CodedImage extends V2ImageHeader {
  /** The tiles, in raster order. */
  tiles: V2CodedTile[];
  /**
   * In an archive being written, records with the same key are the same record (the same
   * pixels, coded alike): after the first, the writer writes them as repeats
   * ({@link ArchiveRecords}), which need no tiles.
   */
  repeatKey?: string;
}

/**
 * A tile as read from a file: whether its stream checksum matched (read with deferred
 * checksums, a damaged tile is kept and refused only when decoded).
 *
 * @example
 * ```ts
 * import type { V2ReadTile } from "./container.ts";
 * const tile: V2ReadTile = {
 *   inverted: false, bits: 8, tileCrc: 0, stream: new Uint8Array(4), streamIntact: true,
 * };
 * ```
 */
export interface V2ReadTile extends V2CodedTile {
  /** Whether the stream's CRC-32 matched. */
  streamIntact: boolean;
  /**
   * Where the stream is in the data read, when that was a {@link ByteSource} (a file): the
   * stream is then left there (`stream` is empty) until the tile is decoded.
   */
  stored?: ByteSpan;
}

/**
 * Bytes of a tile's stream or of a kept file's parts as stored in the data read: those in
 * memory, or those left in a {@link ByteSource} ({@link V2ReadTile.stored}).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { storedBytes } from "./container.ts";
 * strictEqual(storedBytes({ stream: new Uint8Array(0), stored: { at: 9, length: 70 } }), 70);
 * strictEqual(storedBytes({ data: new Uint8Array(3) }), 3);
 * ```
 */
export function storedBytes(
  part: { stream: Uint8Array; stored?: ByteSpan } | { data: Uint8Array; stored?: ByteSpan },
): number {
  return part.stored?.length ?? ("stream" in part ? part.stream : part.data).length;
}

/**
 * A coded image as read from a file, each tile with whether its stream checksum matched.
 *
 * @example
 * ```ts
 * import type { V2ReadImage } from "./container.ts";
 * const image: V2ReadImage = {
 *   width: 1, height: 1, maxValue: 255, coder: "cm", tileWidth: 1, tileHeight: 1, tiles: [],
 * };
 * ```
 */
export interface V2ReadImage extends V2CodedImage {
  /** The tiles, in raster order. */
  tiles: V2ReadTile[];
  /**
   * In an archive, a record that repeats an earlier one ({@link ArchiveRecords}): the number of
   * that record, whose header and tiles these are.
   */
  sameAs?: number;
}

/**
 * A v2 archive entry: a relative path and its coded image.
 *
 * @example
 * ```ts
 * import type { V2ArchiveEntry } from "./container.ts";
 * const entry: V2ArchiveEntry = {
 *   name: "a.png", width: 1, height: 1, maxValue: 255, coder: "cm", tileWidth: 1, tileHeight: 1,
 *   tiles: [],
 * };
 * ```
 */
export interface V2ArchiveEntry extends V2CodedImage {
  /** Relative path with `/` separators. */
  name: string;
  /** A few words on how the entry is kept (none in archives of version 3). */
  note?: string;
}

/**
 * A v2 archive entry that keeps a whole file: the SHA-256 and length of the file, its pages'
 * coded images, and its other parts.
 *
 * @example
 * ```ts
 * import type { V2FileEntry } from "./container.ts";
 * const entry: V2FileEntry = {
 *   name: "notes.txt", note: "not an image", exact: true, sha256: new Uint8Array(32), fileBytes: 0,
 *   pages: [], parts: { method: 0, rawBytes: 1, crc: 0xd202ef8d, data: new Uint8Array(1) },
 * };
 * ```
 */
export interface V2FileEntry {
  /** Relative path with `/` separators. */
  name: string;
  /** A few words on how the file is kept. */
  note: string;
  /**
   * Whether the file is rebuilt byte for byte (its length and SHA-256 checked); else with the
   * same pixels and other parts only (a PNG whose image data no zlib setting reproduces).
   */
  exact: boolean;
  /** SHA-256 of the file. */
  sha256: Uint8Array;
  /** Bytes of the file. */
  fileBytes: number;
  /** The coded pages, in file order. */
  pages: V2CodedImage[];
  /** The file's other parts. */
  parts: StoredParts;
  /**
   * An earlier entry (its index) whose parts are byte for byte these and stored on their own
   * (method 0, 1 or 4): the archive stores them as a repeat of that entry's (parts method 3) while
   * {@link ArchiveRecords}' bound for parts allows, else as `parts`.
   */
  samePartsAs?: number;
}

/**
 * CRC-32 of a tile: of the image's width and height (u32), maxval (u16), the tile's first column
 * and row and its width and height (u32 each), then the tile's samples (u16 each, row-major), all
 * little-endian: a wrong size, maxval or place is caught as surely as a wrong sample.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { tileCrc } from "./container.ts";
 * const image = { width: 4, height: 1, maxValue: 255 };
 * const data = new Uint16Array([0, 0]);
 * const left = tileCrc(image, { x: 0, y: 0, width: 2, height: 1 }, data);
 * ok(left !== tileCrc(image, { x: 2, y: 0, width: 2, height: 1 }, data)); // another place
 * ```
 */
export function tileCrc(
  image: { width: number; height: number; maxValue: number; signed?: boolean },
  rect: TileRect,
  data: Uint16Array,
): number {
  const w = new ByteWriter();
  w.u32(image.width);
  w.u32(image.height);
  w.u16(image.maxValue);
  if (image.signed) w.u8(IMAGE_SIGNED); // the signed flag, when set
  for (const v of [rect.x, rect.y, rect.width, rect.height]) w.u32(v);
  let crc = crc32(w.finish());
  const chunk = new Uint8Array(8192);
  for (let at = 0; at < data.length; at += 4096) {
    const n = Math.min(4096, data.length - at);
    for (let i = 0; i < n; i++) {
      chunk[2 * i] = data[at + i] & 0xff;
      chunk[2 * i + 1] = data[at + i] >> 8;
    }
    crc = crc32(chunk.subarray(0, 2 * n), crc);
  }
  return crc;
}

/**
 * Writes the header of an image record (its tiles follow, see {@link writeTileRecord}).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { ByteWriter } from "../bytes.ts";
 * import { writeImageHeader } from "./container.ts";
 * const w = new ByteWriter();
 * writeImageHeader(w, {
 *   width: 4, height: 4, maxValue: 255, coder: "cm", tileWidth: 4, tileHeight: 4,
 * });
 * // coder, flags (one tile: no tile size), varints 4, 4 and 255 (2 bytes)
 * strictEqual(w.finish().length, 6);
 * ```
 */
export function writeImageHeader(w: ByteWriter, header: V2ImageHeader): void {
  const oneTile = header.tileWidth === header.width && header.tileHeight === header.height;
  w.u8(CODER_NAMES.indexOf(header.coder));
  w.u8((header.signed ? IMAGE_SIGNED : 0) | (oneTile ? IMAGE_ONE_TILE : 0));
  w.varint(header.width);
  w.varint(header.height);
  w.varint(header.maxValue);
  if (oneTile) return;
  w.varint(header.tileWidth);
  w.varint(header.tileHeight);
}

/**
 * Writes one tile record: its head (bits and flags), the tile and stream checksums, the stream's
 * length and the stream.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { ByteWriter } from "../bytes.ts";
 * import { writeTileRecord } from "./container.ts";
 * const w = new ByteWriter();
 * writeTileRecord(w, { inverted: true, bits: 8, tileCrc: 7, stream: new Uint8Array(4) });
 * strictEqual(w.finish().length, 10 + 4);
 * ```
 */
export function writeTileRecord(w: ByteWriter, tile: V2CodedTile): void {
  w.u8(
    (tile.bits - 1) | (tile.inverted ? TILE_INVERTED : 0) | (tile.primed ? TILE_PRIMED : 0) |
      (tile.packed ? TILE_PACKED : 0),
  );
  w.u32(tile.tileCrc);
  w.u32(crc32(tile.stream));
  w.varint(tile.stream.length);
  w.bytes(tile.stream);
}

/**
 * The tile grid of an image header.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { gridOf } from "./container.ts";
 * const header = { width: 3000, height: 1000, tileWidth: 2048, tileHeight: 1000 };
 * strictEqual(gridOf(header).count, 2);
 * ```
 */
export function gridOf(
  header: { width: number; height: number; tileWidth: number; tileHeight: number },
): TileGrid {
  return new TileGrid(header.width, header.height, header.tileWidth, header.tileHeight);
}

function writeCoded(w: ByteWriter, image: V2CodedImage): void {
  writeImageHeader(w, image);
  writeTiles(w, image);
}

/** The bytes of `image`'s record. */
function recordBytes(image: V2CodedImage): Uint8Array {
  const w = new ByteWriter();
  writeCoded(w, image);
  return w.finish();
}

/** Bytes of the shortest varint of `value`. */
function varintBytes(value: number): number {
  let bytes = 1;
  for (; value >= 128; value = Math.floor(value / 128)) bytes++;
  return bytes;
}

function writeTiles(w: ByteWriter, image: V2CodedImage): void {
  if (image.tiles.length !== gridOf(image).count) {
    throw new RangeError(`${image.tiles.length} tiles for a grid of ${gridOf(image).count}`);
  }
  for (const tile of image.tiles) writeTileRecord(w, tile);
}

/**
 * Parts stored against a dictionary (parts methods 2 and 5) take it from one of this many kept files
 * before them, so that a reader expanding the archive's entries in order, keeping the
 * dictionaries of the last ones, expands each entry's parts once.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { DICTIONARY_WINDOW } from "./container.ts";
 * strictEqual(DICTIONARY_WINDOW, 8);
 * ```
 */
export const DICTIONARY_WINDOW = 8;

/** The coder byte of an archive record that repeats an earlier record. */
const SAME_AS_CODER = 255;
/** Bytes of a record that repeats an earlier one, at least: the coder byte and a varint. */
const SAME_AS_RECORD_BYTES = 2;
/**
 * References to earlier records may add at most this many pixels per byte of archive before
 * them: decoding an archive stays bounded by its size, as its streams' own bound keeps it
 * (`stream_bound.ts`).
 */
const SAME_AS_PIXELS_PER_BYTE = 1 << 14;

/**
 * Repeated parts (method 3) may stand for at most this many bytes per byte of archive before
 * them, as much as zlib's data can inflate to.
 */
const SAME_PARTS_BYTES_PER_BYTE = MAX_INFLATE_RATIO;

/**
 * The coded image records of an archive, numbered in archive order from 0 (a pixels-only entry
 * has one, a kept file one per page; repeats count too). The writer writes a record whose
 * {@link V2CodedImage.repeatKey} an earlier record had as a repeat of it (the coder byte 255,
 * then the earlier record's number as a varint) while the pixels of all repeats up to it, its
 * own included, are at most 2^14 per byte of archive before its entry; the reader reads a repeat
 * as that record, and refuses one of a later record, of a repeat, or beyond that bound (at the
 * repeat's own byte, which is never before its entry's). Kept files' parts repeated whole (parts
 * method 3) are bounded alike, at 1032 bytes per byte ({@link partsRepeat}).
 *
 * @example
 * ```ts
 * import { deepStrictEqual, strictEqual } from "node:assert/strict";
 * import { ByteReader, type ByteSource, type ByteSpan, ByteWriter } from "../bytes.ts";
 * import { ArchiveRecords } from "./container.ts";
 * const image = {
 *   width: 2, height: 1, maxValue: 255, coder: "fast" as const, tileWidth: 2, tileHeight: 1,
 *   tiles: [{ inverted: false, bits: 8, tileCrc: 7, stream: new Uint8Array(5) }],
 *   repeatKey: "the same pixels",
 * };
 * const w = new ByteWriter();
 * w.zeros(100); // the archive's start
 * const written = new ArchiveRecords();
 * deepStrictEqual(written.plan([image, image], 100).repeats, [undefined, 0]);
 * written.write(w, [image, image], 100);
 * const once = new ByteWriter();
 * new ArchiveRecords().write(once, [image], 100);
 * strictEqual(w.length - 100, once.length + 2); // then the coder byte 255 and its number 0
 * const r = new ByteReader(w.finish());
 * r.bytes(100, "start");
 * const read = new ArchiveRecords();
 * read.read(r, "packing", false);
 * strictEqual(read.read(r, "packing", false).sameAs, 0);
 * // repeated parts: at most 1032 bytes a byte of archive before them, all repeats together
 * strictEqual(written.partsRepeat(1032 * 100, 100), true);
 * strictEqual(written.partsRepeat(1, 100), false);
 * ```
 */
export class ArchiveRecords {
  /** Records read, in order (repeats as the records they repeat). */
  readonly #read: V2ReadImage[] = [];
  /** Records written whole, by their repeat keys: their numbers. */
  readonly #written = new Map<string, number>();
  #count = 0;
  #repeatedPixels = 0;
  #repeatedPartsBytes = 0;

  /**
   * Whether parts of `bytes` bytes may be written (or read) as a repeat at byte `at`: the bytes
   * of all repeated parts up to them, theirs included, are at most 1032 times `at`. Counts them
   * when they may.
   */
  partsRepeat(bytes: number, at: number): boolean {
    const total = this.#repeatedPartsBytes + bytes;
    if (total > SAME_PARTS_BYTES_PER_BYTE * at) return false;
    this.#repeatedPartsBytes = total;
    return true;
  }

  /**
   * How `images`, one entry's records in order, would be written from byte `at` of the archive:
   * for each, the earlier record it would repeat, or `undefined` for one written whole. The
   * plan stops at the first record to be written whole that has no tiles (a record waiting to
   * repeat another, {@link V2CodedImage.repeatKey}): `uncoded` is its index, and the records
   * after it are not planned.
   */
  plan(
    images: readonly V2CodedImage[],
    at: number,
    bytesOf: (image: V2CodedImage) => Uint8Array = recordBytes,
  ): { repeats: (number | undefined)[]; uncoded?: number } {
    const own = new Map<string, number>();
    const repeats: (number | undefined)[] = [];
    let pixels = this.#repeatedPixels;
    for (const [i, image] of images.entries()) {
      const key = image.repeatKey;
      const earlier = key === undefined ? undefined : this.#written.get(key) ?? own.get(key);
      const total = pixels + image.width * image.height;
      if (earlier !== undefined && total <= SAME_AS_PIXELS_PER_BYTE * at) {
        pixels = total;
        repeats.push(earlier);
        at += 1 + varintBytes(earlier);
        continue;
      }
      if (image.tiles.length === 0) return { repeats, uncoded: i };
      if (key !== undefined && earlier === undefined) own.set(key, this.#count + i);
      repeats.push(undefined);
      at += bytesOf(image).length;
    }
    return { repeats };
  }

  /**
   * Writes `images` (one entry's records) from byte `at` of the archive as {@link plan} says:
   * repeats of earlier records, or whole.
   */
  write(w: ByteWriter, images: readonly V2CodedImage[], at: number): void {
    const written = new Map<V2CodedImage, Uint8Array>();
    const bytesOf = (image: V2CodedImage) => {
      const bytes = written.get(image) ?? recordBytes(image);
      written.set(image, bytes);
      return bytes;
    };
    const { repeats, uncoded } = this.plan(images, at, bytesOf);
    if (uncoded !== undefined) throw new RangeError(`record ${uncoded} of an entry has no tiles`);
    for (const [i, earlier] of repeats.entries()) {
      const image = images[i];
      if (earlier !== undefined) {
        w.u8(SAME_AS_CODER);
        w.varint(earlier);
        this.#repeatedPixels += image.width * image.height;
      } else {
        w.bytes(bytesOf(image));
        const key = image.repeatKey;
        if (key !== undefined && !this.#written.has(key)) this.#written.set(key, this.#count);
      }
      this.#count++;
    }
  }

  /**
   * Reads the next record (the record it repeats, for a repeat). Each record read whole gets a
   * repeat key of its own, which its repeats share: an archive written again from what was read
   * repeats the same records.
   */
  read(r: ByteReader, layout: RecordLayout, deferred: boolean): V2ReadImage {
    const number = this.#read.length;
    if (layout !== "packing" || r.peek() !== SAME_AS_CODER) {
      const image = { ...readCoded(r, layout, deferred), repeatKey: `record ${number}` };
      this.#read.push(image);
      return image;
    }
    const start = r.position;
    r.u8("coder");
    const earlier = r.varint("repeated record");
    const original = this.#read[earlier];
    if (earlier >= number || original.sameAs !== undefined) {
      throw new FormatError(
        `record ${number} repeats record ${earlier}, which is not an earlier record of its own`,
      );
    }
    this.#repeatedPixels += original.width * original.height;
    if (this.#repeatedPixels > SAME_AS_PIXELS_PER_BYTE * start) {
      throw new FormatError(
        `record ${number}: repeats of earlier records come to more pixels ` +
          `(${this.#repeatedPixels}) than ${start} bytes of archive can hold`,
      );
    }
    const image = { ...original, sameAs: earlier };
    this.#read.push(image);
    return image;
  }
}

/** Reads a size field of a compact record: a varint of at most 32 bits. */
function readSize(r: ByteReader, field: string): number {
  const value = r.varint(field);
  if (value > 0xffffffff) throw new FormatError(`${field} ${value} is out of range`);
  return value;
}

/** Reads and checks an image record's header; returns it with the number of tiles. */
function readImageHeader(
  r: ByteReader,
  layout: RecordLayout,
): V2ImageHeader & { count: number } {
  const coderIndex = r.u8("coder");
  const coder = CODER_NAMES[coderIndex];
  if (coder === undefined) throw new FormatError(`unknown coder ${coderIndex}`);
  const flags = r.u8("image flags");
  const known = layout === "packing" ? IMAGE_SIGNED | IMAGE_ONE_TILE : IMAGE_SIGNED;
  if (flags & ~known) {
    throw new FormatError(`unknown image flag bits 0x${(flags & ~known).toString(16)}`);
  }
  const wide = layout === "wide";
  const size = (field: string) => wide ? r.u32(field) : readSize(r, field);
  const width = size("width");
  const height = size("height");
  const maxValue = wide ? r.u16("maxval") : readSize(r, "maxval");
  const oneTile = (flags & IMAGE_ONE_TILE) !== 0;
  const tileWidth = oneTile ? width : size("tile width");
  const tileHeight = oneTile ? height : size("tile height");
  if (width < 1 || height < 1) throw new FormatError(`image size ${width}x${height} is empty`);
  if (maxValue < 1 || maxValue > 65535) {
    throw new FormatError(`maxval ${maxValue} is outside 1…65535`);
  }
  if (tileWidth < 1 || tileHeight < 1 || tileWidth > width || tileHeight > height) {
    throw new FormatError(`tile size ${tileWidth}x${tileHeight} does not fit ${width}x${height}`);
  }
  if (tileWidth * tileHeight > MAX_TILE_PIXELS) {
    throw new FormatError(`tile size ${tileWidth}x${tileHeight} exceeds 2^31 − 1 pixels`);
  }
  const signed = (flags & IMAGE_SIGNED) !== 0;
  const header = headerOf({ width, height, maxValue, coder, tileWidth, tileHeight, signed });
  const count = gridOf(header).count;
  if (wide && r.u32("tile count") !== count) {
    throw new FormatError(`tile count does not match the tile grid`);
  }
  if (count * TILE_RECORD_BYTES[layout] > r.remaining) {
    throw new FormatError(`${count} tiles cannot fit in the ${r.remaining} bytes left`);
  }
  return { ...header, count };
}

/** Reads a wide tile record's flags and bits, as a compact tile head. */
function readWideTileHead(r: ByteReader): number {
  const flags = r.u8("tile flags");
  if (flags & ~3) throw new FormatError(`unknown tile flag bits 0x${flags.toString(16)}`);
  const bits = r.u8("bit count");
  if (bits < 1 || bits > 16) throw new FormatError(`bit count ${bits} is outside 1…16`);
  r.reserved(2, "reserved tile bytes");
  return (bits - 1) | (flags & 1 ? TILE_INVERTED : 0) | (flags & 2 ? TILE_PRIMED : 0);
}

/** Reads one tile record; its stream checksum is checked, or (`deferred`) only recorded. */
function readTileRecord(
  r: ByteReader,
  maxValue: number,
  layout: RecordLayout,
  deferred: boolean,
): V2ReadTile {
  const head = layout === "wide" ? readWideTileHead(r) : r.u8("tile head");
  const unknown = head & ~TILE_HEAD_BITS[layout];
  if (unknown) throw new FormatError(`unknown tile flag bits 0x${unknown.toString(16)}`);
  const bits = (head & 15) + 1;
  if (bits > 32 - Math.clz32(maxValue)) {
    throw new FormatError(`bit count ${bits} is outside 1…(the bits of maxval ${maxValue})`);
  }
  const crc = r.u32("tile checksum");
  const streamCrc = r.u32("stream checksum");
  const length = layout === "wide" ? r.u64("stream length") : r.varint("stream length");
  let got = 0;
  const { at, bytes } = r.stored(length, "coded stream", (piece) => got = crc32(piece, got));
  const streamIntact = got === streamCrc;
  if (!streamIntact && !deferred) throw streamDamaged();
  return {
    inverted: (head & TILE_INVERTED) !== 0,
    bits,
    tileCrc: crc,
    stream: bytes ?? new Uint8Array(0),
    ...(bytes === undefined && { stored: { at, length } }),
    streamIntact,
    ...((head & TILE_PRIMED) && { primed: true }),
    ...((head & TILE_PACKED) && { packed: true }),
  };
}

/** Reads one image record with all its tiles. */
function readCoded(r: ByteReader, layout: RecordLayout, deferred: boolean): V2ReadImage {
  const { count, ...header } = readImageHeader(r, layout);
  const tiles: V2ReadTile[] = [];
  for (let i = 0; i < count; i++) {
    tiles.push(readTileRecord(r, header.maxValue, layout, deferred));
  }
  return { ...header, tiles };
}

function streamDamaged(): FormatError {
  return new FormatError("coded stream is damaged (stream checksum mismatch)");
}

/**
 * Checks a tile read with deferred checksums before it is decoded.
 *
 * @throws {FormatError} when its stream checksum did not match.
 * @example
 * ```ts
 * import { throws } from "node:assert/strict";
 * import { checkTileStream } from "./container.ts";
 * throws(() => checkTileStream({ streamIntact: false }), /stream checksum mismatch/);
 * ```
 */
export function checkTileStream(tile: { streamIntact?: boolean }): void {
  if (tile.streamIntact === false) throw streamDamaged();
}

/** The image record layout of each `BPC2` version read. */
const IMAGE_LAYOUTS: Readonly<Record<number, RecordLayout>> = {
  3: "wide",
  4: "compact",
  [V2_IMAGE_VERSION]: "packing",
};
/** The image record layout of each `BPA2` version read. */
const ARCHIVE_LAYOUTS: Readonly<Record<number, RecordLayout>> = {
  3: "wide",
  4: "wide",
  5: "compact",
  [V2_ARCHIVE_VERSION]: "packing",
};

/**
 * Reads the version of an image or archive file and checks that `layouts` has it (2 is named
 * as bpcodec 0.1's); returns it with its records' layout.
 */
function readImageVersion(
  r: ByteReader,
  magic: string,
  layouts: Readonly<Record<number, RecordLayout>>,
): { version: number; layout: RecordLayout } {
  const version = r.u16("version");
  const layout = layouts[version];
  if (layout !== undefined) return { version, layout };
  if (version === 2) {
    throw new FormatError(
      `${magic} version 2 (untiled, written by bpcodec 0.1) is no longer read: decode it with 0.1`,
      "unsupported",
    );
  }
  throw new FormatError(`unsupported ${magic} version ${version}`);
}

/**
 * Wraps a v2 model payload as a `BPM2` file.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { wrapV2Model } from "./container.ts";
 * strictEqual(wrapV2Model(new Uint8Array([1, 2, 3])).length, 35);
 * ```
 */
export function wrapV2Model(payload: Uint8Array): Uint8Array {
  const w = new ByteWriter();
  w.ascii("BPM2");
  w.u16(V2_VERSION);
  w.u16(0);
  w.u32(payload.length);
  w.u32(crc32(payload));
  w.zeros(16);
  w.bytes(payload);
  return w.finish();
}

/**
 * Checks a `BPM2` file and returns its model payload.
 *
 * @throws {FormatError} when the file is malformed or damaged.
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { unwrapV2Model, wrapV2Model } from "./container.ts";
 * deepStrictEqual(unwrapV2Model(wrapV2Model(new Uint8Array([7]))), new Uint8Array([7]));
 * ```
 */
export function unwrapV2Model(bytes: Uint8Array): Uint8Array {
  const r = new ByteReader(bytes);
  r.magic("BPM2");
  const version = r.u16("version");
  if (version !== V2_VERSION) throw new FormatError(`unsupported BPM2 version ${version}`);
  r.reserved(2, "reserved model header bytes");
  const length = r.u32("payload length");
  const crc = r.u32("payload checksum");
  r.reserved(MODEL_HEADER_BYTES - 16, "reserved model header bytes");
  const payload = r.bytes(length, "model payload");
  r.end();
  if (crc32(payload) !== crc) throw new FormatError("model is damaged (checksum mismatch)");
  return payload;
}

/**
 * Writes a `BPC2` file.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { serializeV2Image } from "./container.ts";
 * const bytes = serializeV2Image({
 *   width: 1, height: 1, maxValue: 255, coder: "cm", tileWidth: 1, tileHeight: 1,
 *   tiles: [{ inverted: false, bits: 1, tileCrc: 0, stream: new Uint8Array(0) }],
 * }, new Uint8Array(32));
 * strictEqual(bytes.length, 6 + 8 + 6 + 10); // magic and version, model hash, header, tile
 * ```
 */
export function serializeV2Image(image: V2CodedImage, modelHash: Uint8Array): Uint8Array {
  const w = new ByteWriter();
  writeV2ImageStart(w, image, modelHash);
  writeTiles(w, image);
  return w.finish();
}

/**
 * Writes the start of a `BPC2` file: magic, version, the model hash's first
 * {@link IMAGE_MODEL_HASH_BYTES} bytes and the image header; the tile
 * records follow ({@link writeTileRecord}), so that a file can be written as its tiles are coded.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { ByteWriter } from "../bytes.ts";
 * import { writeV2ImageStart } from "./container.ts";
 * const w = new ByteWriter();
 * const header = {
 *   width: 4, height: 4, maxValue: 255, coder: "cm" as const, tileWidth: 4, tileHeight: 4,
 * };
 * writeV2ImageStart(w, header, new Uint8Array(32));
 * strictEqual(w.finish().length, 6 + 8 + 6);
 * ```
 */
export function writeV2ImageStart(
  w: ByteWriter,
  header: V2ImageHeader,
  modelHash: Uint8Array,
): void {
  w.ascii("BPC2");
  w.u16(V2_IMAGE_VERSION);
  w.bytes(modelHash.subarray(0, IMAGE_MODEL_HASH_BYTES));
  writeImageHeader(w, header);
}

/**
 * Parses a `BPC2` file, checking every field and every tile's stream checksum. Its `modelHash`
 * is what the file keeps of the model's hash: its first {@link IMAGE_MODEL_HASH_BYTES} bytes
 * (versions 4 and 5) or all 32 (version 3).
 *
 * @throws {FormatError} when the file is malformed or damaged.
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { parseV2Image, serializeV2Image } from "./container.ts";
 * const image = {
 *   width: 2, height: 1, maxValue: 255, coder: "cm" as const, tileWidth: 2, tileHeight: 1,
 *   tiles: [{ inverted: false, bits: 1, tileCrc: 0, stream: new Uint8Array(0) }],
 * };
 * strictEqual(parseV2Image(serializeV2Image(image, new Uint8Array(32))).image.width, 2);
 * ```
 */
export function parseV2Image(
  bytes: Uint8Array,
  options: { deferChecksums?: boolean } = {},
): { modelHash: Uint8Array; image: V2ReadImage } {
  const r = new ByteReader(bytes);
  r.magic("BPC2");
  const { layout } = readImageVersion(r, "BPC2", IMAGE_LAYOUTS);
  const modelHash = r.bytes(layout === "wide" ? 32 : IMAGE_MODEL_HASH_BYTES, "model hash");
  const image = readCoded(r, layout, options.deferChecksums === true);
  r.end();
  return { modelHash, image };
}

/**
 * Writes a `BPA2` archive. With `modelBytes`, the model file is embedded; without, the archive
 * refers to the built-in model by `modelHash`. The entries must be in order
 * ({@link checkEntryNames}).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { serializeV2Archive } from "./container.ts";
 * const bytes = serializeV2Archive({ modelHash: new Uint8Array(32), entries: [] });
 * strictEqual(bytes.length, 52);
 * ```
 */
export function serializeV2Archive(archive: {
  modelHash: Uint8Array;
  modelBytes?: Uint8Array;
  entries: (V2ArchiveEntry | V2FileEntry)[];
}): Uint8Array {
  const writer = new V2ArchiveWriter();
  const w = new ByteWriter();
  w.bytes(writer.start(archive));
  for (const entry of archive.entries) w.bytes(writer.add(entry));
  const end = writer.end();
  w.bytes(end.checksum);
  const bytes = w.finish();
  bytes.set(end.count, end.countAt);
  return bytes;
}

/**
 * The end of an archive written by {@link V2ArchiveWriter}: its checksum (its last bytes) and
 * its entry count, to write over the count {@link V2ArchiveWriter.start} left at `countAt`.
 *
 * @example
 * ```ts
 * import type { V2ArchiveEnd } from "./container.ts";
 * const end: V2ArchiveEnd = { checksum: new Uint8Array(4), count: new Uint8Array(4), countAt: 44 };
 * ```
 */
export interface V2ArchiveEnd {
  /** The archive checksum, for the entry count given here: the archive's last four bytes. */
  checksum: Uint8Array;
  /** The entry count field. */
  count: Uint8Array;
  /** Where the entry count field is in the archive. */
  countAt: number;
}

/**
 * Writes a `BPA2` archive piece by piece, so that it need not be in memory at once: its start,
 * then each entry (in order of their names), then the checksum; the entry count, known last,
 * is then written over the start's (the checksum covers it, computed without reading the archive
 * again). Records marked alike ({@link V2CodedImage.repeatKey}) are written once.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { parseV2Archive, V2ArchiveWriter } from "./container.ts";
 * const writer = new V2ArchiveWriter();
 * const image = {
 *   width: 1, height: 1, maxValue: 255, coder: "fast" as const, tileWidth: 1, tileHeight: 1,
 *   tiles: [{ inverted: false, bits: 8, tileCrc: 0, stream: new Uint8Array(4) }],
 * };
 * const pieces = [writer.start({ modelHash: new Uint8Array(32) })];
 * pieces.push(writer.add({ name: "a.pgm", ...image }), writer.add({ name: "b.pgm", ...image }));
 * const end = writer.end();
 * const bytes = new Uint8Array([...pieces.flatMap((p) => [...p]), ...end.checksum]);
 * bytes.set(end.count, end.countAt);
 * strictEqual(parseV2Archive(bytes).entries.length, 2);
 * ```
 */
export class V2ArchiveWriter {
  readonly #records = new ArchiveRecords();
  readonly #names: string[] = [];
  /** The bytes before the entry count. */
  #head = new Uint8Array();
  /** Bytes written so far, and the CRC-32 of those after the entry count. */
  #length = 0;
  #crc = 0;

  /** The archive's first bytes, up to an entry count of 0 that {@link end} corrects. */
  start(archive: { modelHash: Uint8Array; modelBytes?: Uint8Array }): Uint8Array {
    const w = new ByteWriter();
    w.ascii("BPA2");
    w.u16(V2_ARCHIVE_VERSION);
    w.u16(archive.modelBytes ? 1 : 0);
    w.bytes(archive.modelHash);
    w.u32(archive.modelBytes?.length ?? 0);
    if (archive.modelBytes) w.bytes(archive.modelBytes);
    this.#head = w.finish().slice();
    w.u32(0);
    this.#length = w.length;
    return w.finish();
  }

  /**
   * Where the plan for `entry`, written next, stops ({@link ArchiveRecords.plan}): the index,
   * in its records, of the first to be written whole that has no tiles; `undefined` when every
   * record it must write whole has them.
   */
  uncoded(entry: V2ArchiveEntry | V2FileEntry): number | undefined {
    const head = new ByteWriter();
    writeEntryHead(head, entry);
    return this.#records.plan(recordsOfEntry(entry), this.#length + head.length).uncoded;
  }

  /** The next entry's bytes: its name and body. */
  add(entry: V2ArchiveEntry | V2FileEntry): Uint8Array {
    const last = this.#names.at(-1);
    checkEntryName(entry.name);
    if (last !== undefined && compareEntryNames(last, entry.name) >= 0) {
      throw new FormatError(
        compareEntryNames(last, entry.name) === 0
          ? `entry name ${quotedName(entry.name)} appears twice`
          : `entry ${quotedName(entry.name)} comes after ${quotedName(last)}: entries must ` +
            `come in the order of their names`,
      );
    }
    this.#names.push(entry.name);
    const w = new ByteWriter();
    writeEntryHead(w, entry);
    this.#records.write(w, recordsOfEntry(entry), this.#length + w.length);
    if ("pages" in entry) writeParts(w, entry, this.#records, this.#length);
    const bytes = w.finish();
    this.#length += bytes.length;
    this.#crc = crc32(bytes, this.#crc);
    return bytes;
  }

  /** The archive's end, once every entry is written; checks the names together first. */
  end(): V2ArchiveEnd {
    checkEntryNames(this.#names);
    const count = new Uint8Array(4);
    new DataView(count.buffer).setUint32(0, this.#names.length, true);
    const countAt = this.#head.length;
    const before = crc32(count, crc32(this.#head));
    const checksum = new Uint8Array(4);
    const crc = crc32Combine(before, this.#crc, this.#length - countAt - 4);
    new DataView(checksum.buffer).setUint32(0, crc, true);
    return { checksum, count, countAt };
  }
}

/** The most bytes of a note. */
const MAX_NOTE_BYTES = 1024;

/** The coded image records of an entry: a kept file's pages, or the entry's own. */
function recordsOfEntry(entry: V2ArchiveEntry | V2FileEntry): V2CodedImage[] {
  return "pages" in entry ? entry.pages : [entry];
}

/** Writes an entry up to its records: its name, kind and note, and a kept file's fields. */
function writeEntryHead(w: ByteWriter, entry: V2ArchiveEntry | V2FileEntry): void {
  writeEntryName(w, entry.name);
  const note = new TextEncoder().encode(entry.note ?? "").subarray(0, MAX_NOTE_BYTES);
  const file = "pages" in entry;
  w.u8(file ? 1 : 0);
  w.u16(note.length);
  w.bytes(note);
  if (!file) return;
  w.u8(entry.exact ? 1 : 0);
  w.bytes(entry.sha256);
  w.u64(entry.fileBytes);
  w.u32(entry.pages.length);
}

/**
 * Writes a kept file's parts after its records, in an entry starting at byte `at` of the
 * archive: a repeat of an earlier entry's while `records` allows, else as stored.
 */
function writeParts(w: ByteWriter, entry: V2FileEntry, records: ArchiveRecords, at: number): void {
  if (entry.samePartsAs !== undefined && records.partsRepeat(entry.parts.rawBytes, at + w.length)) {
    w.u8(3);
    w.u32(entry.samePartsAs);
    w.u64(entry.parts.rawBytes);
    w.u32(0); // the CRC-32 of no bytes
    w.u64(0);
    return;
  }
  w.u8(entry.parts.method);
  if (DICTIONARY_METHODS.includes(entry.parts.method)) w.u32(entry.parts.dictionaryEntry!);
  w.u64(entry.parts.rawBytes);
  w.u32(entry.parts.crc);
  w.u64(entry.parts.data.length);
  w.bytes(entry.parts.data);
}

/**
 * Reads an entry after its name (archive version 4 or later), the entries before it being
 * `earlier`.
 */
function readEntryKind(
  r: ByteReader,
  name: string,
  layout: RecordLayout,
  deferred: boolean,
  earlier: readonly ParsedV2Entry[],
  records: ArchiveRecords,
  kept: number[],
): ParsedV2Entry {
  const kind = r.u8("entry kind");
  if (kind > 1) throw new FormatError(`entry ${quotedName(name)} is of unknown kind ${kind}`);
  const noteBytes = r.bytes(r.u16("note length"), "note");
  let note: string;
  try {
    note = new TextDecoder("utf-8", { fatal: true }).decode(noteBytes);
  } catch {
    throw new FormatError(`entry ${quotedName(name)} has a note that is not valid UTF-8`);
  }
  if (kind === 0) {
    return { name, ...(note !== "" && { note }), ...records.read(r, layout, deferred) };
  }
  const exact = r.u8("exact flag");
  if (exact > 1) throw new FormatError(`unknown exact flag ${exact}`);
  const sha256 = r.bytes(32, "file SHA-256");
  const fileBytes = r.u64("file length");
  const count = r.u32("page count");
  if (count > MAX_PAGES) {
    throw new FormatError(`a kept file of ${count} pages (at most ${MAX_PAGES})`);
  }
  // A page that repeats an earlier record takes two bytes at least.
  if (
    count * (layout === "packing" ? SAME_AS_RECORD_BYTES : IMAGE_RECORD_BYTES[layout]) > r.remaining
  ) {
    throw new FormatError(`${count} pages cannot fit in the bytes left`);
  }
  const pages: V2ReadImage[] = [];
  for (let i = 0; i < count; i++) pages.push(records.read(r, layout, deferred));
  const at = r.position;
  const method = r.u8("parts method");
  if (method > 5) throw new FormatError(`unknown parts method ${method}`);
  const primed = DICTIONARY_METHODS.includes(method);
  const other = primed || method === 3
    ? r.u32(primed ? "parts dictionary entry" : "parts repeated")
    : 0;
  const otherParts = (earlier[other] as { parts?: StoredParts } | undefined)?.parts;
  if (primed && (otherParts === undefined || !kept.slice(-DICTIONARY_WINDOW).includes(other))) {
    throw new FormatError(
      `entry ${quotedName(name)}: its parts' dictionary, entry ${other}, is not one of the ` +
        `${DICTIONARY_WINDOW} kept files before it`,
    );
  }
  if (method === 3 && (otherParts === undefined || !OWN_METHODS.includes(otherParts.method))) {
    throw new FormatError(
      `entry ${quotedName(name)}: its parts' repeated parts, entry ${other}, is not an earlier ` +
        `kept file with parts stored on their own`,
    );
  }
  const rawBytes = r.u64("parts length");
  const crc = r.u32("parts checksum");
  let got = 0;
  const stored = r.stored(r.u64("stored parts length"), "parts", (p) => got = crc32(p, got));
  if (method === 3) {
    if (rawBytes !== otherParts!.rawBytes || stored.length !== 0) {
      throw new FormatError(
        `entry ${quotedName(name)}: its repeated parts are not of entry ${other}'s length`,
      );
    }
    if (!records.partsRepeat(rawBytes, at)) {
      throw new FormatError(
        `entry ${quotedName(name)}: repeated parts come to more bytes than ${at} bytes of ` +
          `archive can hold`,
      );
    }
  }
  const parts = {
    method,
    ...(primed && { dictionaryEntry: other }),
    ...(method === 3 && { sameAsEntry: other }),
    rawBytes,
    crc,
    data: stored.bytes ?? new Uint8Array(0),
    ...(stored.bytes === undefined && { stored: { at: stored.at, length: stored.length } }),
  };
  const partsIntact = got === crc;
  if (!partsIntact && !deferred) {
    throw new FormatError("file parts are damaged (checksum mismatch)");
  }
  kept.push(earlier.length);
  return { name, note, exact: exact === 1, sha256, fileBytes, pages, parts, partsIntact };
}

/**
 * An entry of a `BPA2` archive as read by {@link parseV2Archive}: a coded image (with a note in
 * version 4 and later), or a kept file whose pages are read images.
 *
 * @example
 * ```ts
 * import type { ParsedV2Entry } from "./container.ts";
 * const isFile = (entry: ParsedV2Entry) => "pages" in entry;
 * ```
 */
export type ParsedV2Entry =
  | (V2ReadImage & { name: string; note?: string })
  | (Omit<V2FileEntry, "pages"> & { pages: V2ReadImage[]; partsIntact: boolean });

/**
 * The coded image records of an archive's entries as {@link ArchiveRecords} numbers them: in
 * archive order, an entry of pixels only one, a kept file one per page; each with its entry's
 * index and, of a kept file, its page (from 0).
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { recordsOf, type V2ReadImage } from "./container.ts";
 * const image: V2ReadImage = {
 *   width: 1, height: 1, maxValue: 255, coder: "cm", tileWidth: 1, tileHeight: 1, tiles: [],
 * };
 * const parts = { method: 0, rawBytes: 0, crc: 0, data: new Uint8Array() };
 * const file = {
 *   name: "b.tif", note: "TIFF", exact: true, sha256: new Uint8Array(32), fileBytes: 9,
 *   pages: [image, image], parts, partsIntact: true,
 * };
 * const records = recordsOf([{ name: "a.pgm", ...image }, file]);
 * deepStrictEqual(records.map((r) => [r.entry, r.page]), [[0, undefined], [1, 0], [1, 1]]);
 * ```
 */
export function recordsOf(entries: readonly ParsedV2Entry[]): ArchiveRecord[] {
  return entries.flatMap((entry, i): ArchiveRecord[] =>
    "pages" in entry
      ? entry.pages.map((image, page) => ({ entry: i, page, image }))
      : [{ entry: i, image: entry }]
  );
}

/** A coded image record of an archive ({@link recordsOf}). */
export interface ArchiveRecord {
  /** The index of its entry. */
  entry: number;
  /** Of a kept file, its page (from 0). */
  page?: number;
  /** The record as read. */
  image: V2ReadImage;
}

/**
 * A `BPA2` archive as read by {@link parseV2Archive}.
 *
 * @example
 * ```ts
 * import type { ParsedV2Archive } from "./container.ts";
 * const archive: ParsedV2Archive = { modelHash: new Uint8Array(32), entries: [], intact: true };
 * ```
 */
export interface ParsedV2Archive {
  /** The hash of the model the entries were coded with. */
  modelHash: Uint8Array;
  /** The embedded model file, if any. */
  modelBytes?: Uint8Array;
  /** The entries, each tile with whether its stream checksum matched. */
  entries: ParsedV2Entry[];
  /** Whether the archive checksum matched. */
  intact: boolean;
}

/**
 * Parses a `BPA2` archive, checking every field, the entry names (each safe, all in strictly
 * increasing order, no file also a folder), the tiles' stream checksums and the archive
 * checksum. With
 * `deferChecksums`, a checksum mismatch is recorded (`intact`, each tile's `streamIntact`)
 * instead of thrown, so that the good entries of a damaged archive can still be listed and
 * checked one by one.
 *
 * @throws {FormatError} when the archive is malformed or damaged.
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { parseV2Archive, serializeV2Archive } from "./container.ts";
 * const bytes = serializeV2Archive({ modelHash: new Uint8Array(32), entries: [] });
 * strictEqual(parseV2Archive(bytes).entries.length, 0);
 * ```
 */
export function parseV2Archive(
  bytes: Uint8Array | ByteSource,
  options: { deferChecksums?: boolean } = {},
): ParsedV2Archive {
  const deferred = options.deferChecksums === true;
  // Parse first for a precise message about truncation or structure, then check the CRC (of
  // the bytes the parse went through: a file is read once).
  const r = new ByteReader(bytes);
  const archive = parseV2ArchiveBody(r, deferred);
  const crc = r.checksum();
  const intact = r.u32("archive checksum") === crc;
  r.end();
  checkEntryNames(archive.entries.map((e) => e.name));
  if (!intact && !deferred) throw new FormatError("archive is damaged (archive checksum mismatch)");
  return { ...archive, intact };
}

/** Reads an archive up to its checksum. */
function parseV2ArchiveBody(r: ByteReader, deferred: boolean) {
  r.magic("BPA2");
  const { version, layout } = readImageVersion(r, "BPA2", ARCHIVE_LAYOUTS);
  const flags = r.u16("flags");
  if (flags & ~1) throw new FormatError(`unknown archive flag bits 0x${flags.toString(16)}`);
  const modelHash = r.bytes(32, "model hash");
  const modelLength = r.u32("model length");
  if ((flags & 1) === 0 && modelLength !== 0) {
    throw new FormatError("model length must be 0 when no model is embedded");
  }
  const modelBytes = flags & 1 ? r.bytes(modelLength, "embedded model") : undefined;
  const count = r.u32("image count");
  const entries: ParsedV2Archive["entries"] = [];
  const records = new ArchiveRecords();
  const kept: number[] = []; // the indices of the kept files so far
  for (let i = 0; i < count; i++) {
    const name = readEntryName(r, i);
    entries.push(
      version === 3
        ? { name, ...readCoded(r, layout, deferred) }
        : readEntryKind(r, name, layout, deferred, entries, records, kept),
    );
  }
  return { modelHash, modelBytes, entries };
}
