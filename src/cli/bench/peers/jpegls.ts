/**
 * The JPEG-LS peer: CharLS in WebAssembly, lossless (NEAR = 0), 2 to 16 bits per sample.
 *
 * @module
 */
import { loadCharls } from "../../../deps/charls.ts";
import type { BenchCodec } from "../bench_codec.ts";
import { framePeer } from "./frame_peer.ts";

/**
 * Loads CharLS and makes the `jpegls` peer.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { jpeglsPeer } from "./jpegls.ts";
 * const jpegls = await jpeglsPeer();
 * const image = { width: 2, height: 2, maxValue: 255, data: new Uint16Array([1, 2, 3, 250]) };
 * const { bytes } = await jpegls.encode(image);
 * deepStrictEqual([...(await jpegls.decode(bytes, image)).samples], [1, 2, 3, 250]);
 * ```
 */
export async function jpeglsPeer(): Promise<BenchCodec> {
  const charls = await loadCharls();
  return framePeer({
    name: "jpegls",
    level: "lossless",
    about: `JPEG-LS, CharLS ${charls.getVersion()} in WebAssembly ` +
      "(@cornerstonejs/codec-charls 1.2.7), NEAR = 0",
    minBits: 2,
    encoder: () => {
      const encoder = new charls.JpegLSEncoder();
      encoder.setNearLossless(0);
      return encoder;
    },
    decoder: () => new charls.JpegLSDecoder(),
  });
}
