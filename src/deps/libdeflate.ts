/**
 * libdeflate, Eric Biggers' whole-buffer DEFLATE compressor, built to WebAssembly (`libdeflate`
 * on npm, compression only), in one place so that replacing it is a one-file change. libtiff
 * 4.x compresses Deflate strips and tiles through it when it is built with it (as Debian's is):
 * its output differs from zlib's, and only it gives those bytes back.
 *
 * @module
 */
// The source runs from a URL, so the package is named in full here (no import map).
// deno-lint-ignore no-import-prefix
import { zlib } from "npm:libdeflate@0.1.0";

/** libdeflate's compression levels: 1 (fastest) to 12 (smallest). */
export const LIBDEFLATE_LEVELS = 12;

/**
 * Compresses `data` into a zlib stream (RFC 1950) as libdeflate does at `level` (1…12).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { libdeflateZlib } from "./libdeflate.ts";
 * const stream = libdeflateZlib(new Uint8Array(1000), 6);
 * strictEqual(stream[0], 0x78); // a zlib header
 * strictEqual(stream.length < 100, true);
 * ```
 */
export function libdeflateZlib(data: Uint8Array, level: number): Uint8Array {
  return zlib(data, level);
}
