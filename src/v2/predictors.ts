/**
 * Per-sample predictions from the causal neighbourhood and the quantizers that turn values into
 * small context numbers. All integer.
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

/**
 * The median edge detector of LOCO-I / JPEG-LS: `min(W, N)` or `max(W, N)` across an edge,
 * else the planar `W + N − NW`.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { medianEdgePredict } from "./predictors.ts";
 * strictEqual(medianEdgePredict(10, 20, 5), 20);
 * ```
 */
export function medianEdgePredict(w: number, n: number, nw: number): number {
  const lo = w < n ? w : n;
  const hi = w < n ? n : w;
  if (nw >= hi) return lo;
  if (nw <= lo) return hi;
  return w + n - nw;
}

/**
 * The gradient-adjusted predictor of CALIC, with its thresholds (8, 32, 80 for 8-bit data)
 * scaled by `scale` (a power of two relative to 8 bits, given as a shift that may be negative).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { gradientAdjustedPredict } from "./predictors.ts";
 * strictEqual(gradientAdjustedPredict(100, 100, 100, 100, 100, 100, 100, 0), 100);
 * ```
 */
export function gradientAdjustedPredict(
  w: number,
  n: number,
  nw: number,
  ne: number,
  ww: number,
  nn: number,
  nne: number,
  scale: number,
): number {
  const dh = Math.abs(w - ww) + Math.abs(n - nw) + Math.abs(n - ne);
  const dv = Math.abs(w - nw) + Math.abs(n - nn) + Math.abs(ne - nne);
  const diff = scale >= 0 ? (dv - dh) >> scale : (dv - dh) << -scale;
  if (diff > 80) return w;
  if (diff < -80) return n;
  const t = (2 * (w + n) + ne - nw) >> 2;
  if (diff > 32) return (t + w) >> 1;
  if (diff > 8) return (3 * t + w) >> 2;
  if (diff < -32) return (t + n) >> 1;
  if (diff < -8) return (3 * t + n) >> 2;
  return t;
}

/** 2, 1 or 0 for a positive, zero or negative difference. */
function sign3(d: number): number {
  return d > 0 ? 2 : d < 0 ? 0 : 1;
}

/**
 * The gradient shape of a neighbourhood (`docs/v2-stream.md` §3.2) from its differences
 * `W − NW`, `N − NW`, `N − NE`, `W − WW` and `N − NN`: their signs, each 0 (negative), 1 (zero)
 * or 2 (positive), as one number in base 3 (0…242), the first the least significant.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { gradientShape } from "./predictors.ts";
 * strictEqual(gradientShape(0, 0, 0, 0, 0), 121); // flat: every difference zero
 * strictEqual(gradientShape(4, 0, 0, 4, 0), 2 + 3 + 9 + 54 + 81); // only W is brighter
 * ```
 */
export function gradientShape(
  dw: number,
  dn: number,
  dne: number,
  dww: number,
  dnn: number,
): number {
  return sign3(dw) + 3 * sign3(dn) + 9 * sign3(dne) + 27 * sign3(dww) + 81 * sign3(dnn);
}
