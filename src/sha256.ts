/**
 * SHA-256, through the Web Crypto API that every modern JS runtime has.
 *
 * @module
 */

/**
 * Computes the SHA-256 digest of `data`.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { sha256 } from "./sha256.ts";
 * const digest = await sha256(new Uint8Array());
 * strictEqual(digest.length, 32);
 * ```
 */
export async function sha256(data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", data as Uint8Array<ArrayBuffer>));
}

/**
 * Formats bytes as lowercase hexadecimal.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { toHex } from "./sha256.ts";
 * strictEqual(toHex(new Uint8Array([1, 171])), "01ab");
 * ```
 */
export function toHex(bytes: Uint8Array): string {
  let out = "";
  for (const b of bytes) out += b.toString(16).padStart(2, "0");
  return out;
}

/** The fewest bytes of a hash that a file may keep to name what it was made with. */
const MIN_KEPT_HASH_BYTES = 8;

/**
 * Whether `kept`, the hash a file keeps (all of it, or its first bytes, at least 8), names
 * `hash`.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { namesHash } from "./sha256.ts";
 * const hash = new Uint8Array(32).fill(7);
 * strictEqual(namesHash(hash.subarray(0, 8), hash), true);
 * strictEqual(namesHash(hash.subarray(0, 4), hash), false); // too short to name it
 * ```
 */
export function namesHash(kept: Uint8Array, hash: Uint8Array): boolean {
  return kept.length >= MIN_KEPT_HASH_BYTES && kept.length <= hash.length &&
    kept.every((b, i) => b === hash[i]);
}
