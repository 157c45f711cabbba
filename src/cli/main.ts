/**
 * The `bpcodec` command line: subcommand dispatch, help, version and error reporting.
 *
 * @module
 */
import { VERSION } from "../version.ts";
import { type Command, COMMON_FLAGS, type FlagSpec, SHORT_OPTIONS } from "./command.ts";
import { ALL_COMMANDS } from "./commands/index.ts";
import { FormatError } from "../errors.ts";
import { CliError, hintFor, UsageError } from "./errors.ts";
import { readCommandLine } from "./parse_args.ts";
import { Reporter } from "./reporter.ts";
import { didYouMean } from "./suggest.ts";

/** Every subcommand, in the order help lists them. */
export const COMMANDS: readonly Command[] = ALL_COMMANDS;

function optionHelp(name: string, spec: FlagSpec): string {
  const short = SHORT_OPTIONS[name];
  const long = `--${name}${spec.type === "string" ? " VALUE" : ""}`;
  return `  ${short === undefined ? "    " : `-${short}, `}${long.padEnd(22)} ${spec.help}`;
}

function commandHelp(command: Command): string {
  return [
    `bpcodec ${command.name}: ${command.summary}`,
    "",
    `Usage: bpcodec ${command.usage}`,
    "",
    "Options:",
    ...Object.entries({ ...command.flags, ...COMMON_FLAGS }).map(([n, s]) => optionHelp(n, s)),
    "",
    "Examples:",
    ...command.examples.map((e) => `  ${e}`),
  ].join("\n");
}

function mainHelp(): string {
  return [
    `bpcodec ${VERSION}: strictly lossless grayscale image codec with trained bit-plane models`,
    "",
    "Usage: bpcodec COMMAND [options]     (bpcodec COMMAND --help for a command's options)",
    "",
    "Commands:",
    ...COMMANDS.map((c) => `  ${c.name.padEnd(8)} ${c.summary}`),
    `  ${"help".padEnd(8)} show help for a command`,
    "",
    "Options: -h, --help; -V, --version",
    "Every command takes -q/--quiet, -v/--verbose, --json, -h/--help and -V/--version.",
    "The file - is stdin (encode, decode, verify, info) or, as -o -, stdout (encode, decode).",
    "",
    "Examples:",
    "  bpcodec encode page1.png                     # built-in model, writes page1.bpc",
    "  bpcodec decode page1.bpc -o page1.png",
    "  bpcodec train --input-dir scans/train --model scans.bpm",
    "  bpcodec encode --model scans.bpm page1.png -o page1.bpc",
    "  bpcodec decode --model scans.bpm page1.bpc -o page1.png",
    "  bpcodec encode - < page1.pgm | bpcodec decode --output-format pgm - > same.pgm",
  ].join("\n");
}

/** What is wrong with `bpcodec WORD …` when WORD is no command. */
function unknownCommand(word: string): string {
  const names = COMMANDS.map((c) => c.name);
  if (!word.startsWith("-")) {
    return `unknown command ${JSON.stringify(word)}${didYouMean(word, names)}`;
  }
  const name = word.replace(/^--?/, "").split("=")[0];
  const commandOption = [...COMMANDS.map((c) => c.flags), COMMON_FLAGS]
    .some((flags) => Object.hasOwn(flags, name)) || Object.values(SHORT_OPTIONS).includes(name);
  return commandOption
    ? `unknown option ${word} before the command (it goes after it: bpcodec COMMAND ${word} …)`
    : `unknown option ${word}${didYouMean(name, ["help", "version"], "--")}`;
}

/** Reports a failure of `command` (thrown by it or by its command line); returns the exit code. */
function reportFailure(report: Reporter, command: string, error: unknown): number {
  if (error instanceof UsageError) {
    report.failure(error.message, undefined, `see bpcodec ${command} --help`);
    return 2;
  }
  if (error instanceof CliError) {
    report.failure(error.reason, error.file, hintFor(error.code), error.code);
  } else if (error instanceof FormatError) {
    report.failure(error.message, undefined, hintFor(error.code), error.code);
  } else {
    // A bug, not bad input: still one line, with the stack only when asked for.
    if (Deno.env.get("BPCODEC_DEBUG")) console.error(error);
    report.failure(`internal error: ${(error as Error).message}`);
  }
  return 1;
}

/**
 * Runs the command line with the given arguments (without the program name) and returns the
 * exit code: 0 on success, 1 on a failure (reported as one line on stderr), 2 on a usage error.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { main } from "./main.ts";
 * strictEqual(await main(["--version"]), 0); // after printing "bpcodec 0.1.0"
 * ```
 */
export async function main(args: string[]): Promise<number> {
  const [name, ...rest] = args;
  if (name === undefined || name === "--help" || name === "-h") {
    console.log(mainHelp());
    return name === undefined ? 2 : 0;
  }
  if (name === "--version" || name === "-V") {
    console.log(`bpcodec ${VERSION}`);
    return 0;
  }
  const wanted = name === "help" ? rest[0] : name;
  const command = COMMANDS.find((c) => c.name === wanted);
  if (name === "help" && (wanted === undefined || command)) {
    console.log(command ? commandHelp(command) : mainHelp());
    return 0;
  }
  if (!command) {
    const report = new Reporter({ json: args.includes("--json") });
    report.failure(unknownCommand(wanted ?? ""), undefined, "see bpcodec --help");
    return 2;
  }
  const line = readCommandLine(command, rest);
  const report = new Reporter({
    command: command.name,
    json: line.values.json === true,
    quiet: line.values.quiet === true,
    verbose: line.values.verbose === true,
  });
  try {
    if (line.error) throw line.error;
    if (line.values.help) {
      console.log(commandHelp(command));
      return 0;
    }
    if (line.values.version) {
      console.log(`bpcodec ${VERSION}`);
      return 0;
    }
    return await command.run(line, report);
  } catch (e) {
    return reportFailure(report, command.name, e);
  }
}
