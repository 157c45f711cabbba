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
import { ByteReader, ByteWriter } from "../bytes.ts";
import { FormatError } from "../errors.ts";
import type { GrayImage } from "../image/gray_image.ts";
import { describePages, isImageFile, readImagePages } from "../image/image_file.ts";
import type { ImageLimits } from "../image/limits.ts";
import {
  checkSampleLayout,
  type SampleLayout,
  type StoredSamples,
  writeSampleRuns,
} from "../image/sample_runs.ts";
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
  | { kind: "whole"; bytes: Uint8Array };

/**
 * A file as an archive keeps it.
 *
 * @example
 * ```ts
 * import type { SplitFile } from "./file_parts.ts";
 * const split: SplitFile = {
 *   pages: [], parts: { kind: "whole", bytes: new Uint8Array(3) }, note: "not an image",
 * };
 * ```
 */
export interface SplitFile {
  /** The pages whose pixels the model codes (none for a file kept whole). */
  pages: GrayImage[];
  /** What the file keeps besides them; absent when only the pixels can be kept. */
  parts?: FileParts;
  /** A few words on how the file is kept, for listings. */
  note: string;
}

/**
 * Splits a file into its pages' pixels and the rest: by its parts when it is an image file that
 * can be rebuilt byte for byte, whole when it is not an image or bpcodec does not read it, and as
 * pixels only (no `parts`) when it is a PNG whose image data cannot be reproduced.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { splitFile } from "./file_parts.ts";
 * const pgm = new TextEncoder().encode("P5\n# scanned 2024\n2 1\n255\n\x07\x09");
 * const split = splitFile(pgm);
 * strictEqual(split.parts?.kind, "runs");
 * strictEqual(split.pages[0].data[1], 9);
 * strictEqual(splitFile(new TextEncoder().encode("notes")).parts?.kind, "whole");
 * ```
 */
export function splitFile(bytes: Uint8Array, limits: ImageLimits = {}): SplitFile {
  const whole = (note: string): SplitFile => ({ pages: [], parts: { kind: "whole", bytes }, note });
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
    return { pages, parts: runParts(bytes, layout, pages), note: what };
  }
  if (format === "png") {
    const png = pngParts(bytes, pages[0]);
    if ("why" in png) return { pages, note: `pixels only: ${png.why}` };
    return { pages, parts: { kind: "png", png }, note: what };
  }
  return whole(`kept whole: ${noLayout}`);
}

/** The parts of a file around its sample runs. */
function runParts(bytes: Uint8Array, layout: SampleLayout, pages: GrayImage[]): FileParts {
  const gaps = new ByteWriter();
  let at = 0;
  for (const run of layout.runs) {
    gaps.bytes(bytes.subarray(at, run.offset));
    at = run.offset + run.count * layout.stored[run.page].bytes;
  }
  gaps.bytes(bytes.subarray(at));
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
    gaps: gaps.finish(),
    difference: differs ? difference.finish() : undefined,
  };
}

/**
 * The length of the file that `parts` rebuild with pages of the given sizes.
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
  if (parts.kind === "png") return rebuiltPngBytes(parts.png);
  const { runs, stored } = parts.layout;
  const runBytes = runs.reduce((n, r) => n + r.count * (stored[r.page]?.bytes ?? 0), 0);
  return parts.gaps.length + runBytes;
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
  if (parts.kind === "png") {
    const { filters, depth, interlaced } = parts.png;
    if (
      pages.length !== 1 || filters.length !== pngRowCount(pages[0], interlaced) ||
      pages[0].maxValue >= 2 ** depth
    ) {
      throw new FormatError("the PNG's parts do not fit its image");
    }
    return rebuildPng(pages[0], parts.png);
  }
  const { layout, gaps, difference } = parts;
  // Checked before anything is allocated: the runs cover the pages, whose size is known.
  const length = rebuiltBytes(parts);
  checkSampleLayout(layout, pages.map((p) => p.width * p.height), length);
  const out = new Uint8Array(length);
  let from = 0;
  let at = 0;
  for (const run of layout.runs) {
    out.set(gaps.subarray(from, from + run.offset - at), at);
    from += run.offset - at;
    at = run.offset + run.count * layout.stored[run.page].bytes;
  }
  out.set(gaps.subarray(from), at);
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

const KIND_CODES = { whole: 0, runs: 1, png: 2 } as const;

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
  } else if (parts.kind === "runs") {
    const { stored, runs } = parts.layout;
    w.u32(stored.length);
    for (const s of stored) {
      w.u8(s.bytes);
      w.u8(s.bits);
      w.u8((s.bigEndian ? 1 : 0) | (s.signed ? 2 : 0));
    }
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
    w.u8(settings.level);
    w.u8(settings.windowBits);
    w.u8(settings.memLevel);
    w.u8(settings.strategy);
    w.u32(filters.length);
    w.bytes(filters);
  }
  return w.finish();
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
  if (kind === KIND_CODES.runs) {
    const stored: StoredSamples[] = [];
    const pageCount = r.u32("page count");
    for (let i = 0; i < pageCount; i++) {
      const size = range(r.u8("sample bytes"), 1, 2, "sample bytes") as 1 | 2;
      const bits = range(r.u8("sample bits"), 1, 8 * size, "sample bits");
      const flags = range(r.u8("sample flags"), 0, 3, "sample flags");
      stored.push({ bytes: size, bits, bigEndian: (flags & 1) !== 0, signed: (flags & 2) !== 0 });
    }
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
  const settings = {
    level: range(r.u8("level"), 0, 9, "level"),
    windowBits: range(r.u8("window bits"), 8, 15, "window bits"),
    memLevel: range(r.u8("memory level"), 1, 9, "memory level"),
    strategy: range(r.u8("strategy"), 0, 4, "strategy"),
  };
  const filters = r.bytes(r.u32("filter count"), "filters");
  r.end();
  for (const f of filters) range(f, 0, 4, "row filter");
  return {
    kind: "png",
    png: { before, after, idatSizes, filters, depth, interlaced, settings },
  };
}
