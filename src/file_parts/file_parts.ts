/**
 * A file split into the pixels of its pages (coded by the model) and its other parts (kept with
 * a general compressor), and rebuilt from them byte for byte.
 *
 * - An image file that stores its samples uncompressed (binary PGM, uncompressed TIFF, native
 *   DICOM, FITS) keeps every byte outside its sample runs, and, where a stored sample holds more
 *   than its value (bits above the bits stored that are neither zero nor sign copies), the
 *   difference.
 * - A gray PNG keeps its bytes around the image data, each row's filter type and the zlib
 *   setting that reproduces its image data.
 * - Any other file is kept whole.
 *
 * @module
 */
import { ByteReader, ByteWriter, sameValues } from "../bytes.ts";
import { LIBDEFLATE_LEVELS } from "../deps/libdeflate.ts";
import type { ZlibSettings } from "../deps/zlib_deflate.ts";
import { FormatError } from "../errors.ts";
import type { GrayImage } from "../image/gray_image.ts";
import { describePages, isImageFile, readImagePages } from "../image/image_file.ts";
import type { ImageLimits } from "../image/limits.ts";
import {
  encodeFrame,
  encodersOf,
  FRAME_ENCODERS,
  type FrameEncoder,
  loadFrameEncoder,
} from "../image/dicom_frames.ts";
import type { EncapsulatedFrames } from "../image/image_pages.ts";
import {
  checkSampleLayout,
  type SampleLayout,
  type StoredSamples,
  writeSampleRuns,
} from "../image/sample_runs.ts";
import {
  blockArea,
  blockSamples,
  blockShape,
  readTiffBlock,
  type TiffBlocks,
  type TiffPage,
} from "../image/tiff.ts";
import {
  applyDifferences,
  compress,
  TIFF_COMPRESSIONS,
  type TiffCoding,
} from "../image/tiff_codecs.ts";
import { zlibSettingOf } from "./zlib_settings.ts";
import {
  type PngParts,
  pngParts,
  pngRowCount,
  rebuildPng,
  rebuiltPngBytes,
} from "./png_rebuild.ts";

/**
 * What a file keeps besides its pages' pixels.
 *
 * @example
 * ```ts
 * import type { FileParts } from "./file_parts.ts";
 * const parts: FileParts = { kind: "whole", bytes: new TextEncoder().encode("notes") };
 * ```
 */
export type FileParts =
  | {
    kind: "runs";
    layout: SampleLayout;
    /** The file's bytes outside the sample runs, in order. */
    gaps: Uint8Array;
    /** Each run's stored bytes XOR those rewritten from the pixels, when any is not zero. */
    difference?: Uint8Array;
  }
  | { kind: "png"; png: PngParts }
  | {
    kind: "tiff";
    layout: TiffBlocks;
    /** How each page's blocks are compressed again to the same bytes. */
    codings: TiffCoding[];
    /** The file's bytes outside the blocks, in order. */
    gaps: Uint8Array;
    /** The uncompressed blocks' bytes outside the page (tile padding), in block order. */
    padding: Uint8Array;
  }
  | {
    kind: "frames";
    layout: EncapsulatedFrames;
    /** The encoder whose frames these are. */
    encoder: FrameEncoder;
    /** The file's bytes outside the frames, in order. */
    gaps: Uint8Array;
  }
  | { kind: "whole"; bytes: Uint8Array };

/**
 * A file as an archive keeps it.
 *
 * @example
 * ```ts
 * import type { SplitFile } from "./file_parts.ts";
 * const split: SplitFile = {
 *   pages: [], exact: true, parts: { kind: "whole", bytes: new Uint8Array(3) }, note: "not an image",
 * };
 * ```
 */
export interface SplitFile {
  /** The pages whose pixels the model codes (none for a file kept whole). */
  pages: GrayImage[];
  /**
   * Whether `parts` rebuild the file byte for byte (else: its pixels and other chunks, a PNG
   * whose image data no zlib setting reproduces).
   */
  exact: boolean;
  /** What the file keeps besides them. */
  parts: FileParts;
  /** A few words on how the file is kept, for listings. */
  note: string;
}

/**
 * Splits a file into its pages' pixels and the rest: by its parts when it is an image file that
 * can be rebuilt byte for byte, whole when it is not an image or bpcodec does not read it; a PNG
 * whose image data no zlib setting reproduces (or whose palette gives a gray two indices) keeps
 * its pixels and chunks (`exact` false).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { splitFile } from "./file_parts.ts";
 * const pgm = new TextEncoder().encode("P5\n# scanned 2024\n2 1\n255\n\x07\x09");
 * const split = splitFile(pgm);
 * strictEqual(split.parts.kind, "runs");
 * strictEqual(split.pages[0].data[1], 9);
 * strictEqual(splitFile(new TextEncoder().encode("notes")).parts.kind, "whole");
 * ```
 */
export function splitFile(bytes: Uint8Array, limits: ImageLimits = {}): SplitFile {
  const whole = (note: string): SplitFile => ({
    pages: [],
    exact: true,
    parts: { kind: "whole", bytes },
    note,
  });
  if (!isImageFile(bytes)) return whole("not an image");
  let read;
  try {
    read = readImagePages(bytes, limits);
  } catch (e) {
    if (!(e instanceof FormatError)) throw e;
    return whole(`kept whole: ${e.message}`);
  }
  const { format, pages, layout, noLayout } = read;
  const what = describePages(format, pages.length);
  if (layout !== undefined) {
    return { pages, exact: true, parts: runParts(bytes, layout, pages), note: what };
  }
  if (format === "png") {
    const png = pngParts(bytes, pages[0]);
    const parts: FileParts = { kind: "png", png: png.parts };
    if (png.exact) return { pages, exact: true, parts, note: what };
    return { pages, exact: false, parts, note: `pixels and chunks: ${png.why}` };
  }
  if (read.frames) {
    const frames = frameParts(bytes, read.frames, pages);
    if (frames) {
      return {
        pages,
        exact: true,
        parts: frames,
        note: `${what}, ${noLayout} (${frames.encoder})`,
      };
    }
    const by = read.frames.codec === "rle" ? "DCMTK's, GDCM's or pydicom's encoder" : "CharLS";
    return whole(`kept whole: ${noLayout}, not rebuilt by ${by}`);
  }
  const tiff = read.blocks && tiffParts(bytes, read.blocks);
  if (tiff) return { pages, exact: true, parts: tiff, note: `${what}, ${noLayout}` };
  return whole(`kept whole: ${noLayout}, not rebuilt by libtiff's or zlib's encoders`);
}

/** A page's samples as a compressed frame stores them (little-endian), from its pixels. */
function frameSamples(page: GrayImage, stored: StoredSamples): Uint8Array {
  const count = page.width * page.height;
  const raw = new Uint8Array(count * stored.bytes);
  writeSampleRuns(raw, { stored: [stored], runs: [{ page: 0, offset: 0, first: 0, count }] }, [
    page,
  ]);
  return raw;
}

/** A page's frame, encoded from its pixels as `encoder` does. */
function frameOf(page: GrayImage, layout: EncapsulatedFrames, encoder: FrameEncoder): Uint8Array {
  const { width, height } = page;
  const { stored, codedBits } = layout;
  const shape = { width, height, bits: codedBits, bytes: stored.bytes };
  return encodeFrame(frameSamples(page, stored), shape, encoder);
}

/**
 * The parts of a DICOM file of compressed frames, when one of the encoders of their codec writes
 * every frame back to the stored bytes from its pixels; undefined otherwise.
 */
function frameParts(
  bytes: Uint8Array,
  layout: EncapsulatedFrames,
  pages: GrayImage[],
): Extract<FileParts, { kind: "frames" }> | undefined {
  const stored = (i: number) => {
    const { offset, bytes: length } = layout.frames[i];
    return bytes.subarray(offset, offset + length);
  };
  const encoder = encodersOf(layout.codec).find((encoder) =>
    layout.frames.every((_, i) => sameValues(frameOf(pages[i], layout, encoder), stored(i)))
  );
  if (encoder === undefined) return undefined;
  return { kind: "frames", layout, encoder, gaps: gapsAround(bytes, layout.frames) };
}

/** Rebuilds a DICOM file of compressed frames from its pages and parts. */
function rebuildFrames(
  parts: Extract<FileParts, { kind: "frames" }>,
  pages: readonly GrayImage[],
): Uint8Array {
  const { layout, gaps } = parts;
  if (layout.frames.length !== pages.length) {
    throw new FormatError("the DICOM's parts do not fit its frames (frame count)");
  }
  // Checked before anything is allocated: frames in order, none longer than eight bytes a stored
  // byte (RLE takes at most a little more than one; JPEG-LS escape codes at most eight).
  let end = 0;
  for (const [i, frame] of layout.frames.entries()) {
    const samples = pages[i].width * pages[i].height;
    if (frame.offset < end || frame.bytes > 1024 + 8 * layout.stored.bytes * samples) {
      throw new FormatError("the DICOM's parts do not fit its frames");
    }
    end = frame.offset + frame.bytes;
  }
  const out = new Uint8Array(rebuiltBytes(parts));
  fillGaps(out, gaps, layout.frames);
  for (const [i, frame] of layout.frames.entries()) {
    const coded = frameOf(pages[i], layout, parts.encoder);
    if (coded.length !== frame.bytes) {
      throw new FormatError("a rebuilt DICOM frame has another length than the stored one");
    }
    out.set(coded, frame.offset);
  }
  return out;
}

/** The bytes of `bytes` outside the given ranges (in increasing order, not overlapping). */
function gapsAround(bytes: Uint8Array, ranges: { offset: number; bytes: number }[]): Uint8Array {
  const gaps = new ByteWriter();
  let at = 0;
  for (const range of ranges) {
    gaps.bytes(bytes.subarray(at, range.offset));
    at = range.offset + range.bytes;
  }
  gaps.bytes(bytes.subarray(at));
  return gaps.finish();
}

/** Writes `gaps` into `out` around the ranges (the inverse of {@link gapsAround}). */
function fillGaps(out: Uint8Array, gaps: Uint8Array, ranges: { offset: number; bytes: number }[]) {
  let from = 0;
  let at = 0;
  for (const range of ranges) {
    out.set(gaps.subarray(from, from + range.offset - at), at);
    from += range.offset - at;
    at = range.offset + range.bytes;
  }
  out.set(gaps.subarray(from), at);
}

/** Each byte of a block's uncompressed bytes outside its page (tile padding): a mask. */
function paddingMask(page: TiffPage, index: number): Uint8Array {
  const { rows, rowBytes } = blockShape(page, index);
  const area = blockArea(page, index);
  const mask = new Uint8Array(rows * rowBytes).fill(1);
  for (let row = 0; row < area.height; row++) {
    mask.fill(0, row * rowBytes, row * rowBytes + area.width * page.stored.bytes);
  }
  return mask;
}

/**
 * The parts of a TIFF of compressed blocks, when libtiff's encoders (zlib at some setting or
 * libdeflate at some level, for Deflate) compress every block's bytes back to the stored ones;
 * undefined otherwise.
 */
function tiffParts(bytes: Uint8Array, layout: TiffBlocks): FileParts | undefined {
  // Each page's codings that gave back every block so far (its first block's candidates first).
  const codings: (TiffCoding[] | undefined)[] = layout.pages.map(() => undefined);
  const padding = new ByteWriter();
  for (const block of layout.blocks) {
    const page = layout.pages[block.page];
    const raw = readTiffBlock(bytes, layout, block);
    const stored = bytes.subarray(block.offset, block.offset + block.bytes);
    const { rowBytes } = blockShape(page, block.index);
    const differenced = raw.slice();
    if (page.predictor === 2) {
      applyDifferences(differenced, rowBytes, raw.length / rowBytes, page.stored);
    }
    const left = codings[block.page]?.filter((coding) =>
      givesBack(differenced, rowBytes, coding, stored)
    ) ?? tiffCandidates(page.compression, differenced, rowBytes, stored);
    if (left.length === 0) {
      return undefined;
    }
    codings[block.page] = left;
    const mask = paddingMask(page, block.index);
    for (let i = 0; i < raw.length; i++) {
      if (mask[i]) {
        padding.u8(raw[i]);
      }
    }
  }
  return {
    kind: "tiff",
    layout,
    codings: codings.map((c, i) => c?.[0] ?? { compression: layout.pages[i].compression }),
    gaps: gapsAround(bytes, layout.blocks),
    padding: padding.finish(),
  };
}

/**
 * The codings that compress a TIFF block of `compression` back to `stored`, among libtiff's
 * LZW (either end rule), PackBits and none, or for Deflate zlib at the setting that gives back
 * `stored` if one does, else libdeflate (libtiff 4's, when built with it) at the levels libtiff
 * uses (7, 6), else, for blocks of at most {@link LIBDEFLATE_TRIAL_BYTES}, at any other level.
 */
function tiffCandidates(
  compression: number,
  data: Uint8Array,
  rowBytes: number,
  stored: Uint8Array,
): TiffCoding[] {
  const giveBack = (codings: TiffCoding[]) =>
    codings.filter((coding) => givesBack(data, rowBytes, coding, stored));
  if (compression === 5) {
    return giveBack([{ compression, lzwGrowsAtEnd: true }, { compression, lzwGrowsAtEnd: false }]);
  }
  if (compression === 32773 || compression === 1) return giveBack([{ compression }]);
  const zlib = zlibSettingOf(data, stored);
  if (zlib !== undefined) return [{ compression, zlib }];
  const likely = giveBack([7, 6].map((libdeflate) => ({ compression, libdeflate })));
  if (likely.length > 0 || data.length > LIBDEFLATE_TRIAL_BYTES) return likely;
  const levels = Array.from({ length: LIBDEFLATE_LEVELS }, (_, k) => k + 1);
  return giveBack(
    levels.filter((l) => l < 6 || l > 7).map((libdeflate) => ({ compression, libdeflate })),
  );
}

/** Blocks of at most this many bytes are tried at every libdeflate level (12 is slow). */
const LIBDEFLATE_TRIAL_BYTES = 1 << 23;

/**
 * Whether `coding` compresses a TIFF block's `data` to `stored`; not when the compressor fails
 * (libdeflate's memory, 2 GiB, holds blocks of some 900 MB at most).
 */
function givesBack(
  data: Uint8Array,
  rowBytes: number,
  coding: TiffCoding,
  stored: Uint8Array,
): boolean {
  try {
    return sameValues(compress(data, rowBytes, coding), stored);
  } catch (e) {
    if (coding.libdeflate === undefined) throw e;
    return false;
  }
}

/** Rebuilds a TIFF of compressed blocks from its pages and parts. */
function rebuildTiff(
  parts: Extract<FileParts, { kind: "tiff" }>,
  pages: readonly GrayImage[],
): Uint8Array {
  const { layout, codings, gaps, padding } = parts;
  checkTiffLayout(layout, pages);
  const out = new Uint8Array(rebuiltBytes(parts));
  fillGaps(out, gaps, layout.blocks);
  let p = 0;
  for (const block of layout.blocks) {
    const page = layout.pages[block.page];
    const { rows, rowBytes } = blockShape(page, block.index);
    const raw = new Uint8Array(rows * rowBytes);
    const mask = paddingMask(page, block.index);
    for (let i = 0; i < raw.length; i++) if (mask[i]) raw[i] = padding[p++];
    blockSamples(raw, page, block.index, pages[block.page], "write");
    if (page.predictor === 2) applyDifferences(raw, rowBytes, rows, page.stored);
    const coded = compress(raw, rowBytes, codings[block.page]);
    if (coded.length !== block.bytes) {
      throw new FormatError("a rebuilt TIFF block has another length than the stored one");
    }
    out.set(coded, block.offset);
  }
  return out;
}

/**
 * Checks a TIFF block layout read from an archive against the decoded pages before anything is
 * allocated for it: page sizes, block sizes bounded by the page's, blocks in order, inside their
 * page's grid.
 */
function checkTiffLayout(layout: TiffBlocks, pages: readonly GrayImage[]): void {
  const bad = (what: string) => new FormatError(`the TIFF's parts do not fit its pages (${what})`);
  if (layout.pages.length !== pages.length) throw bad("page count");
  for (const [i, page] of layout.pages.entries()) {
    if (page.width !== pages[i].width || page.height !== pages[i].height) throw bad("page size");
    if (page.blockWidth * page.blockHeight > 4 * page.width * page.height + (1 << 20)) {
      throw bad("block size");
    }
  }
  let end = 0;
  for (const block of layout.blocks) {
    const page = layout.pages[block.page];
    if (page === undefined || block.offset < end) throw bad("block order");
    const across = Math.ceil(page.width / page.blockWidth);
    if (block.index >= across * Math.ceil(page.height / page.blockHeight)) throw bad("block");
    end = block.offset + block.bytes;
  }
}

/** The byte ranges of a layout's sample runs. */
function runRanges(layout: SampleLayout): { offset: number; bytes: number }[] {
  return layout.runs.map((run) => ({
    offset: run.offset,
    bytes: run.count * layout.stored[run.page].bytes,
  }));
}

/** The parts of a file around its sample runs. */
function runParts(bytes: Uint8Array, layout: SampleLayout, pages: GrayImage[]): FileParts {
  const gaps = gapsAround(bytes, runRanges(layout));
  const rewritten = new Uint8Array(bytes.length);
  writeSampleRuns(rewritten, layout, pages);
  const difference = new ByteWriter();
  let differs = false;
  for (const run of layout.runs) {
    const end = run.offset + run.count * layout.stored[run.page].bytes;
    for (let i = run.offset; i < end; i++) {
      rewritten[i] ^= bytes[i];
      differs ||= rewritten[i] !== 0;
    }
    difference.bytes(rewritten.subarray(run.offset, end));
  }
  return {
    kind: "runs",
    layout,
    gaps,
    difference: differs ? difference.finish() : undefined,
  };
}

/**
 * The length of the file that `parts` rebuild byte for byte (a PNG kept as pixels and chunks
 * is rebuilt with another length).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { rebuiltBytes } from "./file_parts.ts";
 * strictEqual(rebuiltBytes({ kind: "whole", bytes: new Uint8Array(5) }), 5);
 * ```
 */
export function rebuiltBytes(parts: FileParts): number {
  if (parts.kind === "whole") return parts.bytes.length;
  if (parts.kind === "frames") {
    return parts.gaps.length + parts.layout.frames.reduce((n, f) => n + f.bytes, 0);
  }
  if (parts.kind === "tiff") {
    return parts.gaps.length + parts.layout.blocks.reduce((n, b) => n + b.bytes, 0);
  }
  if (parts.kind === "png") return rebuiltPngBytes(parts.png);
  const { runs, stored } = parts.layout;
  const runBytes = runs.reduce((n, r) => n + r.count * (stored[r.page]?.bytes ?? 0), 0);
  return parts.gaps.length + runBytes;
}

/**
 * Loads what {@link rebuildFile} needs for `parts` beyond this module (which is synchronous):
 * CharLS, for JPEG-LS frames.
 *
 * @example
 * ```ts
 * import { loadCodecsForParts } from "./file_parts.ts";
 * await loadCodecsForParts({ kind: "whole", bytes: new Uint8Array(2) }); // nothing to load
 * ```
 */
export async function loadCodecsForParts(parts: FileParts): Promise<void> {
  if (parts.kind === "frames") await loadFrameEncoder(parts.encoder);
}

/**
 * Rebuilds a file from its pages and parts (the inverse of {@link splitFile}).
 *
 * @throws {FormatError} when the pages do not fit the parts.
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { rebuildFile, splitFile } from "./file_parts.ts";
 * const pgm = new TextEncoder().encode("P5\n# scanned 2024\n2 1\n255\n\x07\x09");
 * const { pages, parts } = splitFile(pgm);
 * deepStrictEqual(rebuildFile(parts!, pages), pgm);
 * ```
 */
export function rebuildFile(parts: FileParts, pages: readonly GrayImage[]): Uint8Array {
  if (parts.kind === "whole") return parts.bytes;
  if (parts.kind === "tiff") return rebuildTiff(parts, pages);
  if (parts.kind === "frames") return rebuildFrames(parts, pages);
  if (parts.kind === "png") {
    const { filters, interlaced } = parts.png;
    if (pages.length !== 1 || filters.length !== pngRowCount(pages[0], interlaced)) {
      throw new FormatError("the PNG's parts do not fit its image");
    }
    return rebuildPng(pages[0], parts.png);
  }
  const { layout, gaps, difference } = parts;
  // Checked before anything is allocated: the runs cover the pages, whose size is known.
  const length = rebuiltBytes(parts);
  checkSampleLayout(layout, pages.map((p) => p.width * p.height), length);
  const out = new Uint8Array(length);
  fillGaps(out, gaps, runRanges(layout));
  writeSampleRuns(out, layout, pages);
  if (difference !== undefined) {
    let d = 0;
    for (const run of layout.runs) {
      const end = run.offset + run.count * layout.stored[run.page].bytes;
      for (let i = run.offset; i < end; i++) out[i] ^= difference[d++];
    }
  }
  return out;
}

const KIND_CODES = { whole: 0, runs: 1, png: 2, tiff: 3, frames: 4 } as const;

/**
 * Serializes parts (as `docs/format-v2.md` lays them out, before compression).
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { parseFileParts, serializeFileParts } from "./file_parts.ts";
 * const parts = { kind: "whole" as const, bytes: new Uint8Array([1, 2]) };
 * deepStrictEqual(parseFileParts(serializeFileParts(parts)), parts);
 * ```
 */
export function serializeFileParts(parts: FileParts): Uint8Array {
  const w = new ByteWriter();
  w.u8(KIND_CODES[parts.kind]);
  if (parts.kind === "whole") {
    w.bytes(parts.bytes);
  } else if (parts.kind === "frames") {
    const { layout, gaps } = parts;
    writeStored(w, layout.stored);
    w.u8(FRAME_ENCODERS.indexOf(parts.encoder));
    w.u8(layout.codedBits);
    w.u32(layout.frames.length);
    for (const frame of layout.frames) {
      w.u64(frame.offset);
      w.u64(frame.bytes);
    }
    w.u64(gaps.length);
    w.bytes(gaps);
  } else if (parts.kind === "tiff") {
    const { layout, codings, gaps, padding } = parts;
    w.u32(layout.pages.length);
    for (const [i, page] of layout.pages.entries()) {
      w.u32(page.width);
      w.u32(page.height);
      writeStored(w, page.stored);
      w.u16(page.compression);
      w.u8(page.predictor);
      w.u32(page.blockWidth);
      w.u32(page.blockHeight);
      w.u8(page.tiled ? 1 : 0);
      const { zlib, libdeflate } = codings[i];
      w.u8(zlib ? 1 : libdeflate ? 2 : 0);
      if (zlib) writeZlibSettings(w, zlib);
      if (libdeflate) w.u8(libdeflate);
      w.u8(codings[i].lzwGrowsAtEnd === false ? 0 : 1);
    }
    w.u32(layout.blocks.length);
    for (const block of layout.blocks) {
      w.u32(block.page);
      w.u32(block.index);
      w.u64(block.offset);
      w.u64(block.bytes);
    }
    w.u64(gaps.length);
    w.bytes(gaps);
    w.u64(padding.length);
    w.bytes(padding);
  } else if (parts.kind === "runs") {
    const { stored, runs } = parts.layout;
    w.u32(stored.length);
    for (const s of stored) writeStored(w, s);
    w.u32(runs.length);
    for (const run of runs) {
      w.u32(run.page);
      w.u64(run.offset);
      w.u64(run.first);
      w.u64(run.count);
    }
    w.u64(parts.gaps.length);
    w.bytes(parts.gaps);
    w.u8(parts.difference ? 1 : 0);
    if (parts.difference) w.bytes(parts.difference);
  } else {
    const { before, after, idatSizes, filters, depth, interlaced, settings } = parts.png;
    w.u32(before.length);
    w.bytes(before);
    w.u32(after.length);
    w.bytes(after);
    w.u32(idatSizes.length);
    for (const size of idatSizes) w.u32(size);
    w.u8(depth);
    w.u8(interlaced ? 1 : 0);
    writeZlibSettings(w, settings);
    w.u32(filters.length);
    w.bytes(filters);
  }
  return w.finish();
}

function writeStored(w: ByteWriter, s: StoredSamples): void {
  w.u8(s.bytes);
  w.u8(s.bits);
  w.u8((s.bigEndian ? 1 : 0) | (s.signed ? 2 : 0));
}

function readStored(r: ByteReader): StoredSamples {
  const size = range(r.u8("sample bytes"), 1, 2, "sample bytes") as 1 | 2;
  const bits = range(r.u8("sample bits"), 1, 8 * size, "sample bits");
  const flags = range(r.u8("sample flags"), 0, 3, "sample flags");
  return { bytes: size, bits, bigEndian: (flags & 1) !== 0, signed: (flags & 2) !== 0 };
}

/** Reads the parts of a TIFF of compressed blocks. */
function readTiffParts(r: ByteReader, total: number): FileParts {
  const pages: TiffPage[] = [];
  const codings: TiffCoding[] = [];
  const pageCount = r.u32("page count");
  if (pageCount * 24 > total) throw new FormatError("file parts: pages are truncated");
  for (let i = 0; i < pageCount; i++) {
    const width = range(r.u32("width"), 1, 2 ** 32 - 1, "width");
    const height = range(r.u32("height"), 1, 2 ** 32 - 1, "height");
    const stored = readStored(r);
    const compression = r.u16("compression");
    if (!(compression in TIFF_COMPRESSIONS)) range(compression, 1, 1, "compression");
    const predictor = range(r.u8("predictor"), 1, 2, "predictor");
    const blockWidth = range(r.u32("block width"), 1, 2 ** 32 - 1, "block width");
    const blockHeight = range(r.u32("block height"), 1, 2 ** 32 - 1, "block height");
    const tiled = range(r.u8("tiled"), 0, 1, "tiled") === 1;
    const deflater = range(r.u8("zlib flag"), 0, 2, "zlib flag");
    const zlib = deflater === 1 ? readZlibSettings(r) : undefined;
    const libdeflate = deflater === 2
      ? range(r.u8("libdeflate level"), 1, LIBDEFLATE_LEVELS, "libdeflate level")
      : undefined;
    const lzwGrowsAtEnd = range(r.u8("LZW end"), 0, 1, "LZW end") === 1;
    pages.push({ width, height, stored, compression, predictor, blockWidth, blockHeight, tiled });
    codings.push({
      compression,
      ...(zlib && { zlib }),
      ...(libdeflate !== undefined && { libdeflate }),
      lzwGrowsAtEnd,
    });
  }
  const blockCount = r.u32("block count");
  if (blockCount * 24 > total) throw new FormatError("file parts: blocks are truncated");
  const blocks = [];
  for (let i = 0; i < blockCount; i++) {
    blocks.push({
      page: r.u32("block page"),
      index: r.u32("block index"),
      offset: r.u64("block offset"),
      bytes: r.u64("block bytes"),
    });
  }
  const gaps = r.bytes(r.u64("gap bytes"), "gaps");
  const padding = r.bytes(r.u64("padding bytes"), "padding");
  r.end();
  return { kind: "tiff", layout: { pages, blocks }, codings, gaps, padding };
}

function writeZlibSettings(w: ByteWriter, settings: ZlibSettings): void {
  for (const v of [settings.level, settings.windowBits, settings.memLevel, settings.strategy]) {
    w.u8(v);
  }
}

function readZlibSettings(r: ByteReader): ZlibSettings {
  return {
    level: range(r.u8("level"), 0, 9, "level"),
    windowBits: range(r.u8("window bits"), 8, 15, "window bits"),
    memLevel: range(r.u8("memory level"), 1, 9, "memory level"),
    strategy: range(r.u8("strategy"), 0, 4, "strategy"),
  };
}

function range(value: number, low: number, high: number, what: string): number {
  if (value < low || value > high) {
    throw new FormatError(`file parts: ${what} ${value} is out of range`);
  }
  return value;
}

/**
 * Parses parts written by {@link serializeFileParts}, checking every field's range; that the
 * parts fit their pages is checked when the file is rebuilt.
 *
 * @throws {FormatError} for malformed parts.
 * @example
 * ```ts
 * import { throws } from "node:assert/strict";
 * import { parseFileParts } from "./file_parts.ts";
 * throws(() => parseFileParts(new Uint8Array([7])), /kind/);
 * ```
 */
export function parseFileParts(bytes: Uint8Array): FileParts {
  const r = new ByteReader(bytes);
  const kind = r.u8("file parts kind");
  if (kind === KIND_CODES.whole) return { kind: "whole", bytes: bytes.subarray(1) };
  if (kind === KIND_CODES.tiff) return readTiffParts(r, bytes.length);
  if (kind === KIND_CODES.frames) {
    const stored = readStored(r);
    if (stored.bigEndian) throw new FormatError("file parts: frame samples are little-endian");
    const last = FRAME_ENCODERS.length - 1;
    const encoder = FRAME_ENCODERS[range(r.u8("frame encoder"), 0, last, "frame encoder")];
    const codedBits = range(r.u8("coded bits"), 2, 8 * stored.bytes, "coded bits");
    const count = r.u32("frame count");
    if (count * 16 > bytes.length) throw new FormatError("file parts: frames are truncated");
    const frames = [];
    for (let i = 0; i < count; i++) {
      frames.push({ offset: r.u64("frame offset"), bytes: r.u64("frame bytes") });
    }
    const gaps = r.bytes(r.u64("gap bytes"), "gaps");
    r.end();
    const codec = encoder === "charls" ? "jpeg-ls" : "rle";
    return { kind: "frames", layout: { codec, stored, codedBits, frames }, encoder, gaps };
  }
  if (kind === KIND_CODES.runs) {
    const stored: StoredSamples[] = [];
    const pageCount = r.u32("page count");
    if (pageCount * 3 > bytes.length) throw new FormatError("file parts: pages are truncated");
    for (let i = 0; i < pageCount; i++) stored.push(readStored(r));
    const runCount = r.u32("run count");
    if (runCount * 28 > bytes.length) throw new FormatError("file parts: runs are truncated");
    const runs = [];
    for (let i = 0; i < runCount; i++) {
      runs.push({
        page: r.u32("run page"),
        offset: r.u64("run offset"),
        first: r.u64("run first sample"),
        count: r.u64("run samples"),
      });
    }
    const gaps = r.bytes(r.u64("gap bytes"), "gaps");
    const hasDifference = range(r.u8("difference flag"), 0, 1, "difference flag");
    const layout = { stored, runs };
    const runBytes = runs.reduce((n, run) => n + run.count * (stored[run.page]?.bytes ?? 0), 0);
    const difference = hasDifference ? r.bytes(runBytes, "difference") : undefined;
    r.end();
    return { kind: "runs", layout, gaps, difference };
  }
  if (kind !== KIND_CODES.png) throw new FormatError(`file parts: unknown kind ${kind}`);
  const before = r.bytes(r.u32("bytes before the image data"), "bytes before the image data");
  const after = r.bytes(r.u32("bytes after the image data"), "bytes after the image data");
  const idatCount = r.u32("IDAT count");
  if (idatCount * 4 > bytes.length) throw new FormatError("file parts: IDAT sizes are truncated");
  const idatSizes = [];
  for (let i = 0; i < idatCount; i++) idatSizes.push(r.u32("IDAT size"));
  const depth = r.u8("bit depth");
  if (![1, 2, 4, 8, 16].includes(depth)) throw new FormatError(`file parts: bit depth ${depth}`);
  const interlaced = range(r.u8("interlace flag"), 0, 1, "interlace flag") === 1;
  const settings = readZlibSettings(r);
  const filters = r.bytes(r.u32("filter count"), "filters");
  r.end();
  for (const f of filters) range(f, 0, 4, "row filter");
  return {
    kind: "png",
    png: { before, after, idatSizes, filters, depth, interlaced, settings },
  };
}
