/**
 * The PNG peer: written at PNG's strongest standard settings ({@link encodePngStrongest}), read
 * by bpcodec's own PNG reader.
 *
 * @module
 */
import { decodePng } from "../../../image/png.ts";
import type { BenchCodec } from "../bench_codec.ts";
import { encodePngStrongest } from "./png_adaptive.ts";

/**
 * The `png` peer.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { pngPeer } from "./png.ts";
 * const image = { width: 2, height: 1, maxValue: 65535, data: new Uint16Array([1, 60000]) };
 * const { bytes } = await pngPeer.encode(image);
 * deepStrictEqual((await pngPeer.decode(bytes, image)).samples, image.data);
 * ```
 */
export const pngPeer: BenchCodec = {
  name: "png",
  kind: "peer",
  level: "9+filters",
  workers: 1,
  about: "PNG: adaptive row filters (least sum of signed bytes), zlib level 9 memLevel 9, " +
    "the smaller of the default and filtered strategies; read by bpcodec's PNG reader",
  encode: (image) => Promise.resolve({ bytes: encodePngStrongest(image) }),
  decode: (bytes) => {
    const { width, height, data } = decodePng(bytes);
    return Promise.resolve({ width, height, samples: data });
  },
};
