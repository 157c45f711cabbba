/**
 * Classic coding of one image: bit planes MSB → LSB, rows top to bottom, one decision per sample
 * per plane, each coded with the static probability of its context.
 *
 * @module
 */
import { FormatError } from "../errors.ts";
import { ClassicDecoder, ClassicEncoder } from "./arith_coder.ts";
import { type ClassicDecisionSink, scanPlanes } from "./context.ts";
import type { ClassicModel } from "./model.ts";
import { checkStreamHolds } from "../stream_bound.ts";

/**
 * Codes the 8 bit planes of a normalized (polarity already applied) 8-bit image.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { encodePlanes } from "./codec.ts";
 * import { uniformClassicModel } from "./model.ts";
 * const stream = encodePlanes(new Uint8Array([200]), 1, 1, uniformClassicModel());
 * strictEqual(stream.length, 2);
 * ```
 */
export function encodePlanes(
  samples: Uint8Array,
  width: number,
  height: number,
  model: ClassicModel,
): Uint8Array {
  const sink = new PlaneEncoder(model.p0);
  // The encoder returns each bit as it is, so the scan leaves `samples` unchanged.
  scanPlanes(samples, width, height, sink);
  return sink.encoder.finish();
}

class PlaneEncoder implements ClassicDecisionSink {
  readonly encoder = new ClassicEncoder();
  constructor(readonly p0: Uint16Array) {}
  decide(context: number, bit: number): number {
    this.encoder.encode(bit, this.p0[context]);
    return bit;
  }
}

class PlaneDecoder implements ClassicDecisionSink {
  constructor(readonly decoder: ClassicDecoder, readonly p0: Uint16Array) {}
  decide(context: number): number {
    return this.decoder.decode(this.p0[context]);
  }
}

/**
 * Decodes a stream written by {@link encodePlanes} into the normalized samples, then checks the
 * stream strictly: classic files carry no checksum, so the stream must be exactly the one the
 * encoder writes for the decoded samples (same bits, same length), otherwise it is damaged. A
 * stream too short for the size given is refused before anything is allocated, and decoding
 * stops as soon as it reads past the stream's end.
 *
 * @throws {FormatError} when the stream is not exactly the encoding of what it decodes to.
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { decodePlanes, encodePlanes } from "./codec.ts";
 * import { uniformClassicModel } from "./model.ts";
 * const model = uniformClassicModel();
 * const stream = encodePlanes(new Uint8Array([200]), 1, 1, model);
 * strictEqual(decodePlanes(stream, 1, 1, model)[0], 200);
 * ```
 */
export function decodePlanes(
  stream: Uint8Array,
  width: number,
  height: number,
  model: ClassicModel,
): Uint8Array {
  checkStreamHolds(width, height, 8, stream.length);
  const samples = new Uint8Array(width * height);
  const decoder = new ClassicDecoder(stream);
  scanPlanes(samples, width, height, new PlaneDecoder(decoder, model.p0));
  if (!decoder.endsExactly()) {
    throw new FormatError("coded stream is damaged (it does not decode consistently)");
  }
  return samples;
}
