/**
 * What the bench runs: a codec (one of bpcodec's variants or a peer) as a pair of in-memory
 * encode and decode functions.
 *
 * @module
 */
import type { GrayImage } from "../../image/gray_image.ts";

/**
 * Coded bytes, and the seconds the coding took when the codec measures them itself (an external
 * tool, whose process start and file I/O must not count); without them the bench's clock times
 * the call.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import type { Coded } from "./bench_codec.ts";
 * const coded: Coded = { bytes: new Uint8Array(10) };
 * strictEqual(coded.seconds, undefined);
 * ```
 */
export interface Coded {
  bytes: Uint8Array;
  seconds?: number;
}

/**
 * Decoded samples, row-major, and the seconds as in {@link Coded}.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import type { Decoded } from "./bench_codec.ts";
 * const decoded: Decoded = { width: 2, height: 1, samples: new Uint8Array([1, 2]) };
 * strictEqual(decoded.samples.length, 2);
 * ```
 */
export interface Decoded {
  width: number;
  height: number;
  samples: Uint8Array | Uint16Array;
  seconds?: number;
}

/**
 * One codec the bench measures. `encode` throws a `FormatError` of code `unsupported` for an
 * image it cannot code (a depth it lacks): the bench reports that image as unsupported, not as
 * a failure.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import type { BenchCodec } from "./bench_codec.ts";
 * const identity: BenchCodec = {
 *   name: "raw",
 *   kind: "peer",
 *   level: "-",
 *   workers: 1,
 *   about: "the samples as bytes",
 *   encode: (image) => Promise.resolve({ bytes: Uint8Array.from(image.data) }),
 *   decode: (bytes, image) =>
 *     Promise.resolve({ width: image.width, height: image.height, samples: bytes }),
 * };
 * strictEqual(identity.kind, "peer");
 * ```
 */
export interface BenchCodec {
  /** Unique name in tables, CSV, JSON and the chart, e.g. `bpcodec-v2`, `jxl-wasm-e7`. */
  name: string;
  /** `bpcodec` for a variant of ours, `peer` for another codec. */
  kind: "bpcodec" | "peer";
  /** The coder level (`default`), or the peer's setting (`e9`). */
  level: string;
  /** Workers that code one image. */
  workers: number;
  /** What it is: library, version, settings. */
  about: string;
  /** Codes an image in memory. */
  encode(image: GrayImage): Promise<Coded>;
  /** Decodes what {@link BenchCodec.encode} made of `image` (for its size, where needed). */
  decode(bytes: Uint8Array, image: GrayImage): Promise<Decoded>;
  /** Ends what the codec started (its workers); the bench calls it when it is done. */
  close?(): void;
}
