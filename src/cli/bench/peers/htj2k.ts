/**
 * The HTJ2K peer: OpenJPH in WebAssembly, reversible (lossless) 5/3 wavelet with the library's
 * defaults otherwise (5 decompositions, 64 × 64 code blocks), 1 to 16 bits per sample.
 *
 * @module
 */
import { loadOpenJph } from "../../../deps/openjph.ts";
import type { BenchCodec } from "../bench_codec.ts";
import { framePeer } from "./frame_peer.ts";

/**
 * Loads OpenJPH and makes the `htj2k` peer.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { htj2kPeer } from "./htj2k.ts";
 * const htj2k = await htj2kPeer();
 * const image = { width: 2, height: 2, maxValue: 65535, data: new Uint16Array([1, 2, 3, 65000]) };
 * const { bytes } = await htj2k.encode(image);
 * deepStrictEqual([...(await htj2k.decode(bytes, image)).samples], [1, 2, 3, 65000]);
 * ```
 */
export async function htj2kPeer(): Promise<BenchCodec> {
  const openjph = await loadOpenJph();
  return framePeer({
    name: "htj2k",
    level: "lossless",
    about: `HTJ2K, OpenJPH ${openjph.getVersion()} in WebAssembly ` +
      "(@cornerstonejs/codec-openjph 2.4.11), reversible",
    minBits: 1,
    frameExtras: { isSigned: false, isUsingColorTransform: false },
    encoder: () => {
      const encoder = new openjph.HTJ2KEncoder();
      encoder.setQuality(true, 0);
      return encoder;
    },
    decoder: () => new openjph.HTJ2KDecoder(),
  });
}
