/**
 * A file's parts besides its pixels as an archive stores them: zlib-compressed when that is
 * smaller, with their uncompressed length and the CRC-32 of the bytes stored (which the archive
 * reader checks), expanded never past the length stored.
 *
 * @module
 */
import { crc32 } from "../crc32.ts";
import { zlibDeflate } from "../deps/zlib_deflate.ts";
import { FormatError } from "../errors.ts";
import { ZlibStream } from "../image/zlib_stream.ts";

/** The most bytes one byte of DEFLATE data can inflate to (a 258-byte match in 2 bits). */
const MAX_INFLATE_RATIO = 1032;

/**
 * Stored parts: compressed (`method` 1, zlib) or not (0), with the length of the uncompressed
 * bytes and the CRC-32 of the bytes stored.
 *
 * @example
 * ```ts
 * import type { StoredParts } from "./stored_parts.ts";
 * const parts: StoredParts = { method: 0, rawBytes: 1, crc: 0xd202ef8d, data: new Uint8Array(1) };
 * ```
 */
export interface StoredParts {
  /** 0 stored, 1 zlib. */
  method: number;
  /** Bytes of the parts uncompressed. */
  rawBytes: number;
  /** CRC-32 of `data`. */
  crc: number;
  /** The bytes as stored. */
  data: Uint8Array;
}

/**
 * Stores parts, zlib-compressed (level 9) unless that is no smaller.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { storeParts } from "./stored_parts.ts";
 * strictEqual(storeParts(new Uint8Array(1000)).method, 1);
 * strictEqual(storeParts(new Uint8Array([7])).method, 0);
 * ```
 */
export function storeParts(raw: Uint8Array): StoredParts {
  const compressed = zlibDeflate(raw);
  const data = compressed.length < raw.length ? compressed : raw;
  return { method: data === raw ? 0 : 1, rawBytes: raw.length, crc: crc32(data), data };
}

/**
 * Expands stored parts (whose CRC-32 the archive reader has checked), checking their length; a
 * length that the stored bytes cannot make is refused before anything is allocated.
 *
 * @throws {FormatError} for damaged parts.
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { expandParts, storeParts } from "./stored_parts.ts";
 * const raw = new TextEncoder().encode("header ".repeat(50));
 * deepStrictEqual(expandParts(storeParts(raw)), raw);
 * ```
 */
export function expandParts(parts: StoredParts): Uint8Array {
  const { method, rawBytes, data } = parts;
  if (method === 0 ? rawBytes !== data.length : rawBytes > MAX_INFLATE_RATIO * data.length + 64) {
    throw new FormatError(`file parts of ${rawBytes} bytes cannot come from ${data.length} stored`);
  }
  if (method === 0) return data;
  const raw = new Uint8Array(rawBytes);
  let made = 0;
  const zlib = new ZlibStream((piece) => {
    if (made + piece.length > rawBytes) throw new FormatError("file parts are longer than stored");
    raw.set(piece, made);
    made += piece.length;
  });
  zlib.push(data);
  zlib.finish();
  if (made !== rawBytes) throw new FormatError("file parts are shorter than stored");
  return raw;
}
