/**
 * The coders a tile can be coded with, by the name its image header records, and the levels
 * that choose them: `default` codes with context mixing (`docs/v2-stream.md`), `max` with
 * context mixing and the least-squares predictor, `fast` with the fast residual coder
 * (`docs/fast-level.md`).
 *
 * @module
 */
import { decodeFast, encodeFast, maxFastSamples } from "../fast/codec.ts";
import { FormatError } from "../errors.ts";
import { checkStreamHolds } from "../stream_bound.ts";
import { decodeV2, encodeV2 } from "./codec.ts";
import type { CoderName } from "./container.ts";
import type { V2Model } from "./model.ts";
import type { V2CodingOptions } from "./predictor.ts";

/**
 * One coder: how it codes a tile's samples (`bits` planes) and decodes them, and the check that
 * a stream can hold a tile before anything is allocated for it.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { TILE_CODERS } from "./tile_coders.ts";
 * import { defaultV2Model } from "./model.ts";
 * const coder = TILE_CODERS.fast;
 * const stream = coder.encode(new Uint16Array([1, 2]), 2, 1, 2, defaultV2Model());
 * deepStrictEqual(coder.decode(stream, 2, 1, 2, defaultV2Model()), new Uint16Array([1, 2]));
 * ```
 */
export interface TileCoder {
  /** Codes `width × height` samples, each below `2^bits`. */
  encode(
    samples: Uint16Array,
    width: number,
    height: number,
    bits: number,
    model: V2Model,
  ): Uint8Array;
  /** Decodes what {@link TileCoder.encode} wrote. */
  decode(
    stream: Uint8Array,
    width: number,
    height: number,
    bits: number,
    model: V2Model,
  ): Uint16Array;
  /** Throws a `FormatError` when a stream of `streamBytes` bytes cannot hold the tile. */
  checkHolds(width: number, height: number, bits: number, streamBytes: number): void;
}

/**
 * How coder 0 (`cm`), coder 2 (`cm-ls`, the `max` level before checked buckets) and coder 3
 * (`cm-ls-checked`) code a plane.
 */
const CM: V2CodingOptions = {};
const CM_LS: V2CodingOptions = { leastSquares: true };
const CM_LS_CHECKED: V2CodingOptions = { leastSquares: true, checkedBuckets: true };

/**
 * The context-mixing coders, by name, and how each codes a plane (tiles of these may start from
 * the model's primer).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { CONTEXT_MIXING } from "./tile_coders.ts";
 * strictEqual(CONTEXT_MIXING["cm-ls"]?.leastSquares, true);
 * strictEqual(CONTEXT_MIXING.fast, undefined);
 * ```
 */
export const CONTEXT_MIXING: Readonly<Partial<Record<CoderName, V2CodingOptions>>> = {
  cm: CM,
  "cm-ls": CM_LS,
  "cm-ls-checked": CM_LS_CHECKED,
};

/** The context-mixing coder that codes with `options`. */
function contextMixing(options: V2CodingOptions): TileCoder {
  return {
    encode: (samples, width, height, bits, model) =>
      encodeV2(samples, width, height, bits, model, options),
    decode: (stream, width, height, bits, model) =>
      decodeV2(stream, width, height, bits, model, options),
    checkHolds: checkStreamHolds,
  };
}

/**
 * The coders, by name.
 *
 * @example
 * ```ts
 * import { throws } from "node:assert/strict";
 * import { TILE_CODERS } from "./tile_coders.ts";
 * throws(() => TILE_CODERS.fast.checkHolds(60000, 60000, 8, 60), /too short/);
 * ```
 */
export const TILE_CODERS: Record<CoderName, TileCoder> = {
  cm: contextMixing(CM),
  "cm-ls": contextMixing(CM_LS),
  "cm-ls-checked": contextMixing(CM_LS_CHECKED),
  fast: {
    encode: (samples, width, height, bits) => encodeFast(samples, width, height, bits),
    decode: (stream, width, height, bits) => decodeFast(stream, width, height, bits),
    checkHolds(width, height, _bits, streamBytes) {
      if (width * height > maxFastSamples(streamBytes)) {
        throw new FormatError(
          `fast stream of ${streamBytes} bytes is too short for a ${width}x${height} tile ` +
            `(damaged header or stream)`,
        );
      }
    },
  },
};

/** The coding levels, fastest first; `default` is the default. */
export const LEVEL_NAMES = ["fast", "default", "max"] as const;

/**
 * A coding level (see {@link LEVEL_NAMES}).
 *
 * @example
 * ```ts
 * import type { LevelName } from "./tile_coders.ts";
 * const level: LevelName = "fast";
 * ```
 */
export type LevelName = (typeof LEVEL_NAMES)[number];

/** The coder each level codes with. */
const LEVEL_CODERS: Readonly<Record<LevelName, CoderName>> = {
  fast: "fast",
  default: "cm",
  max: "cm-ls-checked",
};

/** The level of each coder (coder 2 is what `max` coded with before checked buckets). */
const CODER_LEVELS: Readonly<Record<CoderName, LevelName>> = {
  fast: "fast",
  cm: "default",
  "cm-ls": "max",
  "cm-ls-checked": "max",
};

/**
 * The coder a level codes with.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { coderOf } from "./tile_coders.ts";
 * strictEqual(coderOf("fast"), "fast");
 * strictEqual(coderOf("max"), "cm-ls-checked");
 * ```
 */
export function coderOf(level: LevelName): CoderName {
  return LEVEL_CODERS[level];
}

/**
 * The level that codes with `coder`.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { levelOf } from "./tile_coders.ts";
 * strictEqual(levelOf("cm"), "default");
 * strictEqual(levelOf("cm-ls"), "max");
 * ```
 */
export function levelOf(coder: CoderName): LevelName {
  return CODER_LEVELS[coder];
}
