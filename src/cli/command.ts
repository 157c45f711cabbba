/**
 * What every subcommand of the command line is made of, and the shared pieces they use:
 * argument parsing, model loading, reporting and progress.
 *
 * @module
 */
import { parseArgs } from "../deps/cli_args.ts";
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

/** One flag of a command: a string value or a boolean switch. */
export interface FlagSpec {
  /** `string` takes a value, `boolean` is a switch. */
  type: "string" | "boolean";
  /** What the flag does, for `--help`. */
  help: string;
}

/** A subcommand: its flags, help text and what it does. */
export interface Command {
  /** The word that selects it. */
  name: string;
  /** One line for the command list. */
  summary: string;
  /** Synopsis, e.g. `encode --model M.bpm --input IMG [--output OUT.bpc]`. */
  usage: string;
  /** Example command lines. */
  examples: string[];
  /** Flags besides `--help` and `--json`. */
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
  help: { type: "boolean", help: "show this help" },
  json: { type: "boolean", help: "print the result as one JSON document on stdout" },
};

/** Parses a command's arguments strictly: unknown flags and missing values are usage errors. */
export function parseCommandArgs(command: Command, args: string[]): ParsedArgs {
  const options: Record<string, { type: "string" | "boolean"; short?: string }> = {};
  for (const [name, spec] of Object.entries({ ...COMMON_FLAGS, ...command.flags })) {
    options[name] = { type: spec.type };
  }
  options.help.short = "h";
  try {
    const { values, positionals } = parseArgs({
      args,
      options,
      strict: true,
      allowPositionals: true,
    });
    if (positionals.length > 0 && !command.positionals && !values.help) {
      throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
    }
    return { values: values as ParsedArgs["values"], positionals };
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError((e as Error).message.split("\n")[0]);
  }
}

/** Returns a string flag's value, or throws a usage error when it is missing. */
export function requireFlag(args: ParsedArgs, name: string): string {
  const value = args.values[name];
  if (typeof value !== "string" || value === "") throw new UsageError(`missing --${name}`);
  return value;
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
 * Prints results: human-readable lines, or (with `--json`) one JSON document at the end; and
 * progress on a terminal.
 */
export class Reporter {
  #json: boolean;
  #progressShown = false;
  #encoder = new TextEncoder();

  /** Creates a reporter; `json` selects machine-readable output. */
  constructor(json: boolean) {
    this.#json = json;
  }

  /** Whether output is JSON. */
  get json(): boolean {
    return this.#json;
  }

  /** Prints a line of human-readable output (nothing in JSON mode). */
  line(text: string): void {
    if (this.#json) return;
    this.#clearProgress();
    console.log(text);
  }

  /** Prints a warning line on stderr (in every mode: it is not part of the result). */
  warning(text: string): void {
    this.#clearProgress();
    console.error(text);
  }

  /** Prints the JSON result (JSON mode only). */
  result(value: unknown): void {
    if (this.#json) console.log(JSON.stringify(value, null, 2));
  }

  /** Shows `[done/total] what` on a terminal's stderr; nothing when not a terminal. */
  progress(done: number, total: number, what: string): void {
    if (!Deno.stderr.isTerminal()) return;
    const text = `[${done}/${total}] ${what}`.slice(0, 78);
    Deno.stderr.writeSync(this.#encoder.encode(`\r\x1b[K${text}`));
    this.#progressShown = true;
  }

  /** Removes the progress line. */
  #clearProgress(): void {
    if (!this.#progressShown) return;
    Deno.stderr.writeSync(this.#encoder.encode("\r\x1b[K"));
    this.#progressShown = false;
  }

  /** Ends progress display. */
  done(): void {
    this.#clearProgress();
  }
}

/** Bits per pixel of `bytes` bytes over `pixels` pixels, as a number with 4 decimals. */
export function bitsPerPixel(bytes: number, pixels: number): number {
  return Math.round((8 * bytes / pixels) * 1e4) / 1e4;
}
