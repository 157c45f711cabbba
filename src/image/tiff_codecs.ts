/**
 * The codecs of TIFF strips and tiles bpcodec reads — LZW, Deflate and PackBits, and the
 * horizontal predictor — in both directions: decompression for reading, and compression as
 * libtiff does it (LZW, PackBits) or as zlib does it at a given setting (Deflate), so that a file
 * written by libtiff can be rebuilt byte for byte from its pixels.
 *
 * @module
 */
import { libdeflateZlib } from "../deps/libdeflate.ts";
import { zlibDeflater, type ZlibSettings } from "../deps/zlib_deflate.ts";
import { ByteWriter } from "../bytes.ts";
import { FormatError } from "../errors.ts";
import type { StoredSamples } from "./sample_runs.ts";
import { ZlibStream } from "./zlib_stream.ts";

/** TIFF compression codes: none, LZW, Deflate (Adobe and old), PackBits. */
export const TIFF_COMPRESSIONS: Record<number, string> = {
  1: "uncompressed",
  5: "LZW",
  8: "Deflate",
  32946: "Deflate",
  32773: "PackBits",
};

/**
 * Undoes the horizontal predictor (each sample stored as its difference from the left one), in
 * place, row by row.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { undoDifferences } from "./tiff_codecs.ts";
 * const block = new Uint8Array([5, 1, 1, 9, 255]);
 * undoDifferences(block, 5, 1, { bytes: 1, bigEndian: false, bits: 8, signed: false });
 * deepStrictEqual(block, new Uint8Array([5, 6, 7, 16, 15]));
 * ```
 */
export function undoDifferences(
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

/**
 * Decompresses a strip or tile (`compression` a key of {@link TIFF_COMPRESSIONS}) into `out`,
 * returning the bytes made (at most `out.length`; `what` names the block in errors).
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { decompress } from "./tiff_codecs.ts";
 * const out = new Uint8Array(4);
 * decompress(32773, new Uint8Array([0xfd, 7, 0, 9]), out, "strip 1"); // PackBits
 * deepStrictEqual(out, new Uint8Array([7, 7, 7, 7]));
 * ```
 */
export function decompress(
  compression: number,
  input: Uint8Array,
  out: Uint8Array,
  what: string,
): number {
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

/**
 * Applies the horizontal predictor, in place: the inverse of {@link undoDifferences}.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { applyDifferences } from "./tiff_codecs.ts";
 * const block = new Uint8Array([5, 6, 7, 16, 15]);
 * applyDifferences(block, 5, 1, { bytes: 1, bigEndian: false, bits: 8, signed: false });
 * deepStrictEqual(block, new Uint8Array([5, 1, 1, 9, 255]));
 * ```
 */
export function applyDifferences(
  block: Uint8Array,
  rowBytes: number,
  rows: number,
  stored: StoredSamples,
): void {
  for (let row = 0; row < rows; row++) {
    const start = row * rowBytes;
    if (stored.bytes === 1) {
      for (let i = start + rowBytes - 1; i > start; i--) block[i] = (block[i] - block[i - 1]) & 255;
      continue;
    }
    const high = stored.bigEndian ? 0 : 1;
    for (let i = start + rowBytes - 2; i > start; i -= 2) {
      const v = (block[i + high] << 8) | block[i + 1 - high];
      const left = (block[i - 2 + high] << 8) | block[i - 1 - high];
      const d = (v - left) & 0xffff;
      block[i + high] = d >> 8;
      block[i + 1 - high] = d & 255;
    }
  }
}

/** How a strip or tile was compressed, to compress it again to the same bytes. */
export interface TiffCoding {
  /** The TIFF compression code. */
  compression: number;
  /** Deflate: the zlib setting (zlib's compressor). */
  zlib?: ZlibSettings;
  /** Deflate: libdeflate's compression level (1…12), when libdeflate compressed the blocks. */
  libdeflate?: number;
  /**
   * LZW: whether the encoder grows the code width for the final code (libtiff since 4.0.7 does;
   * earlier versions did not).
   */
  lzwGrowsAtEnd?: boolean;
}

/**
 * Compresses a strip or tile as `coding` says (PackBits and LZW as libtiff writes them, a row of
 * `rowBytes` at a time for PackBits).
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { compress, decompress } from "./tiff_codecs.ts";
 * const data = new Uint8Array([1, 1, 1, 2, 3, 4, 4, 4, 4, 4]);
 * for (const coding of [{ compression: 5, lzwGrowsAtEnd: true }, { compression: 32773 }]) {
 *   const out = new Uint8Array(data.length);
 *   decompress(coding.compression, compress(data, data.length, coding), out, "strip 1");
 *   deepStrictEqual(out, data);
 * }
 * ```
 */
export function compress(data: Uint8Array, rowBytes: number, coding: TiffCoding): Uint8Array {
  if (coding.compression === 5) return libtiffLzw(data, coding.lzwGrowsAtEnd ?? true);
  if (coding.compression === 32773) {
    const out = new ByteWriter();
    for (let at = 0; at < data.length; at += rowBytes) {
      libtiffPackBits(data.subarray(at, Math.min(at + rowBytes, data.length)), out);
    }
    return out.finish();
  }
  if (coding.libdeflate !== undefined) return libdeflateZlib(data, coding.libdeflate);
  if (coding.zlib === undefined) {
    throw new FormatError(`cannot compress with ${coding.compression}`);
  }
  const out = new ByteWriter();
  zlibDeflater(coding.zlib, (piece) => out.bytes(piece)).push(data, true);
  return out.finish();
}

/** PackBits as libtiff writes one row: runs of 2…128, literals of 1…128, merging short runs. */
function libtiffPackBits(row: Uint8Array, out: ByteWriter): void {
  // The row's output is built in a small array first: a literal's count byte is raised later.
  const op: number[] = [];
  let lastLiteral = -1;
  let state: "base" | "literal" | "run" | "literalRun" = "base";
  for (let at = 0; at < row.length;) {
    const b = row[at++];
    let n = 1;
    while (at < row.length && row[at] === b) {
      at++;
      n++;
    }
    for (let again = true; again;) {
      again = false;
      if (state === "base" || state === "run" || (state === "literal" && n > 1)) {
        if (n > 1) {
          state = state === "literal" ? "literalRun" : "run";
          if (n > 128) {
            op.push(0x81, b); // -127: a run of 128
            n -= 128;
            again = true;
            continue;
          }
          op.push((1 - n) & 255, b);
        } else {
          lastLiteral = op.length;
          op.push(0, b);
          state = "literal";
        }
      } else if (state === "literal") {
        if (++op[lastLiteral] === 127) state = "base";
        op.push(b);
      } else {
        // A two-byte run between literals becomes part of the literal.
        if (n === 1 && op[op.length - 2] === 255 && op[lastLiteral] < 126) {
          op[lastLiteral] += 2;
          state = op[lastLiteral] === 127 ? "base" : "literal";
          op[op.length - 2] = op[op.length - 1];
        } else {
          state = "run";
        }
        again = true;
      }
    }
  }
  out.bytes(Uint8Array.from(op));
}

const LZW_CLEAR = 256;
const LZW_END = 257;
const LZW_FIRST = 258;
const LZW_MAX_CODE = 4095;
const LZW_HASH_SIZE = 9001;
const LZW_HASH_SHIFT = 5;
const LZW_CHECK_GAP = 10000;

/** LZW as libtiff writes a strip: its hash table, and its resets when the ratio falls. */
function libtiffLzw(data: Uint8Array, growsAtEnd: boolean): Uint8Array {
  const hashes = new Int32Array(LZW_HASH_SIZE).fill(-1);
  const codes = new Uint16Array(LZW_HASH_SIZE);
  const out = new ByteWriter();
  let bits = 9;
  let maxCode = 511;
  let free = LZW_FIRST;
  let buffer = 0;
  let held = 0;
  let inCount = 0;
  let outCount = 0;
  let checkpoint = LZW_CHECK_GAP;
  let ratio = 0;
  const put = (code: number) => {
    buffer = ((buffer << bits) | code) & 0xfffff;
    held += bits;
    while (held >= 8) {
      out.u8((buffer >> (held - 8)) & 255);
      held -= 8;
    }
    outCount += bits;
  };
  const reset = () => {
    hashes.fill(-1);
    ratio = 0;
    inCount = 0;
    outCount = 0;
    free = LZW_FIRST;
    put(LZW_CLEAR);
    bits = 9;
    maxCode = 511;
  };
  let ent = -1;
  if (data.length > 0) {
    put(LZW_CLEAR);
    ent = data[0];
    inCount = 1;
  }
  for (let at = 1; at < data.length; at++) {
    const c = data[at];
    inCount++;
    const fcode = c * 4096 + ent;
    let h = (c << LZW_HASH_SHIFT) ^ ent;
    if (h >= LZW_HASH_SIZE) h -= LZW_HASH_SIZE;
    if (hashes[h] === fcode) {
      ent = codes[h];
      continue;
    }
    let hit = false;
    if (hashes[h] >= 0) {
      const step = h === 0 ? 1 : LZW_HASH_SIZE - h;
      do {
        h -= step;
        if (h < 0) h += LZW_HASH_SIZE;
        if (hashes[h] === fcode) {
          ent = codes[h];
          hit = true;
          break;
        }
      } while (hashes[h] >= 0);
    }
    if (hit) continue;
    put(ent);
    ent = c;
    codes[h] = free++;
    hashes[h] = fcode;
    if (free === LZW_MAX_CODE - 1) {
      reset();
    } else if (free > maxCode) {
      bits++;
      maxCode = (1 << bits) - 1;
    } else if (inCount >= checkpoint) {
      checkpoint = inCount + LZW_CHECK_GAP;
      const now = inCount > 0x7fffff
        ? (outCount >> 8 === 0 ? 0x7fffffff : Math.floor(inCount / (outCount >> 8)))
        : Math.floor((inCount * 256) / outCount);
      if (now <= ratio) reset();
      else ratio = now;
    }
  }
  if (ent !== -1) {
    put(ent);
    free++;
    if (growsAtEnd) {
      if (free === LZW_MAX_CODE - 1) {
        put(LZW_CLEAR);
        bits = 9;
      } else if (free > maxCode) {
        bits++;
      }
    }
  }
  put(LZW_END);
  if (held > 0) out.u8((buffer << (8 - held)) & 255);
  return out.finish();
}
