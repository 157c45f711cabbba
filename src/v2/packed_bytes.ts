/**
 * Compact storage of byte arrays inside model payloads: each byte is coded MSB first with the
 * v2 range coder, under an adaptive order-1 model (context: the previous byte and the bits of
 * the current byte seen so far; slots start at 1/2 and adapt with count limit 255).
 *
 * @module
 */
import { FormatError } from "../errors.ts";
import { RangeDecoder, RangeEncoder } from "./range_coder.ts";
import { INITIAL_SLOT, updateSlot } from "./state_map.ts";

const LIMIT = 255;

function probability(slots: Int32Array, index: number): number {
  const p = slots[index] >>> 20;
  return p < 1 ? 1 : p;
}

/**
 * Compresses `bytes` (their count is stored by the caller).
 *
 * @example
 * ```ts
 * import { ok, strictEqual } from "node:assert/strict";
 * import { packBytes, unpackBytes } from "./packed_bytes.ts";
 * const packed = packBytes(new Uint8Array(1000));
 * ok(packed.length < 40);
 * strictEqual(unpackBytes(packed, 1000).length, 1000);
 * ```
 */
export function packBytes(bytes: Uint8Array): Uint8Array {
  const slots = new Int32Array(256 * 256).fill(INITIAL_SLOT);
  const encoder = new RangeEncoder();
  let previous = 0;
  for (const byte of bytes) {
    let node = 1;
    for (let b = 7; b >= 0; b--) {
      const bit = (byte >> b) & 1;
      const index = (previous << 8) | node;
      encoder.encode(bit, probability(slots, index));
      updateSlot(slots, index, bit, LIMIT);
      node = (node << 1) | bit;
    }
    previous = byte;
  }
  return encoder.finish(4); // four end bytes: model payloads keep the bytes (and hashes) they had
}

/**
 * Decompresses `length` bytes written by {@link packBytes}; throws a `FormatError` if `packed`
 * is truncated or longer than its content.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { packBytes, unpackBytes } from "./packed_bytes.ts";
 * deepStrictEqual(unpackBytes(packBytes(Uint8Array.of(5, 6)), 2), Uint8Array.of(5, 6));
 * ```
 */
export function unpackBytes(packed: Uint8Array, length: number): Uint8Array {
  if (packed.length === 0) throw new FormatError("packed bytes are empty");
  const slots = new Int32Array(256 * 256).fill(INITIAL_SLOT);
  const decoder = new RangeDecoder(packed);
  const bytes = new Uint8Array(length);
  let previous = 0;
  for (let i = 0; i < length; i++) {
    let node = 1;
    for (let b = 7; b >= 0; b--) {
      const index = (previous << 8) | node;
      const bit = decoder.decode(probability(slots, index));
      updateSlot(slots, index, bit, LIMIT);
      node = (node << 1) | bit;
    }
    previous = node & 255;
    bytes[i] = previous;
  }
  decoder.finish();
  return bytes;
}
