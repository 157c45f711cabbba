/**
 * The list of subcommands.
 *
 * @module
 */
import type { Command } from "../command.ts";
import { extractCommand, listCommand, packCommand, unpackCommand } from "./archive.ts";
import { benchCommand } from "./bench.ts";
import { decodeCommand, encodeCommand } from "./code.ts";
import { infoCommand } from "./info.ts";
import { trainCommand } from "./train.ts";
import { verifyCommand } from "./verify.ts";

/** Every subcommand, in the order help lists them. */
export const ALL_COMMANDS: readonly Command[] = [
  trainCommand,
  encodeCommand,
  decodeCommand,
  verifyCommand,
  packCommand,
  unpackCommand,
  extractCommand,
  listCommand,
  infoCommand,
  benchCommand,
];
