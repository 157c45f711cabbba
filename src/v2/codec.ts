/**
 * Encoding and decoding of a plane of samples with the v2 bit model and the range coder.
 *
 * @module
 */
import { FormatError } from "../errors.ts";
import { checkStreamHolds } from "../stream_bound.ts";
import type { V2Model } from "./model.ts";
import { type V2CodingOptions, V2Predictor } from "./predictor.ts";
import { type RangeCoderOptions, RangeDecoder, RangeEncoder } from "./range_coder.ts";

function checkShape(length: number, width: number, height: number, bits: number): void {
  if (!Number.isSafeInteger(width) || width < 1) throw new RangeError(`bad width ${width}`);
  if (!Number.isSafeInteger(height) || height < 1) throw new RangeError(`bad height ${height}`);
  if (!Number.isInteger(bits) || bits < 1 || bits > 16) {
    throw new RangeError(`bits must be 1…16, got ${bits}`);
  }
  if (length !== width * height) {
    throw new RangeError(`${length} samples for a ${width}×${height} image`);
  }
}

/**
 * The number of bit planes needed for `samples`: the bit length of the largest, at least 1.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { significantBits } from "./codec.ts";
 * strictEqual(significantBits(new Uint16Array([3, 4095])), 12);
 * ```
 */
export function significantBits(samples: Uint16Array): number {
  let max = 1;
  for (let i = 0; i < samples.length; i++) if (samples[i] > max) max = samples[i];
  return 32 - Math.clz32(max);
}

/**
 * Encodes `width × height` samples (row-major, each below `2^bits`) into an arithmetic-coded
 * v2 stream (with `options.leastSquares`, of coder 2: the `max` level).
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { decodeV2, encodeV2, untrainedV2Model } from "./mod.ts";
 * const samples = new Uint16Array([0, 1, 2, 3, 4, 5]);
 * const model = untrainedV2Model();
 * const stream = encodeV2(samples, 3, 2, 3, model);
 * deepStrictEqual(decodeV2(stream, 3, 2, 3, model), new Uint16Array([0, 1, 2, 3, 4, 5]));
 * ```
 */
export function encodeV2(
  samples: Uint16Array,
  width: number,
  height: number,
  bits: number,
  model: V2Model,
  options: V2CodingOptions = {},
): Uint8Array {
  checkShape(samples.length, width, height, bits);
  const limit = 2 ** bits;
  for (let i = 0; i < samples.length; i++) {
    if (samples[i] >= limit) {
      throw new RangeError(`sample ${i} is ${samples[i]}, not below 2^${bits}`);
    }
  }
  const predictor = new V2Predictor(samples, width, height, bits, model, options);
  const encoder = new RangeEncoder(rangeCoderOptions(options));
  try {
    for (let y = 0; y < height; y++) encodeRow(predictor, encoder, samples, y, width, bits);
  } finally {
    predictor.release();
  }
  return encoder.finish();
}

/**
 * Decodes a v2 stream written by {@link encodeV2} with the same size, bit depth, model and
 * options.
 * Throws a `FormatError` if the stream is too short for the size given (checked before anything
 * is allocated), is found truncated or has trailing bytes; other damage yields different
 * samples (the container's pixel checksum catches it).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { decodeV2, encodeV2, untrainedV2Model } from "./mod.ts";
 * const model = untrainedV2Model();
 * const stream = encodeV2(new Uint16Array([7]), 1, 1, 3, model);
 * strictEqual(decodeV2(stream, 1, 1, 3, model)[0], 7);
 * ```
 */
export function decodeV2(
  stream: Uint8Array,
  width: number,
  height: number,
  bits: number,
  model: V2Model,
  options: V2CodingOptions = {},
): Uint16Array {
  checkShape(width * height, width, height, bits);
  if (stream.length === 0) throw new FormatError("v2 stream is empty");
  checkStreamHolds(width, height, bits, stream.length, rangeCoderOptions(options));
  const samples = new Uint16Array(width * height);
  const predictor = new V2Predictor(samples, width, height, bits, model, options);
  const decoder = new RangeDecoder(stream, rangeCoderOptions(options));
  try {
    for (let y = 0; y < height; y++) decodeRow(predictor, decoder, samples, y, width, bits);
  } finally {
    predictor.release();
  }
  decoder.finish();
  return samples;
}

// One row per call keeps the hot loops in small functions the engine optimizes as a whole
// (a single loop over the image would run in on-stack-replaced code).
function encodeRow(
  predictor: V2Predictor,
  encoder: RangeEncoder,
  samples: Uint16Array,
  y: number,
  width: number,
  bits: number,
): void {
  for (let x = 0, i = y * width; x < width; x++, i++) {
    let p = predictor.startSample(x, y);
    const value = samples[i];
    for (let b = bits - 1; b >= 0; b--) {
      const bit = (value >> b) & 1;
      encoder.encode(bit, p);
      p = predictor.update(bit);
    }
  }
}

function decodeRow(
  predictor: V2Predictor,
  decoder: RangeDecoder,
  samples: Uint16Array,
  y: number,
  width: number,
  bits: number,
): void {
  for (let x = 0, i = y * width; x < width; x++, i++) {
    let p = predictor.startSample(x, y);
    let value = 0;
    for (let b = bits - 1; b >= 0; b--) {
      const bit = decoder.decode(p);
      p = predictor.update(bit);
      value |= bit << b;
    }
    samples[i] = value;
  }
}

/**
 * The range coder of a coder with `options`: 16-bit probabilities with certainty (which also
 * decide how many decisions a stream can hold, `stream_bound.ts`).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { rangeCoderOptions } from "./codec.ts";
 * strictEqual(rangeCoderOptions({ certainty: true }).probabilityBits, 16);
 * strictEqual(rangeCoderOptions({}).probabilityBits, 12);
 * ```
 */
export function rangeCoderOptions(options: V2CodingOptions): RangeCoderOptions {
  return { probabilityBits: options.certainty === true ? 16 : 12 };
}
