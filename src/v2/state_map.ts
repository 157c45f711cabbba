/**
 * Adaptive probability slots: each slot of an `Int32Array` holds, as a 32-bit pattern, a 22-bit
 * probability that the next bit is 1 (upper 22 bits) and a 10-bit count of updates (lower 10
 * bits). Signed storage lets the engine keep slot values as 32-bit integers (unsigned values
 * above 2^31 would be doubles); read the probability with `>>>`.
 *
 * An update moves the probability towards the coded bit by `1 / (count + 1.5)` of the distance,
 * so a fresh slot learns fast and an experienced one averages; the count stops at a per-context
 * limit so old statistics fade. The arithmetic is integer-only:
 * `p += ((target − p) >> 6) · RATE[count] >> 8` with `RATE[n] = floor(16384 / (n + 1.5))`, and
 * targets 128 (bit 0) or 2^22 − 128 (bit 1), which keep `p` inside 0…2^22 − 1.
 *
 * @module
 */

/** Largest count a slot can hold. */
export const MAX_SLOT_COUNT = 1023;

/** A slot holding probability 1/2 and count 0. */
export const INITIAL_SLOT = 0x80000000 | 0;

/** `SLOT_RATES[n]`: how far (in 1/256) a slot with count `n` moves towards the coded bit. */
export const SLOT_RATES: Int32Array = new Int32Array(MAX_SLOT_COUNT + 1);
for (let n = 0; n <= MAX_SLOT_COUNT; n++) SLOT_RATES[n] = Math.floor(32768 / (2 * n + 3));

const TARGET_ZERO = 128;
const TARGET_ONE = (1 << 22) - 128;

/**
 * Packs a 12-bit probability and a count into a slot value (a signed 32-bit pattern).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { makeSlot, slotProbability } from "./state_map.ts";
 * strictEqual(slotProbability(makeSlot(3000, 5)), 3000);
 * ```
 */
export function makeSlot(probability12: number, count: number): number {
  return (probability12 << 20) | (2048 * 256) | count;
}

/**
 * The 12-bit probability (0…4095) of a slot value.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { INITIAL_SLOT, slotProbability } from "./state_map.ts";
 * strictEqual(slotProbability(INITIAL_SLOT), 2048);
 * ```
 */
export function slotProbability(slot: number): number {
  return slot >>> 20;
}

/**
 * Updates slot `index` of `slots` with the coded `bit`; its count grows up to `limit`
 * (at most {@link MAX_SLOT_COUNT}).
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { INITIAL_SLOT, slotProbability, updateSlot } from "./state_map.ts";
 * const slots = new Int32Array([INITIAL_SLOT]);
 * updateSlot(slots, 0, 1, 255);
 * ok(slotProbability(slots[0]) > 2048);
 * ```
 */
export function updateSlot(slots: Int32Array, index: number, bit: number, limit: number): void {
  const slot = slots[index];
  const count = slot & 1023;
  const p = slot >>> 10;
  const target = bit ? TARGET_ONE : TARGET_ZERO;
  const next = p + (Math.imul((target - p) >> 6, SLOT_RATES[count]) >> 8);
  slots[index] = (next << 10) | (count < limit ? count + 1 : limit);
}
