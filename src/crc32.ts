/**
 * CRC-32 (IEEE 802.3, the one zlib and PNG use).
 *
 * @module
 */

const TABLE = new Int32Array(256);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  TABLE[n] = c;
}

/**
 * Computes the CRC-32 of `data`, continuing from `crc` (the value of an earlier call) if given.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { crc32 } from "./crc32.ts";
 * strictEqual(crc32(new TextEncoder().encode("123456789")).toString(16), "cbf43926");
 * ```
 */
export function crc32(data: Uint8Array, crc = 0): number {
  let c = ~crc;
  for (let i = 0; i < data.length; i++) c = TABLE[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}
