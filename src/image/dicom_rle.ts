/**
 * DICOM RLE Lossless frames (PS3.5 Annex G): a 64-byte header (the number of segments and each
 * segment's offset, little-endian u32), then one segment per byte of a sample, most significant
 * first, each the bytes of that plane in PackBits runs, row by row. Frames are decoded to their
 * samples as stored (little-endian), and encoded as each of three encoders does, so that a file
 * one of them wrote is rebuilt byte for byte from its pixels ({@link RLE_ENCODERS}).
 *
 * @module
 */
import { ByteWriter } from "../bytes.ts";
import { FormatError } from "../errors.ts";

/** Bytes of a frame's header. */
const HEADER_BYTES = 64;

/**
 * Decodes an RLE frame of `samples` samples of `bytes` bytes (1 or 2) to those samples as stored,
 * little-endian.
 *
 * @throws {FormatError} for a header that does not name one segment per byte of a sample inside
 *   the frame, and a segment that ends before its plane does.
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { decodeRleFrame, encodeRleFrame } from "./dicom_rle.ts";
 * const samples = new Uint8Array([1, 0, 1, 0, 1, 0, 9, 2]); // 1, 1, 1, 521
 * const frame = encodeRleFrame(samples, { width: 4, height: 1, bytes: 2 }, "dcmtk");
 * deepStrictEqual(decodeRleFrame(frame, { samples: 4, bytes: 2 }), samples);
 * ```
 */
export function decodeRleFrame(
  frame: Uint8Array,
  shape: { samples: number; bytes: 1 | 2 },
): Uint8Array {
  const { samples, bytes } = shape;
  if (frame.length < HEADER_BYTES) {
    throw new FormatError("DICOM RLE frame is shorter than its header");
  }
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const count = view.getUint32(0, true);
  if (count !== bytes) {
    throw new FormatError(
      `DICOM RLE frame has ${count} segments, not ${bytes} (one per byte of a sample)`,
    );
  }
  const starts: number[] = [];
  for (let s = 0; s < count; s++) {
    const start = view.getUint32(4 + 4 * s, true);
    if (start < (starts.at(-1) ?? HEADER_BYTES) || start > frame.length) {
      throw new FormatError(`DICOM RLE segment ${s + 1} starts outside its frame (at ${start})`);
    }
    starts.push(start);
  }
  const out = new Uint8Array(samples * bytes);
  for (const [s, start] of starts.entries()) {
    const end = starts[s + 1] ?? frame.length;
    // Segment s holds byte (bytes − 1 − s) of each little-endian sample.
    unpackSegment(frame.subarray(start, end), out, bytes - 1 - s, bytes, s + 1);
  }
  return out;
}

/** Expands a PackBits segment into every `step`-th byte of `out` from `first`. */
function unpackSegment(
  segment: Uint8Array,
  out: Uint8Array,
  first: number,
  step: number,
  number: number,
): void {
  const short = () =>
    new FormatError(`DICOM RLE segment ${number} ends before its plane of samples`);
  const long = () =>
    new FormatError(`DICOM RLE segment ${number} has a run past its plane of samples`);
  let at = first;
  let i = 0;
  while (at < out.length) {
    if (i >= segment.length) throw short();
    const control = segment[i++];
    if (control < 128) {
      const n = control + 1;
      if (i + n > segment.length) throw short();
      if (at + (n - 1) * step >= out.length) throw long();
      for (let k = 0; k < n; k++, at += step) out[at] = segment[i++];
    } else if (control > 128) {
      const n = 257 - control;
      if (i >= segment.length) throw short();
      if (at + (n - 1) * step >= out.length) throw long();
      const value = segment[i++];
      for (let k = 0; k < n; k++, at += step) out[at] = value;
    }
  }
}

/**
 * The RLE encoders whose frames bpcodec writes again, as they write them:
 *
 * - `dcmtk` (DCMTK's `dcmcrle`): a run of three or more equal bytes, or of two ending the row,
 *   repeated; shorter runs gathered into literals, split at 128; each segment padded to an even
 *   length with a zero.
 * - `gdcm` (GDCM's `gdcmconv --rle`): a run of two or more repeated, except that a literal goes on
 *   through a pair followed by another byte within its 128; segments not padded, the frame padded
 *   to an even length with a zero.
 * - `pydicom` (pydicom's own encoder): every run of two or more repeated (128 at most, a last
 *   single byte of a longer run a literal of its own), single bytes gathered into literals split at
 *   128; each segment padded to an even length with a zero.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { RLE_ENCODERS } from "./dicom_rle.ts";
 * strictEqual(RLE_ENCODERS.join(), "dcmtk,gdcm,pydicom");
 * ```
 */
export const RLE_ENCODERS = ["dcmtk", "gdcm", "pydicom"] as const;

/** One of the {@link RLE_ENCODERS}. */
export type RleEncoder = (typeof RLE_ENCODERS)[number];

/**
 * Encodes samples as stored (little-endian, `bytes` each) as an RLE frame, as `encoder` does.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { encodeRleFrame } from "./dicom_rle.ts";
 * const samples = new Uint8Array(100).fill(7);
 * const frame = encodeRleFrame(samples, { width: 10, height: 10, bytes: 1 }, "dcmtk");
 * strictEqual(frame.length, 64 + 20); // ten rows, each one repeated run of two bytes
 * ```
 */
export function encodeRleFrame(
  samples: Uint8Array,
  shape: { width: number; height: number; bytes: 1 | 2 },
  encoder: RleEncoder,
): Uint8Array {
  const { width, height, bytes } = shape;
  const packRow = ROW_PACKERS[encoder];
  const w = new ByteWriter();
  w.u32(bytes);
  w.zeros(HEADER_BYTES - 4);
  const offsets: number[] = [];
  const row = new Uint8Array(width);
  for (let s = 0; s < bytes; s++) {
    offsets.push(w.length);
    const byte = bytes - 1 - s;
    for (let y = 0; y < height; y++) {
      for (let x = 0, at = (y * width) * bytes + byte; x < width; x++, at += bytes) {
        row[x] = samples[at];
      }
      packRow(w, row);
    }
    if (encoder !== "gdcm" && (w.length - offsets[s]) % 2 === 1) w.u8(0);
  }
  if (w.length % 2 === 1) w.u8(0);
  const frame = w.finish();
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  offsets.forEach((offset, s) => view.setUint32(4 + 4 * s, offset, true));
  return frame.slice();
}

/** Writes literal bytes `row[from…to)` as literal runs of at most 128. */
function literals(w: ByteWriter, row: Uint8Array, from: number, to: number): void {
  for (; from < to; from += 128) {
    const n = Math.min(128, to - from);
    w.u8(n - 1);
    w.bytes(row.subarray(from, from + n));
  }
}

/** Writes a repeated run of `n` (2…128) bytes `value`. */
function repeated(w: ByteWriter, value: number, n: number): void {
  w.u8(257 - n);
  w.u8(value);
}

/** The length of the run of bytes equal to `row[at]` from `at`, at most `most`. */
function runAt(row: Uint8Array, at: number, most: number): number {
  let run = 1;
  while (run < most && at + run < row.length && row[at + run] === row[at]) run++;
  return run;
}

/** Each encoder's PackBits runs of one row. */
const ROW_PACKERS: Record<RleEncoder, (w: ByteWriter, row: Uint8Array) => void> = {
  dcmtk(w, row) {
    // Short runs gather into a literal, written whenever it reaches 128 bytes.
    let start = 0; // of the literal not yet written
    for (let i = 0; i < row.length;) {
      const run = runAt(row, i, 128);
      if (run > 2 || (run === 2 && i + run === row.length)) {
        literals(w, row, start, i);
        repeated(w, row[i], run);
        start = i + run;
      } else if (i + run - start >= 128) {
        literals(w, row, start, start + 128);
        start += 128;
      }
      i += run;
    }
    literals(w, row, start, row.length);
  },
  gdcm(w, row) {
    for (let i = 0; i < row.length;) {
      const most = Math.min(128, row.length - i);
      const run = runAt(row, i, most);
      if (run > 1) {
        repeated(w, row[i], run);
        i += run;
        continue;
      }
      // A literal goes on through a pair of equal bytes followed by another byte; it ends before
      // a longer run, or a pair that ends its 128 or the row.
      let count = 1;
      for (; count < most; count++) {
        if (row[i + count] !== row[i + count - 1]) continue;
        if (count + 1 < most && row[i + count] !== row[i + count + 1]) continue;
        count--;
        break;
      }
      literals(w, row, i, i + count);
      i += count;
    }
  },
  pydicom(w, row) {
    let start = 0; // of the single bytes gathered
    for (let i = 0; i < row.length;) {
      const run = runAt(row, i, row.length);
      if (run > 1) {
        literals(w, row, start, i);
        for (let left = run; left > 0; left -= 128) {
          if (left === 1) literals(w, row, i, i + 1);
          else repeated(w, row[i], Math.min(128, left));
        }
        start = i + run;
      }
      i += run;
    }
    literals(w, row, start, row.length);
  },
};
