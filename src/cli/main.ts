/**
 * The `bpcodec` command line: subcommand dispatch, help, version and error reporting.
 *
 * @module
 */
import { VERSION } from "../version.ts";
import { type Command, COMMON_FLAGS, parseCommandArgs, Reporter } from "./command.ts";
import { ALL_COMMANDS } from "./commands/index.ts";
import { FormatError } from "../errors.ts";
import { CliError, UsageError } from "./errors.ts";

/** Every subcommand, in the order help lists them. */
export const COMMANDS: readonly Command[] = ALL_COMMANDS;

function commandHelp(command: Command): string {
  const flags = Object.entries({ ...command.flags, ...COMMON_FLAGS }).map(([name, spec]) =>
    `  --${(name + (spec.type === "string" ? " VALUE" : "")).padEnd(18)} ${spec.help}`
  );
  return [
    `bpcodec ${command.name}: ${command.summary}`,
    "",
    `Usage: bpcodec ${command.usage}`,
    "",
    "Options:",
    ...flags,
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
    "Options: --help, --version",
    "",
    "Example:",
    "  bpcodec train --input-dir scans/train --model scans.bpm",
    "  bpcodec encode --model scans.bpm --input page1.png --output page1.bpc",
    "  bpcodec decode --model scans.bpm --input page1.bpc --output page1.png",
  ].join("\n");
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
  if (name === "help") {
    const command = COMMANDS.find((c) => c.name === rest[0]);
    console.log(command ? commandHelp(command) : mainHelp());
    return rest[0] === undefined || command ? 0 : 2;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    console.error(`bpcodec: unknown command ${JSON.stringify(name)} (see bpcodec --help)`);
    return 2;
  }
  try {
    const parsed = parseCommandArgs(command, rest);
    if (parsed.values.help) {
      console.log(commandHelp(command));
      return 0;
    }
    return await command.run(parsed, new Reporter(parsed.values.json === true));
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`bpcodec ${command.name}: ${e.message} (see bpcodec ${command.name} --help)`);
      return 2;
    }
    if (e instanceof CliError || e instanceof FormatError) {
      console.error(`bpcodec ${command.name}: ${e.message}`);
      return 1;
    }
    // A bug, not bad input: still one line, with the stack only when asked for.
    if (Deno.env.get("BPCODEC_DEBUG")) console.error(e);
    console.error(`bpcodec ${command.name}: internal error: ${(e as Error).message}`);
    return 1;
  }
}
