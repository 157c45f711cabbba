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
import { decodeV2, encodeV2, rangeCoderOptions } from "./codec.ts";
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

/** The names of the context-mixing coders: every coder but `fast`. */
export type ContextMixingCoder = Exclude<CoderName, "fast">;

/** Coder 6's features; coder 8 adds phase sets. */
const CODER_6: V2CodingOptions = { checkedWays: 2, rateDecay: true, splitApmUpdates: true };
/** Coder 7's features; coder 9 adds phase sets. */
const CODER_7: V2CodingOptions = { ...CODER_6, leastSquares: true, checkedWays: 4 };
/** Coder 8's features; coder 11 looks up six of its hashed contexts. */
const CODER_8: V2CodingOptions = { ...CODER_6, phaseSets: true };
/** Coder 9's features; coder 10 adds a large hashed table. */
const CODER_9: V2CodingOptions = { ...CODER_7, phaseSets: true };
/** Coder 10's features; coder 13 adds 16-bit probabilities. */
const CODER_10: V2CodingOptions = { ...CODER_9, largeHashTable: true };
/** Coder 11's features; coder 12 adds 16-bit probabilities. */
const CODER_11: V2CodingOptions = { ...CODER_8, hashedContexts: [0, 3, 6, 7, 8, 9] };

/**
 * The context-mixing coders, by name, and how each codes a plane (tiles of these may start from
 * the model's primer): coder 0 (`cm`, the `default` level before decaying rates), coder 2
 * (`cm-ls`, the `max` level before checked buckets), coder 3 (`cm-ls-checked`, the `max` level
 * before decaying rates), coder 4 (`cm-decay`) and coder 5 (`cm-ls-checked-decay`), the
 * levels before split APM updates, coder 6 (`cm-checked2-decay-split-apm`: coder 4 with buckets
 * checked among two and split APM updates) and coder 7 (`cm-ls-checked-decay-split-apm`: coder 5
 * with split APM updates), the levels before phase sets, and coders 8
 * (`cm-checked2-decay-split-apm-phase`, the `default` level before six hashed contexts) and 9
 * (`cm-ls-checked-decay-split-apm-phase`, the `max` level before large hashed tables): coders 6
 * and 7 with phase sets, coder 10 (`cm-ls-checked-decay-split-apm-phase-h24`, the `max` level):
 * coder 9 with a hashed table of up to 2^24 slots, coder 11
 * (`cm-checked2-decay-split-apm-phase-hashed6`, the `default` level before 16-bit
 * probabilities): coder 8 looking up six of the model's ten hashed contexts (0, 3, 6, 7, 8 and
 * 9), and coders 12 (`cm-checked2-decay-split-apm-phase-hashed6-p16`, the `default` level) and 13
 * (`cm-ls-checked-decay-split-apm-phase-h24-p16`, the `max` level): coders 11 and 10 with 16-bit
 * probabilities (certainty slots).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { CONTEXT_MIXING } from "./tile_coders.ts";
 * strictEqual(CONTEXT_MIXING["cm-ls"]?.leastSquares, true);
 * strictEqual(CONTEXT_MIXING["cm-decay"]?.rateDecay, true);
 * strictEqual(CONTEXT_MIXING["cm-checked2-decay-split-apm"]?.splitApmUpdates, true);
 * strictEqual(CONTEXT_MIXING["cm-checked2-decay-split-apm-phase"]?.phaseSets, true);
 * strictEqual(CONTEXT_MIXING["cm-ls-checked-decay-split-apm-phase-h24"]?.largeHashTable, true);
 * strictEqual(CONTEXT_MIXING["cm-checked2-decay-split-apm-phase-hashed6"]?.hashedContexts?.length, 6);
 * strictEqual(CONTEXT_MIXING["cm-ls-checked-decay-split-apm-phase-h24-p16"]?.certainty, true);
 * ```
 */
export const CONTEXT_MIXING: Readonly<Record<ContextMixingCoder, V2CodingOptions>> = {
  cm: {},
  "cm-ls": { leastSquares: true },
  "cm-ls-checked": { leastSquares: true, checkedWays: 4 },
  "cm-decay": { rateDecay: true },
  "cm-ls-checked-decay": { leastSquares: true, checkedWays: 4, rateDecay: true },
  "cm-checked2-decay-split-apm": CODER_6,
  "cm-ls-checked-decay-split-apm": CODER_7,
  "cm-checked2-decay-split-apm-phase": CODER_8,
  "cm-ls-checked-decay-split-apm-phase": CODER_9,
  "cm-ls-checked-decay-split-apm-phase-h24": CODER_10,
  "cm-checked2-decay-split-apm-phase-hashed6": CODER_11,
  "cm-checked2-decay-split-apm-phase-hashed6-p16": { ...CODER_11, certainty: true },
  "cm-ls-checked-decay-split-apm-phase-h24-p16": { ...CODER_10, certainty: true },
};

/** The context-mixing coder that codes with `options`. */
function contextMixing(options: V2CodingOptions): TileCoder {
  return {
    encode: (samples, width, height, bits, model) =>
      encodeV2(samples, width, height, bits, model, options),
    decode: (stream, width, height, bits, model) =>
      decodeV2(stream, width, height, bits, model, options),
    checkHolds: (width, height, bits, streamBytes) =>
      checkStreamHolds(width, height, bits, streamBytes, rangeCoderOptions(options)),
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
export const TILE_CODERS: Readonly<Record<CoderName, TileCoder>> = {
  ...mapValues(CONTEXT_MIXING, contextMixing),
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

/** `record` with `f` applied to each value. */
function mapValues<K extends string, V, W>(
  record: Readonly<Record<K, V>>,
  f: (v: V) => W,
): Record<K, W> {
  return Object.fromEntries(Object.entries<V>(record).map(([k, v]) => [k, f(v)])) as Record<K, W>;
}

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
  default: "cm-checked2-decay-split-apm-phase-hashed6-p16",
  max: "cm-ls-checked-decay-split-apm-phase-h24-p16",
};

/** The level of each coder (coders 0 and 2 to 11 are what the levels coded with before). */
const CODER_LEVELS: Readonly<Record<CoderName, LevelName>> = {
  fast: "fast",
  cm: "default",
  "cm-ls": "max",
  "cm-ls-checked": "max",
  "cm-decay": "default",
  "cm-ls-checked-decay": "max",
  "cm-checked2-decay-split-apm": "default",
  "cm-ls-checked-decay-split-apm": "max",
  "cm-checked2-decay-split-apm-phase": "default",
  "cm-ls-checked-decay-split-apm-phase": "max",
  "cm-ls-checked-decay-split-apm-phase-h24": "max",
  "cm-checked2-decay-split-apm-phase-hashed6": "default",
  "cm-checked2-decay-split-apm-phase-hashed6-p16": "default",
  "cm-ls-checked-decay-split-apm-phase-h24-p16": "max",
};

/**
 * The coder a level codes with.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { coderOf } from "./tile_coders.ts";
 * strictEqual(coderOf("fast"), "fast");
 * strictEqual(coderOf("max"), "cm-ls-checked-decay-split-apm-phase-h24-p16");
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
