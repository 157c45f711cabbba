/**
 * `--level fast|default|max`: how hard v2 codes (recorded in the file; decoding needs no flag).
 *
 * @module
 */
import { LEVEL_NAMES, type LevelName } from "../v2/tile_coders.ts";
import type { Model } from "../model_file.ts";
import type { FlagSpec, ParsedArgs } from "./command.ts";
import { UsageError } from "./errors.ts";

/** `--level`. */
export const LEVEL_FLAG: Record<string, FlagSpec> = {
  level: {
    type: "string",
    help:
      "v2: fast (tens of MP/s), default (context mixing) or max (adds least squares and four-way checked contexts: smaller, slower)",
  },
};

/**
 * Reads `--level` (default `default`); a classic model has no levels.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { levelFlag } from "./level_flag.ts";
 * strictEqual(levelFlag({ values: { level: "fast" }, positionals: [] }), "fast");
 * ```
 */
export function levelFlag(args: ParsedArgs, model?: Model): LevelName {
  const text = args.values.level;
  if (text === undefined) return "default";
  if (typeof text !== "string" || !(LEVEL_NAMES as readonly string[]).includes(text)) {
    throw new UsageError(`--level must be ${LEVEL_NAMES.join(", ")}, not ${text}`);
  }
  if (model?.format === "classic" && text !== "default") {
    throw new UsageError(`--level ${text} needs a v2 model: the classic format has one level`);
  }
  return text as LevelName;
}
