/**
 * The JPEG XL peer in WebAssembly: libjxl as Squoosh builds it (`@jsquash/jxl`), lossless, at
 * an effort of 1 to 9. Its API takes 8-bit RGBA only: a gray image goes in as R = G = B with
 * opaque alpha (libjxl's lossless mode then codes the two colour differences and the alpha as
 * constants), and images of more than 8 bits cannot be coded.
 *
 * @module
 */
import { decodeJxl, encodeJxlLossless } from "../../../deps/jxl_wasm.ts";
import { FormatError } from "../../../errors.ts";
import { sampleBits } from "../../../image/gray_image.ts";
import type { BenchCodec } from "../bench_codec.ts";

/**
 * The `jxl-wasm-eN` peer.
 *
 * @example
 * ```ts
 * import { deepStrictEqual, rejects } from "node:assert/strict";
 * import { jxlWasmPeer } from "./jxl_wasm.ts";
 * const jxl = jxlWasmPeer(3);
 * const image = { width: 2, height: 1, maxValue: 255, data: new Uint16Array([1, 200]) };
 * const { bytes } = await jxl.encode(image);
 * deepStrictEqual([...(await jxl.decode(bytes, image)).samples], [1, 200]);
 * await rejects(jxl.encode({ ...image, maxValue: 65535 }), /8-bit RGBA only/);
 * ```
 */
export function jxlWasmPeer(effort: number): BenchCodec {
  return {
    name: `jxl-wasm-e${effort}`,
    kind: "peer",
    level: `e${effort}`,
    workers: 1,
    about: `JPEG XL lossless, effort ${effort}: libjxl in WebAssembly (@jsquash/jxl 1.3.0, ` +
      "single-threaded), gray given as 8-bit RGBA",
    encode: async ({ width, height, maxValue, data }) => {
      if (maxValue > 255) {
        throw new FormatError(
          `@jsquash/jxl takes 8-bit RGBA only, not ${sampleBits(maxValue)}-bit`,
          "unsupported",
        );
      }
      const rgba = new Uint8ClampedArray(4 * data.length);
      for (let i = 0, j = 0; i < data.length; i++, j += 4) {
        rgba[j] = rgba[j + 1] = rgba[j + 2] = data[i];
        rgba[j + 3] = 255;
      }
      return { bytes: await encodeJxlLossless({ width, height, data: rgba }, effort) };
    },
    decode: async (bytes) => {
      const { width, height, data } = await decodeJxl(bytes);
      const samples = new Uint8Array(width * height);
      for (let i = 0, j = 0; i < samples.length; i++, j += 4) {
        const r = data[j];
        if (data[j + 1] !== r || data[j + 2] !== r || data[j + 3] !== 255) {
          throw new Error(`decoded pixel ${i} is not opaque gray`);
        }
        samples[i] = r;
      }
      return { width, height, samples };
    },
  };
}
