/**
 * TIFF images: 8- and 16-bit gray (one sample a pixel, unsigned or signed), in strips or tiles,
 * uncompressed or compressed with LZW, Deflate or PackBits (with or without the horizontal
 * predictor), one page per IFD.
 *
 * bpcodec reads TIFF itself rather than through a general TIFF library: a strictly lossless
 * codec must refuse a truncated strip, an unknown compression or a strip that decodes short,
 * where general readers fill in zeros and carry on. Samples are the stored values: a
 * WhiteIsZero page is not inverted, a signed page (SampleFormat 2) is shifted by half its range.
 *
 * @module
 */
import { FormatError } from "../errors.ts";
import type { GrayImage } from "./gray_image.ts";
import { type ImagePages, MAX_PAGES } from "./image_pages.ts";
import { checkPagesLimit, checkPixelLimit, type ImageLimits } from "./limits.ts";
import {
  checkSampleLayout,
  maxValueOf,
  readSampleRuns,
  type SampleLayout,
  type SampleRun,
  type StoredSamples,
  writeSampleRuns,
} from "./sample_runs.ts";
import { decompress, TIFF_COMPRESSIONS, undoDifferences } from "./tiff_codecs.ts";

const COMPRESSION_NAMES: Record<number, string> = {
  2: "CCITT modified Huffman",
  3: "CCITT Group 3",
  4: "CCITT Group 4",
  6: "old-style JPEG",
  7: "JPEG",
  34712: "JPEG 2000",
  34887: "LERC",
  34925: "LZMA",
  50000: "Zstandard",
  50001: "WebP",
  50002: "JPEG XL",
};

/**
 * Whether the bytes start like a TIFF file (`II*\0` or `MM\0*`, or the BigTIFF variants).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { isTiff } from "./tiff.ts";
 * strictEqual(isTiff(new Uint8Array([0x49, 0x49, 42, 0])), true);
 * ```
 */
export function isTiff(bytes: Uint8Array): boolean {
  if (bytes.length < 4) return false;
  const little = bytes[0] === 0x49 && bytes[1] === 0x49;
  const big = bytes[0] === 0x4d && bytes[1] === 0x4d;
  const magic = little ? bytes[2] | (bytes[3] << 8) : (bytes[2] << 8) | bytes[3];
  return (little || big) && (magic === 42 || magic === 43);
}

/** The fields of one IFD bpcodec reads, each as its list of values. */
type Fields = Map<number, number[]>;

const TYPE_BYTES: Record<number, number> = { 1: 1, 3: 2, 4: 4, 6: 1, 8: 2, 9: 4, 16: 8 };
/** Tags whose values are read (the others are bytes of the file, kept as they are). */
const READ_TAGS = new Set([
  256,
  257,
  258,
  259,
  262,
  266,
  273,
  277,
  278,
  279,
  284,
  317,
  322,
  323,
  324,
  325,
  339,
]);

class TiffReader {
  readonly bytes: Uint8Array;
  readonly little: boolean;
  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
    this.little = bytes[0] === 0x49;
  }
  u16(at: number): number {
    const b = this.bytes;
    if (at + 2 > b.length) throw truncated();
    return this.little ? b[at] | (b[at + 1] << 8) : (b[at] << 8) | b[at + 1];
  }
  u32(at: number): number {
    const b = this.bytes;
    if (at + 4 > b.length) throw truncated();
    return this.little
      ? (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16)) + b[at + 3] * 2 ** 24
      : ((b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) + b[at] * 2 ** 24;
  }
  /** Reads the IFD at `at`: its fields and the offset of the next IFD (0 at the end). */
  ifd(at: number): { fields: Fields; next: number } {
    const count = this.u16(at);
    const fields: Fields = new Map();
    for (let i = 0; i < count; i++) {
      const entry = at + 2 + 12 * i;
      const tag = this.u16(entry);
      if (!READ_TAGS.has(tag)) continue;
      const type = this.u16(entry + 2);
      const n = this.u32(entry + 4);
      const size = TYPE_BYTES[type];
      if (size === undefined || size === 8) {
        throw new FormatError(`TIFF field ${tag} has unexpected type ${type}`);
      }
      let where = entry + 8;
      if (n * size > 4) {
        where = this.u32(entry + 8);
        if (where + n * size > this.bytes.length) throw truncated();
      }
      const values: number[] = new Array(n);
      for (let k = 0; k < n; k++) {
        values[k] = size === 1
          ? this.bytes[where + k]
          : size === 2
          ? this.u16(where + 2 * k)
          : this.u32(where + 4 * k);
      }
      fields.set(tag, values);
    }
    return { fields, next: this.u32(at + 2 + 12 * count) };
  }
}

function truncated(): FormatError {
  return new FormatError("TIFF file is truncated");
}

/**
 * A page's geometry and coding: its size, sample storage, compression and predictor, and its
 * strips or tiles (blocks).
 *
 * @example
 * ```ts
 * import type { TiffPage } from "./tiff.ts";
 * const page: TiffPage = {
 *   width: 640, height: 480, stored: { bytes: 1, bigEndian: false, bits: 8, signed: false },
 *   compression: 5, predictor: 2, blockWidth: 640, blockHeight: 16, tiled: false,
 * };
 * ```
 */
export interface TiffPage {
  /** Samples per row. */
  width: number;
  /** Rows. */
  height: number;
  /** How a sample is stored. */
  stored: StoredSamples;
  /** The TIFF compression code. */
  compression: number;
  /** 1 none, 2 horizontal differences. */
  predictor: number;
  /** Width and height of a strip or tile (a strip is as wide as the page). */
  blockWidth: number;
  /** Rows of a strip, or of a tile. */
  blockHeight: number;
  /** Tiles rather than strips. */
  tiled: boolean;
}

/**
 * Where a TIFF's compressed strips and tiles lie: its pages, and each block's place (in
 * increasing order of offset, not overlapping).
 *
 * @example
 * ```ts
 * import type { TiffBlocks } from "./tiff.ts";
 * const blocks: TiffBlocks = { pages: [], blocks: [{ page: 0, index: 0, offset: 8, bytes: 100 }] };
 * ```
 */
export interface TiffBlocks {
  /** The pages. */
  pages: TiffPage[];
  /** Each block: its page, its number in the page (raster order), where and how long it is. */
  blocks: { page: number; index: number; offset: number; bytes: number }[];
}

/** One page as read: its geometry and coding, and where its blocks lie. */
interface PageShape extends TiffPage {
  offsets: number[];
  counts: number[];
}

function one(fields: Fields, tag: number, fallback?: number): number {
  const values = fields.get(tag);
  if (values === undefined || values.length === 0) {
    if (fallback === undefined) throw new FormatError(`TIFF page has no field ${tag}`);
    return fallback;
  }
  return values[0];
}

function shapeOf(r: TiffReader, fields: Fields, page: number, limits: ImageLimits): PageShape {
  const where = `TIFF page ${page + 1}`;
  const unsupported = (what: string) =>
    new FormatError(
      `${where} is ${what}: only 8- and 16-bit gray pages are supported`,
      "unsupported",
    );
  const width = one(fields, 256);
  const height = one(fields, 257);
  if (width === 0 || height === 0) throw new FormatError(`${where} has zero size`);
  const spp = one(fields, 277, 1);
  const photometric = one(fields, 262, 1);
  const bitsList = fields.get(258) ?? [1];
  const bits = bitsList[0];
  const format = one(fields, 339, 1);
  if (spp !== 1 || (photometric !== 0 && photometric !== 1)) {
    throw unsupported(
      photometric === 3
        ? "a palette image"
        : `in colour (photometric ${photometric}, ${spp} samples a pixel)`,
    );
  }
  if (format === 3) throw unsupported("floating point");
  if (format !== 1 && format !== 2) throw unsupported(`of sample format ${format}`);
  if (bits !== 8 && bits !== 16) throw unsupported(`${bits}-bit`);
  if (one(fields, 266, 1) !== 1) {
    throw unsupported("stored with bits in reverse order (FillOrder 2)");
  }
  const compression = one(fields, 259, 1);
  if (!(compression in TIFF_COMPRESSIONS)) {
    const name = COMPRESSION_NAMES[compression] ?? `compression ${compression}`;
    throw new FormatError(
      `${where} is compressed with ${name}, which bpcodec does not read`,
      "unsupported",
    );
  }
  const predictor = compression === 1 ? 1 : one(fields, 317, 1);
  if (predictor !== 1 && predictor !== 2) {
    throw new FormatError(
      `${where} uses predictor ${predictor}, which bpcodec does not read`,
      "unsupported",
    );
  }
  checkPixelLimit(width, height, limits);
  const tiled = fields.has(322);
  const blockWidth = tiled ? one(fields, 322) : width;
  const blockHeight = tiled ? one(fields, 323) : Math.min(one(fields, 278, height), height);
  if (blockWidth === 0 || blockHeight === 0) {
    throw new FormatError(`${where} has empty tiles or strips`);
  }
  if (blockWidth * blockHeight > 4 * width * height + (1 << 20)) {
    throw new FormatError(`${where} has tiles far larger than the page`);
  }
  const blocks = Math.ceil(width / blockWidth) * Math.ceil(height / blockHeight);
  const offsets = fields.get(tiled ? 324 : 273);
  if (offsets === undefined || offsets.length !== blocks) {
    throw new FormatError(
      `${where} has ${offsets?.length ?? 0} ${tiled ? "tile" : "strip"} offsets for ${blocks} ${
        tiled ? "tiles" : "strips"
      }`,
    );
  }
  const stored: StoredSamples = {
    bytes: bits === 8 ? 1 : 2,
    bigEndian: !r.little,
    bits,
    signed: format === 2,
  };
  const blockBytes = blockWidth * blockHeight * stored.bytes;
  let counts = fields.get(tiled ? 325 : 279);
  if (counts === undefined && compression === 1 && !tiled) {
    counts = offsets.map(() => blockBytes); // old writers leave it out for uncompressed strips
  }
  if (counts === undefined || counts.length !== blocks) {
    throw new FormatError(
      `${where} has no byte count for each of its ${blocks} ${tiled ? "tiles" : "strips"}`,
    );
  }
  for (let i = 0; i < blocks; i++) {
    if (offsets[i] + counts[i] > r.bytes.length) {
      throw new FormatError(
        `${where}: ${tiled ? "tile" : "strip"} ${i + 1} runs past the end of the file`,
      );
    }
  }
  return {
    width,
    height,
    stored,
    compression,
    predictor,
    blockWidth,
    blockHeight,
    tiled,
    offsets,
    counts,
  };
}

/**
 * The part of strip or tile `block` that lies inside its page: where it starts, and its size.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { blockArea } from "./tiff.ts";
 * const page = { width: 100, height: 50, blockWidth: 64, blockHeight: 64 };
 * deepStrictEqual(blockArea(page, 1), { x: 64, y: 0, width: 36, height: 50 });
 * ```
 */
export function blockArea(
  shape: Pick<TiffPage, "width" | "height" | "blockWidth" | "blockHeight">,
  block: number,
): { x: number; y: number; width: number; height: number } {
  const across = Math.ceil(shape.width / shape.blockWidth);
  const x = (block % across) * shape.blockWidth;
  const y = Math.floor(block / across) * shape.blockHeight;
  return {
    x,
    y,
    width: Math.min(shape.blockWidth, shape.width - x),
    height: Math.min(shape.blockHeight, shape.height - y),
  };
}

/** The sample runs of an uncompressed page: one a strip, or one a row of each tile. */
function runsOf(shape: PageShape, page: number): SampleRun[] {
  const runs: SampleRun[] = [];
  const rowBytes = shape.blockWidth * shape.stored.bytes;
  for (const [block, offset] of shape.offsets.entries()) {
    const area = blockArea(shape, block);
    if (shape.counts[block] < (area.height - 1) * rowBytes + area.width * shape.stored.bytes) {
      throw new FormatError(
        `TIFF page ${page + 1}: ${shape.tiled ? "tile" : "strip"} ${block + 1} is truncated`,
      );
    }
    if (!shape.tiled) {
      runs.push({ page, offset, first: area.y * shape.width, count: area.height * shape.width });
      continue;
    }
    for (let row = 0; row < area.height; row++) {
      runs.push({
        page,
        offset: offset + row * rowBytes,
        first: (area.y + row) * shape.width + area.x,
        count: area.width,
      });
    }
  }
  return runs;
}

/**
 * Reads every page of a TIFF file, with where the samples lie when every page is uncompressed.
 *
 * @throws {FormatError} for malformed or truncated files, pages bpcodec does not read (colour,
 *   palette, 1-bit, floating point, other compressions: code `unsupported`, saying which), and
 *   pages over the pixel limit (`too-large`).
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { readTiff } from "./tiff.ts";
 * // little-endian, one IFD at 8 of 4 fields: 2×1 pixels, 8 bits, strip at 62
 * const file = new Uint8Array([0x49, 0x49, 42, 0, 8, 0, 0, 0, 4, 0,
 *   0, 1, 3, 0, 1, 0, 0, 0, 2, 0, 0, 0, 1, 1, 3, 0, 1, 0, 0, 0, 1, 0, 0, 0,
 *   2, 1, 3, 0, 1, 0, 0, 0, 8, 0, 0, 0, 17, 1, 4, 0, 1, 0, 0, 0, 62, 0, 0, 0,
 *   0, 0, 0, 0, 7, 9]);
 * deepStrictEqual(readTiff(file).pages[0].data, new Uint16Array([7, 9]));
 * ```
 */
export function readTiff(bytes: Uint8Array, limits: ImageLimits = {}): ImagePages {
  if (!isTiff(bytes)) throw new FormatError("not a TIFF file");
  const r = new TiffReader(bytes);
  if (r.u16(2) === 43) throw new FormatError("BigTIFF files are not supported", "unsupported");
  const shapes: PageShape[] = [];
  const seen = new Set<number>();
  for (let at = r.u32(4); at !== 0;) {
    if (seen.has(at)) throw new FormatError("TIFF pages form a loop");
    if (shapes.length === MAX_PAGES) {
      throw new FormatError(`TIFF file of more than ${MAX_PAGES} pages`);
    }
    seen.add(at);
    const { fields, next } = r.ifd(at);
    shapes.push(shapeOf(r, fields, shapes.length, limits));
    at = next;
  }
  if (shapes.length === 0) throw new FormatError("TIFF file without pages");
  checkPagesLimit(shapes, limits);
  const pages: GrayImage[] = shapes.map((s) => ({
    width: s.width,
    height: s.height,
    maxValue: maxValueOf(s.stored),
    data: new Uint16Array(0),
    ...(s.stored.signed && { signed: true }),
  }));
  const compressed = shapes.find((s) => s.compression !== 1);
  if (compressed === undefined) {
    const runs = shapes.flatMap((shape, page) => runsOf(shape, page)).sort((a, b) =>
      a.offset - b.offset
    );
    const layout: SampleLayout = { stored: shapes.map((s) => s.stored), runs };
    checkSampleLayout(layout, pages.map((p) => p.width * p.height), bytes.length);
    for (const page of pages) page.data = new Uint16Array(page.width * page.height);
    readSampleRuns(bytes, layout, pages);
    return { format: "tiff", pages, layout };
  }
  const blocks: TiffBlocks = {
    pages: shapes.map(({ offsets: _, counts: __, ...page }) => page),
    blocks: shapes.flatMap((shape, page) =>
      shape.offsets.map((offset, index) => ({ page, index, offset, bytes: shape.counts[index] }))
    ).sort((a, b) => a.offset - b.offset),
  };
  for (const page of pages) page.data = new Uint16Array(page.width * page.height);
  for (const block of blocks.blocks) {
    const raw = readTiffBlock(bytes, blocks, block);
    blockSamples(raw, blocks.pages[block.page], block.index, pages[block.page], "read");
  }
  const overlap = blocks.blocks.some((b, k) =>
    k > 0 && b.offset < blocks.blocks[k - 1].offset + blocks.blocks[k - 1].bytes
  );
  return {
    format: "tiff",
    pages,
    ...(overlap ? {} : { blocks }),
    noLayout: `its ${compressed.tiled ? "tiles are" : "strips are"} ${
      TIFF_COMPRESSIONS[compressed.compression]
    }-compressed`,
  };
}

/**
 * The bytes of a strip or tile uncompressed: rows × bytes a row (a tile's every row; a strip's
 * rows inside the page).
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { blockShape } from "./tiff.ts";
 * const page = { width: 100, height: 50, blockWidth: 100, blockHeight: 16, tiled: false,
 *   stored: { bytes: 2 as const, bigEndian: false, bits: 16, signed: false } };
 * deepStrictEqual(blockShape(page, 3), { rows: 2, rowBytes: 200 });
 * ```
 */
export function blockShape(
  page: Pick<TiffPage, "width" | "height" | "blockWidth" | "blockHeight" | "tiled" | "stored">,
  index: number,
): { rows: number; rowBytes: number } {
  const rows = page.tiled ? page.blockHeight : blockArea(page, index).height;
  return { rows, rowBytes: page.blockWidth * page.stored.bytes };
}

/**
 * Decompresses a strip or tile and undoes its predictor: its stored samples, padding included.
 *
 * @throws {FormatError} when it is damaged or decodes short.
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { readTiffBlock } from "./tiff.ts";
 * const page = { width: 3, height: 1, blockWidth: 3, blockHeight: 1, tiled: false, predictor: 2,
 *   compression: 32773, stored: { bytes: 1 as const, bigEndian: false, bits: 8, signed: false } };
 * const file = new Uint8Array([0xfe, 4]); // PackBits: 4, 4, 4; differences of 4, 8, 12
 * const block = { page: 0, index: 0, offset: 0, bytes: 2 };
 * deepStrictEqual(readTiffBlock(file, { pages: [page], blocks: [block] }, block), new Uint8Array([4, 8, 12]));
 * ```
 */
export function readTiffBlock(
  bytes: Uint8Array,
  layout: TiffBlocks,
  block: TiffBlocks["blocks"][number],
): Uint8Array {
  const page = layout.pages[block.page];
  const { rows, rowBytes } = blockShape(page, block.index);
  const raw = new Uint8Array(rows * rowBytes);
  const what = `TIFF page ${block.page + 1}: ${page.tiled ? "tile" : "strip"} ${block.index + 1}`;
  const input = bytes.subarray(block.offset, block.offset + block.bytes);
  const made = decompress(page.compression, input, raw, what);
  if (made < raw.length) {
    throw new FormatError(`${what} decodes short (${made} of ${raw.length} bytes)`);
  }
  if (page.predictor === 2) undoDifferences(raw, rowBytes, rows, page.stored);
  return raw;
}

/**
 * Reads the samples of block `index`'s area out of its uncompressed bytes into `image`
 * (`read`), or writes them from `image` into the bytes (`write`).
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { blockSamples } from "./tiff.ts";
 * const page = { width: 3, height: 1, blockWidth: 4, blockHeight: 1,
 *   stored: { bytes: 1 as const, bigEndian: false, bits: 8, signed: false } };
 * const image = { width: 3, height: 1, maxValue: 255, data: new Uint16Array(3) };
 * blockSamples(new Uint8Array([1, 2, 3, 0]), page, 0, image, "read");
 * deepStrictEqual(image.data, new Uint16Array([1, 2, 3]));
 * ```
 */
export function blockSamples(
  raw: Uint8Array,
  page: Pick<TiffPage, "width" | "height" | "blockWidth" | "blockHeight" | "stored">,
  index: number,
  image: GrayImage,
  direction: "read" | "write",
): void {
  const area = blockArea(page, index);
  const rowBytes = page.blockWidth * page.stored.bytes;
  const layout: SampleLayout = { stored: [page.stored], runs: [] };
  for (let row = 0; row < area.height; row++) {
    layout.runs.push({
      page: 0,
      offset: row * rowBytes,
      first: (area.y + row) * page.width + area.x,
      count: area.width,
    });
  }
  if (direction === "read") readSampleRuns(raw, layout, [image]);
  else writeSampleRuns(raw, layout, [image]);
}
