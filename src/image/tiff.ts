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
import type { ImagePages } from "./image_pages.ts";
import { checkPixelLimit, type ImageLimits } from "./limits.ts";
import {
  checkSampleLayout,
  maxValueOf,
  readSampleRuns,
  type SampleLayout,
  type SampleRun,
  type StoredSamples,
} from "./sample_runs.ts";
import { ZlibStream } from "./zlib_stream.ts";

/** The most pages read from one file. */
const MAX_PAGES = 65536;

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

/** Compressions bpcodec decodes, by TIFF code. */
const COMPRESSIONS: Record<number, string> = {
  1: "uncompressed",
  5: "LZW",
  8: "Deflate",
  32946: "Deflate",
  32773: "PackBits",
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

/** One page's geometry and coding, checked. */
interface PageShape {
  width: number;
  height: number;
  stored: StoredSamples;
  compression: number;
  predictor: number;
  /** Width and height of a strip or tile (a strip is as wide as the page). */
  blockWidth: number;
  blockHeight: number;
  tiled: boolean;
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
  if (!(compression in COMPRESSIONS)) {
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

/** The part of a strip or tile `block` that lies inside its page: where it starts, its size. */
function blockArea(shape: PageShape, block: number) {
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
  const pages: GrayImage[] = shapes.map((s) => ({
    width: s.width,
    height: s.height,
    maxValue: maxValueOf(s.stored),
    data: new Uint16Array(0),
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
  for (const [i, shape] of shapes.entries()) {
    pages[i].data = new Uint16Array(shape.width * shape.height);
    decodeBlocks(bytes, shape, pages[i], i);
  }
  return {
    format: "tiff",
    pages,
    noLayout: `its ${compressed.tiled ? "tiles are" : "strips are"} ${
      COMPRESSIONS[compressed.compression]
    }-compressed`,
  };
}

/** Decompresses every strip or tile of a page into its samples. */
function decodeBlocks(bytes: Uint8Array, shape: PageShape, page: GrayImage, index: number): void {
  const { stored, blockWidth, blockHeight } = shape;
  const rowBytes = blockWidth * stored.bytes;
  const block = new Uint8Array(rowBytes * blockHeight);
  for (const [b, offset] of shape.offsets.entries()) {
    const area = blockArea(shape, b);
    const what = `TIFF page ${index + 1}: ${shape.tiled ? "tile" : "strip"} ${b + 1}`;
    // A strip's last rows may be left out when the strip passes the bottom of the page.
    const needed = shape.tiled ? block.length : area.height * rowBytes;
    const input = bytes.subarray(offset, offset + shape.counts[b]);
    const made = decompress(shape.compression, input, block.subarray(0, needed), what);
    if (made < needed) throw new FormatError(`${what} decodes short (${made} of ${needed} bytes)`);
    if (shape.predictor === 2) undoDifferences(block, rowBytes, area.height, stored);
    const layout: SampleLayout = {
      stored: [stored],
      runs: [],
    };
    for (let row = 0; row < area.height; row++) {
      layout.runs.push({
        page: 0,
        offset: row * rowBytes,
        first: (area.y + row) * shape.width + area.x,
        count: area.width,
      });
    }
    readSampleRuns(block, layout, [page]);
  }
}

/** Undoes the horizontal predictor (each sample stored as its difference from the left one). */
function undoDifferences(
  block: Uint8Array,
  rowBytes: number,
  rows: number,
  stored: StoredSamples,
): void {
  for (let row = 0; row < rows; row++) {
    const start = row * rowBytes;
    if (stored.bytes === 1) {
      for (let i = start + 1; i < start + rowBytes; i++) block[i] = (block[i] + block[i - 1]) & 255;
      continue;
    }
    const high = stored.bigEndian ? 0 : 1;
    let left = (block[start + high] << 8) | block[start + 1 - high];
    for (let i = start + 2; i < start + rowBytes; i += 2) {
      left = (left + ((block[i + high] << 8) | block[i + 1 - high])) & 0xffff;
      block[i + high] = left >> 8;
      block[i + 1 - high] = left & 255;
    }
  }
}

/** Decompresses `input` into `out`, returning the bytes made (at most `out.length`). */
function decompress(compression: number, input: Uint8Array, out: Uint8Array, what: string): number {
  if (compression === 1) {
    out.set(input.subarray(0, out.length));
    return Math.min(input.length, out.length);
  }
  if (compression === 5) return inflateLzw(input, out, what);
  if (compression === 32773) return unpackBits(input, out);
  let made = 0;
  try {
    const zlib = new ZlibStream((piece) => {
      const room = Math.min(piece.length, out.length - made);
      out.set(piece.subarray(0, room), made);
      made += room;
    });
    zlib.push(input);
    zlib.finish();
  } catch (e) {
    throw new FormatError(`${what}: ${(e as Error).message}`);
  }
  return made;
}

/** PackBits: a count byte n, then n + 1 literal bytes (n ≥ 0) or one byte 1 − n times. */
function unpackBits(input: Uint8Array, out: Uint8Array): number {
  let o = 0;
  for (let i = 0; i < input.length && o < out.length;) {
    const n = (input[i++] << 24) >> 24;
    if (n >= 0) {
      const end = Math.min(i + n + 1, input.length);
      const room = Math.min(end - i, out.length - o);
      out.set(input.subarray(i, i + room), o);
      o += room;
      i = end;
    } else if (n !== -128) {
      if (i >= input.length) break;
      const room = Math.min(1 - n, out.length - o);
      out.fill(input[i++], o, o + room);
      o += room;
    }
  }
  return o;
}

/** TIFF's LZW (most significant bit first, code width grown one code early). */
function inflateLzw(input: Uint8Array, out: Uint8Array, what: string): number {
  if (input.length >= 2 && input[0] === 0 && input[1] & 1) {
    throw new FormatError(`${what} uses the old, bit-reversed LZW`, "unsupported");
  }
  const prefix = new Int32Array(4096);
  const suffix = new Uint8Array(4096);
  const first = new Uint8Array(4096);
  const length = new Int32Array(4096);
  for (let i = 0; i < 256; i++) {
    prefix[i] = -1;
    suffix[i] = first[i] = i;
    length[i] = 1;
  }
  let next = 258;
  let width = 9;
  let old = -1;
  let buffer = 0;
  let held = 0;
  let at = 0;
  let o = 0;
  while (o < out.length) {
    while (held < width) {
      if (at >= input.length) return o;
      buffer = ((buffer << 8) | input[at++]) & 0xffffff;
      held += 8;
    }
    const code = (buffer >>> (held - width)) & ((1 << width) - 1);
    held -= width;
    if (code === 257) break;
    if (code === 256) {
      next = 258;
      width = 9;
      old = -1;
      continue;
    }
    if (old === -1) {
      if (code > 255) throw new FormatError(`${what}: bad LZW code ${code}`);
      out[o++] = code;
      old = code;
      continue;
    }
    let emit = code;
    let tail = -1;
    if (code === next) {
      emit = old;
      tail = first[old];
    } else if (code > next) {
      throw new FormatError(`${what}: bad LZW code ${code}`);
    }
    const n = length[emit];
    // The string of `emit` is written backwards from its end; bytes past `out` are dropped.
    for (let c = emit, p = o + n - 1; c !== -1; c = prefix[c], p--) {
      if (p < out.length) out[p] = suffix[c];
    }
    o = Math.min(o + n, out.length);
    if (tail !== -1 && o < out.length) out[o++] = tail;
    if (next < 4096) {
      prefix[next] = old;
      suffix[next] = first[code === next ? old : code];
      first[next] = first[old];
      length[next] = length[old] + 1;
      next++;
      if (next >= (1 << width) - 1 && width < 12) width++;
    }
    old = code;
  }
  return o;
}
