/**
 * The fast level: lossless coding of 1- to 16-bit samples at tens of megapixels per second, one
 * residual per sample (docs/fast-level.md).
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { decodeFast, encodeFast } from "./mod.ts";
 * const samples = new Uint16Array([10, 20, 30, 40]);
 * const stream = encodeFast(samples, 2, 2, 8);
 * deepStrictEqual(decodeFast(stream, 2, 2, 8), new Uint16Array([10, 20, 30, 40]));
 * ```
 *
 * @module
 */
export { decodeFast, encodeFast, maxFastSamples } from "./codec.ts";
