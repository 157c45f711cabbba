/**
 * The quantizers that turn values into small context numbers (the predictions themselves are
 * the bit kernel's, `bit_kernel.wat`; `docs/v2-stream.md` §3.2). All integer.
 *
 * @module
 */

/**
 * Logarithmic bucket of a non-negative integer: 0, 1, 2, 3 for 0…3, then two buckets per
 * octave (4–5, 6–7, 8–11, 12–15, …), saturating at 31.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { logBucket } from "./predictors.ts";
 * strictEqual(logBucket(3), 3);
 * strictEqual(logBucket(6), 5);
 * strictEqual(logBucket(12), 7);
 * ```
 */
export function logBucket(value: number): number {
  if (value < 4) return value;
  const log = 31 - Math.clz32(value);
  const bucket = 2 * log + ((value >>> (log - 1)) & 1);
  return bucket > 31 ? 31 : bucket;
}

/** Number of values {@link signedBucket} returns. */
export const SIGNED_BUCKETS = 64;

/**
 * Bucket of a signed integer: `32 + logBucket(d)` for d ≥ 0, `31 − logBucket(−d − 1)` below,
 * so the result is in 0…63 and ordered like `d`.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { signedBucket } from "./predictors.ts";
 * strictEqual(signedBucket(0), 32);
 * strictEqual(signedBucket(-1), 31);
 * strictEqual(signedBucket(5), 36);
 * ```
 */
export function signedBucket(d: number): number {
  return d >= 0 ? 32 + logBucket(d) : 31 - logBucket(-d - 1);
}

/**
 * Largest magnitude of a difference of two samples.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { MAX_DIFFERENCE } from "./predictors.ts";
 * strictEqual(MAX_DIFFERENCE, 65535);
 * ```
 */
export const MAX_DIFFERENCE = 65535;

/**
 * `DIFFERENCE_BUCKETS[d + MAX_DIFFERENCE]` is `signedBucket(d)` for every difference `d` of two
 * samples (a table for hot loops).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { DIFFERENCE_BUCKETS, MAX_DIFFERENCE, signedBucket } from "./predictors.ts";
 * strictEqual(DIFFERENCE_BUCKETS[MAX_DIFFERENCE - 1], signedBucket(-1)); // 31
 * ```
 */
export const DIFFERENCE_BUCKETS: Uint8Array = new Uint8Array(2 * MAX_DIFFERENCE + 1);
for (let d = -MAX_DIFFERENCE; d <= MAX_DIFFERENCE; d++) {
  DIFFERENCE_BUCKETS[d + MAX_DIFFERENCE] = signedBucket(d);
}
