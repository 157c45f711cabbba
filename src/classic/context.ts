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
 * import { classicContext } from "./context.ts";
 * const p = new Uint8Array([0, 0, 0, 0]);
 * console.log(classicContext(p, 2, 0, 0, 7)); // 3 (top-left corner of plane 0)
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
