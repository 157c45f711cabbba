/**
 * bpcodec's own codecs in the bench: one variant per model format, coder level and number of
 * workers coding one image.
 *
 * @module
 */
import { decodeImage, encodeImage } from "../../codec.ts";
import type { Model } from "../../model_file.ts";
import { CodingWorkers } from "../../workers/coding_workers.ts";
import { UsageError } from "../errors.ts";
import type { BenchCodec } from "./bench_codec.ts";
import { LEVEL_NAMES, type LevelName } from "../../v2/tile_coders.ts";

/**
 * The coder levels there are (v2's `LEVEL_NAMES`).
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { CODER_LEVELS } from "./variants.ts";
 * deepStrictEqual(CODER_LEVELS, ["fast", "default", "max"]);
 * ```
 */
export const CODER_LEVELS: readonly string[] = LEVEL_NAMES;

/**
 * The most workers `--workers` may ask for, as in the other commands.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { MAX_CODING_WORKERS } from "./variants.ts";
 * strictEqual(MAX_CODING_WORKERS, 256);
 * ```
 */
export const MAX_CODING_WORKERS = 256;

/**
 * What one variant of ours is: the model (its format decides the codec), the coder level, the
 * workers, and a word for the model when it is not the one the name implies (`trained`).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import type { VariantSpec } from "./variants.ts";
 * import { defaultModel } from "../../model_file.ts";
 * const spec: VariantSpec = { model: await defaultModel(), level: "default", workers: 1 };
 * strictEqual(spec.model.format, "v2");
 * ```
 */
export interface VariantSpec {
  model: Model;
  level: string;
  workers: number;
  modelLabel?: string;
}

/**
 * The variant's name: `bpcodec-` and the format, then the model's label, the level unless it is
 * the default one, and `wN` for more than one worker.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { variantName } from "./variants.ts";
 * strictEqual(variantName("v2", "default", 1), "bpcodec-v2");
 * strictEqual(variantName("v2", "fast", 2, "trained"), "bpcodec-v2-trained-fast-w2");
 * ```
 */
export function variantName(
  format: string,
  level: string,
  workers: number,
  modelLabel?: string,
): string {
  return [
    "bpcodec",
    format,
    ...(modelLabel === undefined ? [] : [modelLabel]),
    ...(level === "default" ? [] : [level]),
    ...(workers === 1 ? [] : [`w${workers}`]),
  ].join("-");
}

/**
 * One variant of ours as a bench codec: whole `.bpc` files, made and read by the library's
 * `encodeImage` and `decodeImage`; with more than one worker, v2 tiles are coded on a pool of
 * that many Web Workers (started by the first image, ended by `close`). An image of up to
 * 2048 × 2048 pixels is one tile, so more workers code it no faster.
 *
 * @throws {UsageError} for a classic model with more than one worker (classic has no tiles).
 * @example
 * ```ts
 * import { deepStrictEqual, strictEqual } from "node:assert/strict";
 * import { bpcodecVariant } from "./variants.ts";
 * import { defaultModel } from "../../model_file.ts";
 * const v2 = bpcodecVariant({ model: await defaultModel(), level: "default", workers: 2 });
 * strictEqual(v2.name, "bpcodec-v2-w2");
 * try {
 *   const image = { width: 2, height: 1, maxValue: 255, data: new Uint16Array([3, 4]) };
 *   const { bytes } = await v2.encode(image);
 *   deepStrictEqual((await v2.decode(bytes, image)).samples, image.data);
 * } finally {
 *   v2.close?.();
 * }
 * ```
 */
export function bpcodecVariant(spec: VariantSpec): BenchCodec {
  const { model, level, workers, modelLabel } = spec;
  if (model.format === "classic" && level !== "default") {
    throw new UsageError(`--levels ${level}: the classic format has one level (default)`);
  }
  if (model.format === "classic" && workers > 1) {
    throw new UsageError(`--workers ${workers}: classic codes an image in one thread (use 1)`);
  }
  let pool: CodingWorkers | undefined;
  const runner = () => workers > 1 ? (pool ??= new CodingWorkers(workers)) : undefined;
  return {
    name: variantName(model.format, level, workers, modelLabel),
    kind: "bpcodec",
    level,
    workers,
    about: `bpcodec ${model.format}${modelLabel === undefined ? "" : ` (${modelLabel} model)`}, ` +
      `level ${level}, ${workers} worker${workers === 1 ? "" : "s"}, whole .bpc files`,
    encode: async (image) => ({
      bytes: await encodeImage(image, model, { runner: runner(), level: level as LevelName }),
    }),
    decode: async (bytes) => {
      const { width, height, data } = await decodeImage(bytes, model, { runner: runner() });
      return { width, height, samples: data };
    },
    close: () => pool?.close(),
  };
}

/**
 * One variant per level and worker count (levels outermost), all with the same model.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { bpcodecVariants } from "./variants.ts";
 * import { defaultModel } from "../../model_file.ts";
 * const variants = bpcodecVariants(await defaultModel(), ["default"], [1]);
 * deepStrictEqual(variants.map((v) => v.name), ["bpcodec-v2"]);
 * ```
 */
export function bpcodecVariants(
  model: Model,
  levels: readonly string[],
  workerCounts: readonly number[],
): BenchCodec[] {
  return levels.flatMap((level) =>
    workerCounts.map((workers) => bpcodecVariant({ model, level, workers }))
  );
}

/**
 * Reads `--levels`: coder levels from {@link CODER_LEVELS}.
 *
 * @throws {UsageError} for a level the coder does not have.
 * @example
 * ```ts
 * import { deepStrictEqual, throws } from "node:assert/strict";
 * import { checkLevels } from "./variants.ts";
 * deepStrictEqual(checkLevels(["default"]), ["default"]);
 * throws(() => checkLevels(["fastest"]), /--levels: the coder has no level fastest/);
 * ```
 */
export function checkLevels(levels: readonly string[]): string[] {
  for (const level of levels) {
    if (!CODER_LEVELS.includes(level)) {
      throw new UsageError(
        `--levels: the coder has no level ${level} (it has ${CODER_LEVELS.join(", ")})`,
      );
    }
  }
  return [...levels];
}

/**
 * Reads `--workers`: worker counts from 1 to {@link MAX_CODING_WORKERS}.
 *
 * @throws {UsageError} for anything else.
 * @example
 * ```ts
 * import { deepStrictEqual, throws } from "node:assert/strict";
 * import { checkWorkerCounts } from "./variants.ts";
 * deepStrictEqual(checkWorkerCounts(["1", "2"]), [1, 2]);
 * throws(() => checkWorkerCounts(["0"]), /--workers: 0 is not a whole number from 1 to 256/);
 * ```
 */
export function checkWorkerCounts(counts: readonly string[]): number[] {
  return counts.map((text) => {
    const count = Number(text);
    if (!/^[0-9]+$/.test(text) || count < 1 || count > MAX_CODING_WORKERS) {
      throw new UsageError(
        `--workers: ${text} is not a whole number from 1 to ${MAX_CODING_WORKERS}`,
      );
    }
    return count;
  });
}
