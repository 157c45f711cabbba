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

/** The CRC polynomial, reflected. */
const POLYNOMIAL = 0xedb88320;

/** `a · b` modulo the CRC polynomial (bits reflected: bit 31 is x^0). */
function multiplyModP(a: number, b: number): number {
  let product = 0;
  for (let m = 0x80000000; m !== 0; m >>>= 1) {
    if (a & m) product ^= b;
    b = b & 1 ? (b >>> 1) ^ POLYNOMIAL : b >>> 1;
  }
  return product >>> 0;
}

/** `X_POWERS[k]` = x^(2^k) modulo the CRC polynomial (reflected), k = 0…63. */
const X_POWERS = new Uint32Array(64);
X_POWERS[0] = 0x40000000;
for (let k = 1; k < 64; k++) X_POWERS[k] = multiplyModP(X_POWERS[k - 1], X_POWERS[k - 1]);

/**
 * The CRC-32 of `a` followed by `b` from the CRC-32s of both and the length of `b` (zlib's
 * `crc32_combine`), in time logarithmic in that length: a field written before `b` can be changed
 * afterwards without reading `b` again.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { crc32, crc32Combine } from "./crc32.ts";
 * const a = new TextEncoder().encode("1234");
 * const b = new TextEncoder().encode("56789");
 * strictEqual(crc32Combine(crc32(a), crc32(b), b.length).toString(16), "cbf43926");
 * ```
 */
export function crc32Combine(crcA: number, crcB: number, lengthB: number): number {
  // Appending n bytes multiplies the register by x^(8n): the bits of n pick powers x^(8·2^k).
  let shifted = crcA >>> 0;
  for (let n = lengthB, k = 3; n > 0; n = Math.floor(n / 2), k++) {
    if (n % 2 === 1) shifted = multiplyModP(X_POWERS[k], shifted);
  }
  return (shifted ^ crcB) >>> 0;
}
