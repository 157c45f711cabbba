/**
 * The command-line argument parser, in one place so that moving to `@std/cli` is a one-file
 * change.
 *
 * @module
 */
export { parseArgs } from "node:util";
