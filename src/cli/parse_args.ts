/**
 * Reading a subcommand's arguments: long and short flags, positionals, and the checks that make a
 * wrong command line a usage error before the command runs.
 *
 * @module
 */
import { parseArgs } from "../deps/cli_args.ts";
import { extensionOf } from "../image/image_file.ts";
import {
  type Command,
  COMMON_FLAGS,
  type FlagSpec,
  type ParsedArgs,
  SHORT_OPTIONS,
} from "./command.ts";
import { UsageError } from "./errors.ts";
import { didYouMean } from "./suggest.ts";

/**
 * A command line as read: the flags and positionals given, and the first thing wrong with it.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import type { CommandLine } from "./parse_args.ts";
 * const line: CommandLine = { values: { json: true }, positionals: [] };
 * strictEqual(line.error, undefined);
 * ```
 */
export interface CommandLine extends ParsedArgs {
  /** What is wrong with the command line, if anything; the command must not run then. */
  error?: UsageError;
}

/** `a`, `a or b`, `a, b or c`. */
function orList(words: readonly string[]): string {
  return words.length < 2 ? words.join("") : `${words.slice(0, -1).join(", ")} or ${words.at(-1)}`;
}

type Token = NonNullable<ReturnType<typeof parseArgs>["tokens"]>[number];

/** What is wrong with the flags given, if anything. */
function flagProblem(flags: Record<string, FlagSpec>, tokens: Token[]): string | undefined {
  const given = new Set<string>();
  for (const token of tokens) {
    if (token.kind !== "option") continue;
    const spec = Object.hasOwn(flags, token.name) ? flags[token.name] : undefined;
    if (spec === undefined) {
      const suggestion = token.rawName.startsWith("--")
        ? didYouMean(token.name, Object.keys(flags), "--")
        : "";
      return `unknown option ${token.rawName}${suggestion}`;
    }
    const flag = `--${token.name}`;
    if (spec.type === "boolean") {
      if (token.value !== undefined) return `${flag} takes no value`;
      continue;
    }
    const value = token.value;
    if (value === undefined) return `${flag} needs a value`;
    if (!token.inlineValue && value.length > 1 && value.startsWith("-")) {
      return `${flag} needs a value before ${value} (or write ${flag}=${value})`;
    }
    if (given.has(token.name)) return `${flag} is given more than once`;
    given.add(token.name);
  }
  return undefined;
}

/** What is wrong with an output file's extension, if anything. */
function extensionProblem(
  flags: Record<string, FlagSpec>,
  values: ParsedArgs["values"],
): string | undefined {
  for (const [name, spec] of Object.entries(flags)) {
    const value = values[name];
    if (spec.outputExtensions === undefined || typeof value !== "string") continue;
    const extension = extensionOf(value);
    if (extension !== "" && !spec.outputExtensions.includes(extension)) {
      const allowed = orList(spec.outputExtensions.map((e) => `.${e}`));
      return `--${name} ${value}: its extension must be ${allowed}, not .${extension}`;
    }
  }
  return undefined;
}

/**
 * Reads a command's arguments: its flags (and the {@link COMMON_FLAGS}), by their long names or
 * their {@link SHORT_OPTIONS}, and positionals. It never throws: what is wrong with the command
 * line is in `error` (an unknown flag, with the closest known one; a missing value; a value flag
 * given twice; a positional the command does not take; `--quiet` with `--verbose`; an output
 * name with another extension than the command writes), and `values` holds what could be read,
 * so that `--json` applies to that error too. A switch given twice is the same as once.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { readCommandLine } from "./parse_args.ts";
 * import { encodeCommand } from "./commands/code.ts";
 * const line = readCommandLine(encodeCommand, ["page.png", "-o", "page.bpc", "-q"]);
 * strictEqual(line.values.output, "page.bpc");
 * strictEqual(line.error, undefined);
 * const typo = readCommandLine(encodeCommand, ["--outptu", "x"]);
 * strictEqual(typo.error?.message, "unknown option --outptu (did you mean --output?)");
 * ```
 */
export function readCommandLine(command: Command, args: string[]): CommandLine {
  const flags = { ...command.flags, ...COMMON_FLAGS };
  const options = Object.fromEntries(
    Object.entries(flags).map(([name, spec]) => {
      const short = SHORT_OPTIONS[name];
      return [name, { type: spec.type, ...(short !== undefined && { short }) }];
    }),
  );
  const { values, positionals, tokens } = parseArgs({
    args,
    options,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const problem = flagProblem(flags, tokens) ??
    (positionals.length > 0 && !command.positionals
      ? `unexpected argument ${JSON.stringify(positionals[0])}`
      : undefined) ??
    (values.quiet && values.verbose
      ? "--quiet and --verbose cannot be used together"
      : undefined) ??
    extensionProblem(flags, values);
  return {
    values,
    positionals,
    error: problem === undefined ? undefined : new UsageError(problem),
  };
}
