/**
 * The shape that the WebAssembly builds of CharLS and OpenJPH (`@cornerstonejs/codec-*`) share:
 * an encoder and a decoder object per image, whose buffers live in the module's memory. Those
 * packages ship no types; what the bench uses is declared here.
 *
 * @module
 */

/**
 * An image's size and sample layout, as those codecs describe it.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import type { FrameInfo } from "./frame_codec.ts";
 * const info: FrameInfo = { width: 4, height: 2, bitsPerSample: 8, componentCount: 1 };
 * strictEqual(info.componentCount, 1);
 * ```
 */
export interface FrameInfo {
  width: number;
  height: number;
  /** Bits of each sample; samples of more than 8 bits take two bytes, little-endian. */
  bitsPerSample: number;
  componentCount: number;
  /** OpenJPH only: signed samples. */
  isSigned?: boolean;
  /** OpenJPH only: the colour transform of three components. */
  isUsingColorTransform?: boolean;
}

/**
 * Codes one image: the samples are written into {@link FrameEncoder.getDecodedBuffer}, then
 * {@link FrameEncoder.encode} fills {@link FrameEncoder.getEncodedBuffer}.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import type { FrameEncoder } from "./frame_codec.ts";
 * const methods: (keyof FrameEncoder)[] = ["getDecodedBuffer", "encode", "getEncodedBuffer"];
 * strictEqual(methods.length, 3);
 * ```
 */
export interface FrameEncoder {
  /** The module memory to write the samples into (valid until the next call). */
  getDecodedBuffer(info: FrameInfo): Uint8Array;
  encode(): void;
  /** The coded bytes, a view into the module's memory. */
  getEncodedBuffer(): Uint8Array;
  /** Frees the encoder and its buffers. */
  delete(): void;
}

/**
 * Decodes one image: the coded bytes are written into {@link FrameDecoder.getEncodedBuffer},
 * then {@link FrameDecoder.decode} fills {@link FrameDecoder.getDecodedBuffer}.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import type { FrameDecoder } from "./frame_codec.ts";
 * const methods: (keyof FrameDecoder)[] = ["getEncodedBuffer", "decode", "getDecodedBuffer"];
 * strictEqual(methods.length, 3);
 * ```
 */
export interface FrameDecoder {
  /** The module memory, `length` bytes, to write the coded bytes into. */
  getEncodedBuffer(length: number): Uint8Array;
  decode(): void;
  getFrameInfo(): FrameInfo;
  /** The decoded samples, a view into the module's memory. */
  getDecodedBuffer(): Uint8Array;
  /** Frees the decoder and its buffers. */
  delete(): void;
}
