/**
 * What every subcommand of the command line is made of, and the shared pieces they use: flags,
 * the input argument, model loading and (re-exported) the {@link Reporter}.
 *
 * @module
 */
import { POLARITY_MODES, type PolarityMode } from "../image/polarity.ts";
import {
  defaultModel,
  FORMAT_NAMES,
  type FormatName,
  type Model,
  parseModel,
} from "../model_file.ts";
import { errorFor, UsageError } from "./errors.ts";
import { readBytes } from "./files.ts";
import type { Reporter } from "./reporter.ts";

export { Reporter } from "./reporter.ts";

/**
 * One flag of a command: a string value or a boolean switch.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import type { FlagSpec } from "./command.ts";
 * const output: FlagSpec = { type: "string", help: "the archive", outputExtensions: ["bpa"] };
 * strictEqual(output.outputExtensions?.[0], "bpa");
 * ```
 */
export interface FlagSpec {
  /** `string` takes a value, `boolean` is a switch. */
  type: "string" | "boolean";
  /** What the flag does, for `--help`. */
  help: string;
  /**
   * For a file the command writes: the extensions (lowercase, without the dot) that its name may
   * end in, checked (in any case) before the command runs. A name without an extension passes.
   */
  outputExtensions?: readonly string[];
}

/** A subcommand: its flags, help text and what it does. */
export interface Command {
  /** The word that selects it. */
  name: string;
  /** One line for the command list. */
  summary: string;
  /** Synopsis, e.g. `encode [--model M.bpm] [-o OUT.bpc|-] IMG|-`. */
  usage: string;
  /** Example command lines. */
  examples: string[];
  /** Flags besides the {@link COMMON_FLAGS}. */
  flags: Record<string, FlagSpec>;
  /** Whether the command takes positional arguments (e.g. `info FILE…`). */
  positionals?: string;
  /** Runs the command; returns the exit code. */
  run(args: ParsedArgs, report: Reporter): Promise<number>;
}

/** Parsed flags and positionals of one command line. */
export interface ParsedArgs {
  /** Flag values by name. */
  values: Record<string, string | boolean | undefined>;
  /** Positional arguments. */
  positionals: string[];
}

/** `--model` and `--format` of the commands that code images. */
export const CODING_MODEL_FLAGS: Record<string, FlagSpec> = {
  model: { type: "string", help: "the model to code with (default: the built-in v2 model)" },
  format: { type: "string", help: "check that the model is of this format: v2 or classic" },
};

/** `--polarity`. */
export const POLARITY_FLAG: Record<string, FlagSpec> = {
  polarity: { type: "string", help: "auto (default), invert or none" },
};

/** `--force`, replacing existing `what`. */
export function forceFlag(what: string): Record<string, FlagSpec> {
  return { force: { type: "boolean", help: `replace ${what}` } };
}

/** Flags every command accepts. */
export const COMMON_FLAGS: Record<string, FlagSpec> = {
  quiet: { type: "boolean", help: "print nothing on success (errors are still printed)" },
  verbose: {
    type: "boolean",
    help: "print details too (encode, decode, verify: the model, each step's time)",
  },
  json: { type: "boolean", help: "print the result (or the error) as one JSON document" },
  help: { type: "boolean", help: "show this help" },
  version: { type: "boolean", help: "print the version" },
};

/** The one-letter form of a flag, by its name: the same letter in every command that has it. */
export const SHORT_OPTIONS: Readonly<Record<string, string>> = {
  output: "o",
  force: "f",
  quiet: "q",
  verbose: "v",
  help: "h",
  version: "V",
};

/** Returns a string flag's value, or throws a usage error when it is missing. */
export function requireFlag(args: ParsedArgs, name: string): string {
  const value = args.values[name];
  if (typeof value !== "string" || value === "") throw new UsageError(`missing --${name}`);
  return value;
}

/**
 * The input of a command that reads one file: given as its one positional argument or as
 * `--input`, not both.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { inputArg } from "./command.ts";
 * strictEqual(inputArg({ values: {}, positionals: ["page.png"] }), "page.png");
 * strictEqual(inputArg({ values: { input: "-" }, positionals: [] }), "-");
 * ```
 */
export function inputArg(args: ParsedArgs): string {
  const [positional, extra] = args.positionals;
  if (extra !== undefined) throw new UsageError(`unexpected argument ${JSON.stringify(extra)}`);
  const flag = optionalFlag(args, "input");
  if (flag !== undefined && positional !== undefined) {
    throw new UsageError(`two inputs: ${JSON.stringify(positional)} and --input ${flag}`);
  }
  const input = flag ?? positional;
  if (input === undefined || input === "") throw new UsageError("missing input (FILE or --input)");
  return input;
}

/** Returns a string flag's value or `undefined`. */
export function optionalFlag(args: ParsedArgs, name: string): string | undefined {
  const value = args.values[name];
  return typeof value === "string" ? value : undefined;
}

/** Reads `--polarity` (default `auto`). */
export function polarityFlag(args: ParsedArgs): PolarityMode {
  const value = optionalFlag(args, "polarity") ?? "auto";
  if (!(POLARITY_MODES as string[]).includes(value)) {
    throw new UsageError(`--polarity must be auto, invert or none, not ${JSON.stringify(value)}`);
  }
  return value as PolarityMode;
}

/** Reads `--format` (default `v2`). */
export function formatFlag(args: ParsedArgs): FormatName {
  const value = optionalFlag(args, "format") ?? FORMAT_NAMES[0];
  if (!(FORMAT_NAMES as string[]).includes(value)) {
    throw new UsageError(`--format must be one of ${FORMAT_NAMES.join(", ")}, not ${value}`);
  }
  return value as FormatName;
}

/**
 * The model to code with: `--model` when given (checked against `--format` if that is given
 * too), else the built-in default model, which is v2.
 */
export async function modelFlag(args: ParsedArgs): Promise<Model> {
  const path = optionalFlag(args, "model");
  const format = args.values.format === undefined ? undefined : formatFlag(args);
  if (path === undefined) {
    if (format === "classic") {
      throw new UsageError("--format classic needs --model (classic has no built-in model)");
    }
    return defaultModel();
  }
  const model = await loadModel(path);
  if (format !== undefined && format !== model.format) {
    throw new UsageError(`--format ${format} does not match the ${model.format} model ${path}`);
  }
  return model;
}

/** Loads and checks a model file. */
export async function loadModel(path: string): Promise<Model> {
  const bytes = await readBytes(path);
  try {
    return await parseModel(bytes);
  } catch (e) {
    throw errorFor(path, e);
  }
}

/**
 * Bits per pixel of `bytes` bytes over `pixels` pixels, as a number with 4 decimals; 0 over no
 * pixels (an archive of other files only), where the quotient means nothing.
 */
export function bitsPerPixel(bytes: number, pixels: number): number {
  return pixels === 0 ? 0 : Math.round((8 * bytes / pixels) * 1e4) / 1e4;
}

/**
 * Reads a flag whose value is a comma-separated list (`--workers 1,2`); `fallback` when the flag
 * is not given.
 *
 * @throws {UsageError} for an empty item or one given twice.
 * @example
 * ```ts
 * import { deepStrictEqual, throws } from "node:assert/strict";
 * import { listFlag } from "./command.ts";
 * deepStrictEqual(listFlag({ values: { workers: "1, 2" }, positionals: [] }, "workers", []), [
 *   "1",
 *   "2",
 * ]);
 * deepStrictEqual(listFlag({ values: {}, positionals: [] }, "levels", ["default"]), ["default"]);
 * throws(() => listFlag({ values: { workers: "1,1" }, positionals: [] }, "workers", []), /twice/);
 * ```
 */
export function listFlag(args: ParsedArgs, name: string, fallback: readonly string[]): string[] {
  const value = optionalFlag(args, name);
  if (value === undefined) return [...fallback];
  const items = value.split(",").map((item) => item.trim());
  items.forEach((item, i) => {
    if (item === "") {
      throw new UsageError(`--${name} has an empty item in ${JSON.stringify(value)}`);
    }
    if (items.indexOf(item) !== i) throw new UsageError(`--${name} lists ${item} twice`);
  });
  return items;
}
