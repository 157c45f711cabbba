/**
 * Integer logistic tables: `squash` maps the stretch domain to 12-bit probabilities and
 * `stretch` is its inverse. Both are built with integer arithmetic only, so every engine
 * computes identical tables.
 *
 * The stretch domain is `ln(p / (1 − p))` scaled by 256 and clamped to −2047…2047; probabilities
 * are scaled by 4096 (0…4095).
 *
 * @module
 */

/** Smallest stretch-domain value. */
export const STRETCH_MIN = -2047;
/** Largest stretch-domain value. */
export const STRETCH_MAX = 2047;

// 4096 / (1 + e^(−k/2)) for k = −16…16, rounded: the knots the squash curve interpolates.
const SQUASH_KNOTS = [
  1,
  2,
  3,
  6,
  10,
  16,
  27,
  45,
  73,
  120,
  194,
  310,
  488,
  747,
  1101,
  1546,
  2047,
  2549,
  2994,
  3348,
  3607,
  3785,
  3901,
  3975,
  4022,
  4050,
  4068,
  4079,
  4085,
  4089,
  4092,
  4093,
  4094,
];

function buildSquashTable(): Int16Array {
  const table = new Int16Array(4096);
  for (let x = -2048; x < 2048; x++) {
    const w = x & 127;
    const k = (x >> 7) + 16;
    table[x + 2048] = (SQUASH_KNOTS[k] * (128 - w) + SQUASH_KNOTS[k + 1] * w + 64) >> 7;
  }
  return table;
}

/** `SQUASH_TABLE[x + 2048]` is the 12-bit probability of stretch value `x` (−2048…2047). */
export const SQUASH_TABLE: Int16Array = buildSquashTable();

function buildStretchTable(): Int16Array {
  const table = new Int16Array(4096);
  let p = 0;
  for (let x = STRETCH_MIN; x <= STRETCH_MAX; x++) {
    const q = SQUASH_TABLE[x + 2048];
    while (p <= q) table[p++] = x;
  }
  while (p < 4096) table[p++] = STRETCH_MAX;
  return table;
}

/** `STRETCH_TABLE[p]` is the stretch value of the 12-bit probability `p` (0…4095). */
export const STRETCH_TABLE: Int16Array = buildStretchTable();

/**
 * Maps a stretch-domain value to a 12-bit probability; arguments outside −2047…2047 saturate.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { squash } from "./squash.ts";
 * strictEqual(squash(0), 2047);
 * ```
 */
export function squash(x: number): number {
  if (x > STRETCH_MAX) return 4095;
  if (x < STRETCH_MIN) return 1;
  return SQUASH_TABLE[x + 2048];
}

/**
 * Maps a 12-bit probability (0…4095) to the stretch domain, the inverse of {@link squash}.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { stretch } from "./squash.ts";
 * strictEqual(stretch(2048), 1);
 * ```
 */
export function stretch(p: number): number {
  return STRETCH_TABLE[p];
}
