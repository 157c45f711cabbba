/**
 * DICOM RLE Lossless frames (PS3.5 Annex G): a 64-byte header (the number of segments and each
 * segment's offset, little-endian u32), then one segment per byte of a sample, most significant
 * first, each the bytes of that plane in PackBits runs, padded to an even length. Frames are
 * decoded to their samples as stored (little-endian), and encoded as DCMTK's `dcmcrle` encodes
 * them: row by row, runs of three or more bytes (two at the end of a row) repeated, the rest
 * literal, at most 128 bytes a run; so that a file DCMTK wrote can be rebuilt byte for byte.
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
 * const frame = encodeRleFrame(samples, { width: 4, height: 1, bytes: 2 });
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
 * Encodes samples as stored (little-endian, `bytes` each) as an RLE frame, as DCMTK does.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { encodeRleFrame } from "./dicom_rle.ts";
 * const frame = encodeRleFrame(new Uint8Array(100).fill(7), { width: 10, height: 10, bytes: 1 });
 * strictEqual(frame.length, 64 + 20); // ten rows, each one repeated run of two bytes
 * ```
 */
export function encodeRleFrame(
  samples: Uint8Array,
  shape: { width: number; height: number; bytes: 1 | 2 },
): Uint8Array {
  const { width, height, bytes } = shape;
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
    if ((w.length - offsets[s]) % 2 === 1) w.u8(0);
  }
  const frame = w.finish();
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  offsets.forEach((offset, s) => view.setUint32(4 + 4 * s, offset, true));
  return frame.slice();
}

/**
 * PackBits runs of one row as DCMTK writes them: a run of three or more equal bytes (or two,
 * ending the row) repeated, shorter runs gathered into literals; runs and literals of at most 128.
 */
function packRow(w: ByteWriter, row: Uint8Array): void {
  let literal = 0; // bytes gathered before `i` into the literal not yet written
  let i = 0;
  const flush = (end: number) => {
    for (let from = end - literal; from < end;) {
      const n = Math.min(128, end - from);
      w.u8(n - 1);
      w.bytes(row.subarray(from, from + n));
      from += n;
    }
    literal = 0;
  };
  while (i < row.length) {
    let run = 1;
    while (i + run < row.length && row[i + run] === row[i] && run < 128) run++;
    if (run > 2 || (run === 2 && i + run === row.length)) {
      flush(i);
      w.u8(257 - run);
      w.u8(row[i]);
    } else {
      // DCMTK writes a literal when it reaches 128 bytes, so they split at multiples of 128.
      literal += run;
      if (literal >= 128) {
        const keep = literal - 128;
        literal = 128;
        flush(i + run - keep);
        literal = keep;
      }
    }
    i += run;
  }
  flush(i);
}
