/**
 * A peer made of a codec with the shape of the `@cornerstonejs/codec-*` WebAssembly builds
 * (JPEG-LS, HTJ2K): the samples go into the module's memory, one or two bytes each, and come
 * back out of it.
 *
 * @module
 */
import type { FrameDecoder, FrameEncoder, FrameInfo } from "../../../deps/frame_codec.ts";
import { type GrayImage, sampleBits } from "../../../image/gray_image.ts";
import type { BenchCodec } from "../bench_codec.ts";

/**
 * How to make one such peer: its names, its encoder (set to lossless) and decoder, the fewest
 * bits per sample it codes, and what else its frame description needs.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import type { FramePeerSpec } from "./frame_peer.ts";
 * import { loadCharls } from "../../../deps/charls.ts";
 * const charls = await loadCharls();
 * const spec: FramePeerSpec = {
 *   name: "jpegls", level: "lossless", about: "CharLS", minBits: 2,
 *   encoder: () => new charls.JpegLSEncoder(), decoder: () => new charls.JpegLSDecoder(),
 * };
 * strictEqual(spec.minBits, 2);
 * ```
 */
export interface FramePeerSpec {
  name: string;
  level: string;
  about: string;
  /** The fewest bits per sample the codec takes (JPEG-LS: 2). */
  minBits: number;
  /** Fields the codec's frame description needs besides the size and the sample layout. */
  frameExtras?: Partial<FrameInfo>;
  /** A new encoder, set to code losslessly. */
  encoder(): FrameEncoder;
  decoder(): FrameDecoder;
}

/** Writes the samples into the codec's buffer: one byte each, or two (little-endian). */
function writeSamples(data: Uint16Array, bits: number, buffer: Uint8Array): void {
  if (bits <= 8) {
    buffer.set(data);
    return;
  }
  for (let i = 0; i < data.length; i++) {
    buffer[2 * i] = data[i] & 255;
    buffer[2 * i + 1] = data[i] >> 8;
  }
}

/** Reads the samples out of the codec's buffer. */
function readSamples(buffer: Uint8Array, bits: number): Uint8Array | Uint16Array {
  if (bits <= 8) return buffer.slice();
  const samples = new Uint16Array(buffer.length >> 1);
  for (let i = 0; i < samples.length; i++) samples[i] = buffer[2 * i] | (buffer[2 * i + 1] << 8);
  return samples;
}

/** Runs `work` with a codec object and frees it afterwards. */
function using<T extends { delete(): void }, R>(codec: T, work: (codec: T) => R): R {
  try {
    return work(codec);
  } finally {
    codec.delete();
  }
}

/**
 * The peer: codes one component of `max(minBits, sampleBits(maxValue))` bits.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { framePeer } from "./frame_peer.ts";
 * import { loadCharls } from "../../../deps/charls.ts";
 * const charls = await loadCharls();
 * const jpegls = framePeer({
 *   name: "jpegls", level: "lossless", about: "CharLS", minBits: 2,
 *   encoder: () => new charls.JpegLSEncoder(), decoder: () => new charls.JpegLSDecoder(),
 * });
 * const image = { width: 3, height: 1, maxValue: 4095, data: new Uint16Array([0, 4095, 7]) };
 * const { bytes } = await jpegls.encode(image);
 * deepStrictEqual((await jpegls.decode(bytes, image)).samples, image.data);
 * ```
 */
export function framePeer(spec: FramePeerSpec): BenchCodec {
  const bitsFor = (image: GrayImage) => Math.max(spec.minBits, sampleBits(image.maxValue));
  return {
    name: spec.name,
    kind: "peer",
    level: spec.level,
    workers: 1,
    about: spec.about,
    encode: (image) => {
      const { width, height, data } = image;
      const bitsPerSample = bitsFor(image);
      const info = { width, height, bitsPerSample, componentCount: 1, ...spec.frameExtras };
      return Promise.resolve(using(spec.encoder(), (encoder) => {
        writeSamples(data, bitsPerSample, encoder.getDecodedBuffer(info));
        encoder.encode();
        return { bytes: encoder.getEncodedBuffer().slice() };
      }));
    },
    decode: (bytes) =>
      Promise.resolve(using(spec.decoder(), (decoder) => {
        decoder.getEncodedBuffer(bytes.length).set(bytes);
        decoder.decode();
        const { width, height, bitsPerSample } = decoder.getFrameInfo();
        return { width, height, samples: readSamples(decoder.getDecodedBuffer(), bitsPerSample) };
      })),
  };
}
