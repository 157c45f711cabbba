/**
 * The worker side of {@link CodingWorkers}: codes and decodes the tiles it is sent, one message
 * per tile, compresses and expands the bytes it is sent, and answers each with its result (or the
 * error, with its code).
 *
 * @module
 */
import { type ErrorCode, FormatError } from "../errors.ts";
import type { PolarityMode } from "../image/polarity.ts";
import type { V2CodedTile, V2ImageHeader } from "../v2/container.ts";
import { compressBytes, expandBytes } from "../v2/byte_model.ts";
import { decodeTile, encodeTile } from "../v2/image_codec.ts";
import type { V2Model } from "../v2/model.ts";
import type { TileRect } from "../v2/tiles.ts";

/**
 * What the pool sends: a model to keep under a number (a worker keeps the models it is sent),
 * a tile to code or decode with a model sent before, or bytes to compress or expand with the byte
 * model (after a dictionary, if one is sent).
 *
 * @example
 * ```ts
 * import type { CodingRequest } from "./coding_worker.ts";
 * import { defaultV2Model } from "../v2/model.ts";
 * const request: CodingRequest = { type: "model", model: 0, params: defaultV2Model() };
 * ```
 */
export type CodingRequest =
  | { type: "model"; model: number; params: V2Model }
  | {
    type: "encode";
    job: number;
    model: number;
    samples: Uint16Array;
    rect: TileRect;
    header: V2ImageHeader;
    polarity: PolarityMode;
  }
  | {
    type: "decode";
    job: number;
    model: number;
    tile: V2CodedTile & { streamIntact?: boolean };
    rect: TileRect;
    header: V2ImageHeader;
  }
  | { type: "compress"; job: number; bytes: Uint8Array; dictionary?: Uint8Array }
  | { type: "expand"; job: number; bytes: Uint8Array; rawBytes: number; dictionary?: Uint8Array };

/**
 * What the worker answers: a coded tile, decoded samples, compressed or expanded bytes, or why a
 * job failed (with the library's error code when it was a `FormatError`).
 *
 * @example
 * ```ts
 * import type { CodingReply } from "./coding_worker.ts";
 * const reply: CodingReply = { job: 3, error: "decoded image is damaged", code: "invalid" };
 * ```
 */
export type CodingReply =
  | { job: number; tile: V2CodedTile }
  | { job: number; samples: Uint16Array }
  | { job: number; bytes: Uint8Array }
  | { job: number; error: string; code?: ErrorCode };

const models = new Map<number, V2Model>();

// deno-lint-ignore no-explicit-any
const scope = self as any;

function modelNumbered(model: number): V2Model {
  const params = models.get(model);
  if (!params) throw new Error(`model ${model} was not sent to this worker`);
  return params;
}

scope.onmessage = (event: MessageEvent<CodingRequest>) => {
  const request = event.data;
  if (request.type === "model") return void models.set(request.model, request.params);
  try {
    if (request.type === "compress" || request.type === "expand") {
      const { dictionary } = request;
      const bytes = request.type === "compress"
        ? compressBytes(request.bytes, { dictionary })
        : expandBytes(request.bytes, request.rawBytes, { dictionary });
      return void scope.postMessage({ job: request.job, bytes }, [bytes.buffer as ArrayBuffer]);
    }
    const params = modelNumbered(request.model);
    if (request.type === "encode") {
      const { samples, rect, header, polarity } = request;
      const tile = encodeTile(samples, rect, header, params, polarity);
      scope.postMessage({ job: request.job, tile }, [tile.stream.buffer as ArrayBuffer]);
    } else {
      const samples = decodeTile(request.tile, request.rect, request.header, params);
      scope.postMessage({ job: request.job, samples }, [samples.buffer as ArrayBuffer]);
    }
  } catch (e) {
    const code = e instanceof FormatError ? e.code : undefined;
    scope.postMessage({ job: request.job, error: (e as Error).message, code });
  }
};
