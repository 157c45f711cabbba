/**
 * `--max-pixels`: the pixel limit of every command that reads or decodes images, and
 * `--keep-going`: report and skip a bad input instead of stopping.
 *
 * @module
 */
import { DEFAULT_MAX_PIXELS, type ImageLimits } from "../image/limits.ts";
import type { FlagSpec, ParsedArgs } from "./command.ts";
import { UsageError } from "./errors.ts";

/** `--max-pixels`. */
export const MAX_PIXELS_FLAG: Record<string, FlagSpec> = {
  "max-pixels": {
    type: "string",
    help: `refuse images of more pixels than this (default ${DEFAULT_MAX_PIXELS}, a gigapixel)`,
  },
};

/** `--keep-going`. */
export const KEEP_GOING_FLAG: Record<string, FlagSpec> = {
  "keep-going": {
    type: "boolean",
    help: `report and skip a file that cannot be read, coded or named; go on (exit code 3)`,
  },
};

/** Exit code of a command that completed but skipped some inputs (`--keep-going`). */
export const EXIT_SKIPPED = 3;

/**
 * Reads `--max-pixels` (a whole number, or with a `k`, `M` or `G` suffix).
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { maxPixelsFlag } from "./limits_flag.ts";
 * deepStrictEqual(maxPixelsFlag({ values: { "max-pixels": "50M" }, positionals: [] }), {
 *   maxPixels: 50_000_000,
 * });
 * ```
 */
export function maxPixelsFlag(args: ParsedArgs): ImageLimits {
  const text = args.values["max-pixels"];
  if (typeof text !== "string") return {};
  const match = /^(\d+)([kMG]?)$/.exec(text);
  const scale = { "": 1, k: 1e3, M: 1e6, G: 1e9 }[match?.[2] ?? ""] ?? 1;
  const value = match ? Number(match[1]) * scale : NaN;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new UsageError(
      `--max-pixels must be a whole number of pixels (e.g. 200000000 or 200M), not ${text}`,
    );
  }
  return { maxPixels: value };
}
