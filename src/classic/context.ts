/**
 * The classic context of one decision: plane, the top three known bits of the sample, and the
 * same-plane bits of four causal neighbours (5120 contexts).
 *
 * @module
 */

/** Number of classic contexts. */
export const CLASSIC_CONTEXTS = 5120;

/**
 * Returns the classic context (0…5119) of bit `b` of the sample at `(x, y)`, given the samples
 * `p` (row-major, `width` per row) whose bits above `b` at `(x, y)` and whose bit `b` at every
 * causal neighbour are already known. Neighbours outside the image count as 0.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { classicContext } from "./context.ts";
 * const p = new Uint8Array([0, 0, 0, 0]);
 * strictEqual(classicContext(p, 2, 0, 0, 7), 3); // the top-left corner of plane 0
 * ```
 */
export function classicContext(
  p: Uint8Array,
  width: number,
  x: number,
  y: number,
  b: number,
): number {
  const i = y * width + x;
  const prefix = b === 7 ? 0 : (p[i] & ~((2 << b) - 1) & 0xff) >> 5;
  const l = x > 0 ? (p[i - 1] >> b) & 1 : 0;
  let u = 0;
  let ul = 0;
  let ur = 0;
  if (y > 0) {
    const up = i - width;
    u = (p[up] >> b) & 1;
    if (x > 0) ul = (p[up - 1] >> b) & 1;
    if (x + 1 < width) ur = (p[up + 1] >> b) & 1;
  }
  const sum = l + u + ul + ur;
  const border = (x === 0 ? 1 : 0) + (y === 0 ? 2 : 0);
  return (((((7 - b) * 8 + prefix) * 5 + sum) * 2 + l) * 2 + u) * 4 + border;
}

/**
 * Something that takes the classic decisions in scan order: a coder (which codes the bit, or
 * decodes it) or a counter. Given the context and the bit as far as known (the encoder's real
 * bit; 0 for a decoder), it returns the bit.
 */
export interface ClassicDecisionSink {
  /** Takes one decision in context `context`; returns the decided bit. */
  decide(context: number, bit: number): number;
}

/** `PREFIX[b * 256 + v]`: the prefix class of bit `b` of a sample whose known bits are `v`. */
const PREFIX = new Uint8Array(8 * 256);
for (let b = 0; b < 7; b++) {
  for (let v = 0; v < 256; v++) PREFIX[b * 256 + v] = (v & ~((2 << b) - 1) & 0xff) >> 5;
}

/**
 * Walks every decision of an 8-bit image in classic order (planes MSB → LSB, rows top to
 * bottom, samples left to right), computing the same context as {@link classicContext} with a
 * sliding window over the row above, and handing each to `sink`. The bit the sink returns is
 * set in `samples`, so a decoder fills an all-zero array in place.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { scanPlanes } from "./context.ts";
 * const seen: number[] = [];
 * scanPlanes(new Uint8Array([128]), 1, 1, { decide: (c, bit) => (seen.push(c), bit) });
 * strictEqual(seen.length, 8);
 * strictEqual(seen[0], 3);
 * ```
 */
export function scanPlanes(
  samples: Uint8Array,
  width: number,
  height: number,
  sink: ClassicDecisionSink,
): void {
  for (let b = 7; b >= 0; b--) {
    const planeBase = (7 - b) * 8;
    const prefixRow = b * 256;
    for (let y = 0; y < height; y++) {
      const row = y * width;
      const up = row - width;
      const hasUp = y > 0;
      const rowBorder = hasUp ? 0 : 2;
      let l = 0;
      let ul = 0;
      let u = hasUp ? (samples[up] >> b) & 1 : 0;
      for (let x = 0; x < width; x++) {
        const i = row + x;
        const ur = hasUp && x + 1 < width ? (samples[up + x + 1] >> b) & 1 : 0;
        const prefix = PREFIX[prefixRow + samples[i]];
        const sum = l + u + ul + ur;
        const border = rowBorder + (x === 0 ? 1 : 0);
        const context = ((((planeBase + prefix) * 5 + sum) * 2 + l) * 2 + u) * 4 + border;
        const bit = sink.decide(context, (samples[i] >> b) & 1);
        samples[i] |= bit << b;
        l = bit;
        ul = u;
        u = ur;
      }
    }
  }
}
