/**
 * The chunk layer of PNG files: the signature, and chunks read one at a time with their lengths
 * and CRCs checked.
 *
 * @module
 */
import { crc32 } from "../crc32.ts";
import { FormatError, quotedFileText } from "../errors.ts";

/** The eight bytes every PNG file starts with. */
export const PNG_SIGNATURE: Uint8Array = new Uint8Array([
  0x89,
  0x50,
  0x4e,
  0x47,
  0x0d,
  0x0a,
  0x1a,
  0x0a,
]);
/** Largest chunk length PNG allows (2^31 − 1). */
const MAX_CHUNK_LENGTH = 0x7fffffff;

/**
 * Tells whether the bytes start like a PNG file (`\x89PNG`), damaged signatures included, so
 * that such a file is reported as a damaged PNG rather than as an unknown format.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { looksLikePng } from "./png_chunks.ts";
 * strictEqual(looksLikePng(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 13, 10, 26, 10])), true);
 * strictEqual(looksLikePng(new TextEncoder().encode("P5 1 1 255 ")), false);
 * ```
 */
export function looksLikePng(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && PNG_SIGNATURE.subarray(0, 4).every((b, i) => bytes[i] === b);
}

/**
 * One chunk: its four-letter type and its data (a view into the file).
 *
 * @example
 * ```ts
 * import type { PngChunk } from "./png_chunks.ts";
 * const chunk: PngChunk = { type: "IEND", data: new Uint8Array(0) };
 * ```
 */
export interface PngChunk {
  /** The chunk type, e.g. `IHDR`. */
  type: string;
  /** The chunk's data bytes. */
  data: Uint8Array;
}

/**
 * Reads the chunks of a PNG file in order, checking the signature first and each chunk's length,
 * type letters and CRC.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { PngChunkReader } from "./png_chunks.ts";
 * const file = new Uint8Array([
 *   0x89, 0x50, 0x4e, 0x47, 13, 10, 26, 10, // signature
 *   0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82, // IEND
 * ]);
 * const reader = new PngChunkReader(file);
 * strictEqual(reader.next().type, "IEND");
 * strictEqual(reader.remaining, 0);
 * ```
 */
export class PngChunkReader {
  readonly #bytes: Uint8Array;
  readonly #view: DataView;
  #at = PNG_SIGNATURE.length;

  /** Checks the signature of `bytes`. */
  constructor(bytes: Uint8Array) {
    if (!looksLikePng(bytes)) throw new FormatError("not a PNG image");
    if (bytes.length < 8 || !PNG_SIGNATURE.every((b, i) => bytes[i] === b)) {
      throw new FormatError(
        "PNG signature is damaged (the file was probably transferred as text, changing line ends)",
      );
    }
    this.#bytes = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** Bytes after the chunks read so far. */
  get remaining(): number {
    return this.#bytes.length - this.#at;
  }

  /** Reads the next chunk. */
  next(): PngChunk {
    const at = this.#at;
    if (this.#bytes.length - at < 12) throw new FormatError("PNG file is truncated");
    const length = this.#view.getUint32(at);
    const typeBytes = this.#bytes.subarray(at + 4, at + 8);
    const type = String.fromCharCode(...typeBytes);
    if (!/^[A-Za-z]{4}$/.test(type)) {
      throw new FormatError(`PNG file is corrupt (chunk type ${quotedFileText(type)})`);
    }
    if (length > MAX_CHUNK_LENGTH) {
      throw new FormatError(`PNG file is corrupt (${type} chunk length ${length})`);
    }
    if (this.#bytes.length - at - 12 < length) {
      throw new FormatError(`PNG file is truncated (in its ${type} chunk)`);
    }
    const data = this.#bytes.subarray(at + 8, at + 8 + length);
    const stored = this.#view.getUint32(at + 8 + length);
    if (crc32(this.#bytes.subarray(at + 4, at + 8 + length)) !== stored) {
      throw new FormatError(`PNG file is damaged (${type} chunk CRC mismatch)`);
    }
    this.#at = at + 12 + length;
    return { type, data };
  }
}

/**
 * Writes one chunk: its length, type, data and CRC.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { PNG_SIGNATURE, PngChunkReader, writePngChunk } from "./png_chunks.ts";
 * const file = new Uint8Array([...PNG_SIGNATURE, ...writePngChunk("IEND")]);
 * deepStrictEqual(new PngChunkReader(file).next(), { type: "IEND", data: new Uint8Array(0) });
 * ```
 */
export function writePngChunk(type: string, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(new TextEncoder().encode(type), 4);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/**
 * The 13 bytes of an IHDR chunk's data (compression and filter method 0).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { pngHeaderData } from "./png_chunks.ts";
 * const data = pngHeaderData(640, 480, 8, 0);
 * strictEqual(new DataView(data.buffer).getUint32(4), 480);
 * strictEqual(data[8], 8);
 * ```
 */
export function pngHeaderData(
  width: number,
  height: number,
  depth: number,
  colorType: number,
  interlace = 0,
): Uint8Array {
  const data = new Uint8Array(13);
  const view = new DataView(data.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  data.set([depth, colorType, 0, 0, interlace], 8);
  return data;
}
