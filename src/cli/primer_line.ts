/**
 * The line `info` and `train` print about a v2 model's primer: its size and depth, and which
 * tiles may start from it.
 *
 * @module
 */
import type { PrimerInfo } from "../file_info.ts";

/**
 * `primer: WxH, B-bit (…tiles may start from it)` for a primer as `describePrimer` tells it.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { primerLine } from "./primer_line.ts";
 * strictEqual(
 *   primerLine({ width: 301, height: 370, bits: 7, flat: false }),
 *   "primer: 301x370, 7-bit (7-bit tiles that are not flat may start from it)",
 * );
 * ```
 */
export function primerLine(primer: PrimerInfo): string {
  const { width, height, bits, flat } = primer;
  const tiles = flat ? `flat ${bits}-bit tiles` : `${bits}-bit tiles that are not flat`;
  return `primer: ${width}x${height}, ${bits}-bit (${tiles} may start from it)`;
}
