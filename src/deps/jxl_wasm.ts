/**
 * libjxl (JPEG XL) built to WebAssembly by Squoosh (`@jsquash/jxl`), in one place so that
 * replacing it is a one-file change. Its API takes and gives 8-bit RGBA images only. In Deno it
 * takes its Node path: the single-threaded build, its `.wasm` read from beside the glue code.
 *
 * @module
 */
// Full specifiers, so that the command line also runs from a URL (no import map there).
// deno-lint-ignore no-import-prefix
import encode from "npm:@jsquash/jxl@1.3.0/encode.js";
// deno-lint-ignore no-import-prefix
import decode from "npm:@jsquash/jxl@1.3.0/decode.js";

/**
 * An 8-bit RGBA image as `@jsquash/jxl` takes and gives it (the shape of the browser's
 * `ImageData`).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import type { RgbaImage } from "./jxl_wasm.ts";
 * const pixel: RgbaImage = { width: 1, height: 1, data: new Uint8ClampedArray([9, 9, 9, 255]) };
 * strictEqual(pixel.data.length, 4);
 * ```
 */
export interface RgbaImage {
  width: number;
  height: number;
  /** Four bytes per pixel: red, green, blue, alpha. */
  data: Uint8ClampedArray;
}

/**
 * Codes an RGBA image losslessly as JPEG XL at an effort of 1 (fastest) to 9 (smallest).
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { decodeJxl, encodeJxlLossless } from "./jxl_wasm.ts";
 * const image = { width: 1, height: 1, data: new Uint8ClampedArray([9, 9, 9, 255]) };
 * const back = await decodeJxl(await encodeJxlLossless(image, 3));
 * deepStrictEqual([...back.data], [9, 9, 9, 255]);
 * ```
 */
export async function encodeJxlLossless(image: RgbaImage, effort: number): Promise<Uint8Array> {
  // The package declares the browser's ImageData, of which RgbaImage has the fields it reads.
  const bytes = await encode(image as Parameters<typeof encode>[0], { lossless: true, effort });
  return new Uint8Array(bytes);
}

/**
 * Decodes a JPEG XL file to 8-bit RGBA.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { decodeJxl, encodeJxlLossless } from "./jxl_wasm.ts";
 * const image = { width: 2, height: 1, data: new Uint8ClampedArray(8).fill(255) };
 * strictEqual((await decodeJxl(await encodeJxlLossless(image, 1))).width, 2);
 * ```
 */
export async function decodeJxl(bytes: Uint8Array): Promise<RgbaImage> {
  const { width, height, data } = await decode(bytes.slice().buffer);
  // ImageData may hold other sample types; this decoder makes 8-bit ones.
  return { width, height, data: data as Uint8ClampedArray };
}
