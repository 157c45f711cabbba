/**
 * Where the samples of an image file lie, when the file keeps them uncompressed: runs of stored
 * samples. One description serves both directions — reading the pixels out of the file, and
 * writing them back into the file's other bytes to rebuild it byte for byte.
 *
 * @module
 */
import { FormatError } from "../errors.ts";
import type { GrayImage } from "./gray_image.ts";

/**
 * How a page's samples are stored in its file.
 *
 * A stored sample `s` (1 or 2 bytes) holds the value in its low `bits` bits; the image sample is
 * `s & (2^bits − 1)` when unsigned, and that value with its top bit flipped when signed (two's
 * complement shifted by `2^(bits−1)`, so −2048…2047 in 12 bits becomes 0…4095). Written back, a
 * signed value is sign-extended to the stored width, an unsigned one left with zero high bits.
 *
 * @example
 * ```ts
 * import type { StoredSamples } from "./sample_runs.ts";
 * const ct: StoredSamples = { bytes: 2, bigEndian: false, bits: 12, signed: true };
 * ```
 */
export interface StoredSamples {
  /** Bytes a stored sample takes: 1 or 2. */
  bytes: 1 | 2;
  /** Whether a 2-byte sample is stored most significant byte first. */
  bigEndian: boolean;
  /** Bits that hold the value, 1…8 × `bytes`. */
  bits: number;
  /** Whether the stored values are two's complement. */
  signed: boolean;
}

/**
 * `count` consecutive samples of page `page`, from its sample `first` (row-major), stored from
 * byte `offset` of the file.
 *
 * @example
 * ```ts
 * import type { SampleRun } from "./sample_runs.ts";
 * const strip: SampleRun = { page: 0, offset: 8, first: 0, count: 640 * 16 };
 * ```
 */
export interface SampleRun {
  /** Index of the page. */
  page: number;
  /** Byte offset of the run's first sample in the file. */
  offset: number;
  /** Index of the run's first sample in the page, row-major. */
  first: number;
  /** Samples in the run. */
  count: number;
}

/**
 * Where every sample of a file's pages lies: the pages' storage, and runs at non-overlapping
 * places of the file that together cover every sample of every page once.
 *
 * @example
 * ```ts
 * import type { SampleLayout } from "./sample_runs.ts";
 * const layout: SampleLayout = {
 *   stored: [{ bytes: 1, bigEndian: false, bits: 8, signed: false }],
 *   runs: [{ page: 0, offset: 11, first: 0, count: 6 }],
 * };
 * ```
 */
export interface SampleLayout {
  /** How each page's samples are stored. */
  stored: StoredSamples[];
  /** The runs, in increasing order of `offset`. */
  runs: SampleRun[];
}

/**
 * The largest image value a page stored as `stored` can hold.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { maxValueOf } from "./sample_runs.ts";
 * strictEqual(maxValueOf({ bytes: 2, bigEndian: false, bits: 12, signed: true }), 4095);
 * ```
 */
export function maxValueOf(stored: StoredSamples): number {
  return 2 ** stored.bits - 1;
}

/**
 * Checks that `layout` is sound for pages of the given sizes within a file of `fileBytes`
 * bytes: storage widths in range, runs in order, inside the file, not overlapping, and covering
 * every sample of every page exactly once. Returns the runs' total bytes.
 *
 * @throws {FormatError} naming what is wrong (a reader's layout from a hostile file).
 * @example
 * ```ts
 * import { strictEqual, throws } from "node:assert/strict";
 * import { checkSampleLayout } from "./sample_runs.ts";
 * const stored = [{ bytes: 2 as const, bigEndian: true, bits: 16, signed: false }];
 * const runs = [{ page: 0, offset: 4, first: 0, count: 3 }];
 * strictEqual(checkSampleLayout({ stored, runs }, [3], 10), 6);
 * throws(() => checkSampleLayout({ stored, runs }, [3], 9), /past the end/);
 * ```
 */
export function checkSampleLayout(
  layout: SampleLayout,
  pageSamples: readonly number[],
  fileBytes: number,
): number {
  const { stored, runs } = layout;
  if (stored.length !== pageSamples.length) throw new FormatError("one storage a page is needed");
  for (const s of stored) {
    if ((s.bytes !== 1 && s.bytes !== 2) || s.bits < 1 || s.bits > 8 * s.bytes) {
      throw new FormatError(`unsupported sample storage of ${s.bytes} bytes, ${s.bits} bits`);
    }
  }
  const covered = pageSamples.map(() => 0);
  let end = 0;
  let total = 0;
  for (const run of runs) {
    const s = stored[run.page];
    if (s === undefined) throw new FormatError(`sample run of page ${run.page}, which is absent`);
    const length = run.count * s.bytes;
    if (run.offset < end) throw new FormatError("sample runs overlap or are out of order");
    if (run.offset + length > fileBytes) throw new FormatError("pixel data runs past the end");
    if (run.first + run.count > pageSamples[run.page]) {
      throw new FormatError("a sample run runs past the end of its page");
    }
    end = run.offset + length;
    total += length;
    covered[run.page] += run.count;
  }
  // Counts add up and no run leaves its page (readers make runs that do not overlap in a page;
  // a rebuilt file is checked against its hash in any case).
  for (const [page, samples] of pageSamples.entries()) {
    if (covered[page] !== samples) {
      throw new FormatError(`the pixel data of page ${page + 1} is incomplete`);
    }
  }
  return total;
}

/**
 * Reads the samples of `runs` from `bytes` into the pages (whose `data` the runs fill).
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { readSampleRuns } from "./sample_runs.ts";
 * const page = { width: 2, height: 1, maxValue: 4095, data: new Uint16Array(2) };
 * const stored = [{ bytes: 2 as const, bigEndian: false, bits: 12, signed: true }];
 * // −1 and 5 as little-endian int16
 * readSampleRuns(new Uint8Array([0xff, 0xff, 5, 0]), { stored, runs: [
 *   { page: 0, offset: 0, first: 0, count: 2 },
 * ] }, [page]);
 * deepStrictEqual(page.data, new Uint16Array([2047, 2053]));
 * ```
 */
export function readSampleRuns(
  bytes: Uint8Array,
  layout: SampleLayout,
  pages: readonly GrayImage[],
): void {
  for (const run of layout.runs) {
    const s = layout.stored[run.page];
    const data = pages[run.page].data;
    const mask = 2 ** s.bits - 1;
    const flip = s.signed ? 2 ** (s.bits - 1) : 0;
    const end = run.first + run.count;
    let at = run.offset;
    if (s.bytes === 1) {
      for (let i = run.first; i < end; i++) data[i] = (bytes[at++] & mask) ^ flip;
    } else {
      const high = s.bigEndian ? 0 : 1;
      for (let i = run.first; i < end; i++, at += 2) {
        data[i] = (((bytes[at + high] << 8) | bytes[at + 1 - high]) & mask) ^ flip;
      }
    }
  }
}

/**
 * Writes the pages' samples back where `runs` say, into `bytes` (the inverse of
 * {@link readSampleRuns} for files whose unused high bits are zero or sign copies).
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { writeSampleRuns } from "./sample_runs.ts";
 * const page = { width: 2, height: 1, maxValue: 4095, data: new Uint16Array([2047, 2053]) };
 * const stored = [{ bytes: 2 as const, bigEndian: false, bits: 12, signed: true }];
 * const bytes = new Uint8Array(4);
 * writeSampleRuns(bytes, { stored, runs: [{ page: 0, offset: 0, first: 0, count: 2 }] }, [page]);
 * deepStrictEqual(bytes, new Uint8Array([0xff, 0xff, 5, 0]));
 * ```
 */
export function writeSampleRuns(
  bytes: Uint8Array,
  layout: SampleLayout,
  pages: readonly GrayImage[],
): void {
  for (const run of layout.runs) {
    const s = layout.stored[run.page];
    const data = pages[run.page].data;
    const flip = s.signed ? 2 ** (s.bits - 1) : 0;
    // A signed value's sign bit, copied into every stored bit above `bits`.
    const extend = s.signed ? (2 ** (8 * s.bytes) - 1) - (2 ** s.bits - 1) : 0;
    const sign = flip;
    const end = run.first + run.count;
    let at = run.offset;
    if (s.bytes === 1) {
      for (let i = run.first; i < end; i++) {
        const v = data[i] ^ flip;
        bytes[at++] = v & sign ? v | extend : v;
      }
    } else {
      const high = s.bigEndian ? 0 : 1;
      for (let i = run.first; i < end; i++, at += 2) {
        let v = data[i] ^ flip;
        if (v & sign) v |= extend;
        bytes[at + high] = v >> 8;
        bytes[at + 1 - high] = v & 255;
      }
    }
  }
}
