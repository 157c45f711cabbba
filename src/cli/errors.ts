/**
 * Errors the command line reports as one line and an exit code.
 *
 * @module
 */

/**
 * A failure to report to the user: `file: reason` (or just the reason), exit code 1.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { CliError } from "./errors.ts";
 * const error = new CliError("scan.png", "not a PNG or PGM/PNM image");
 * strictEqual(error.message, "scan.png: not a PNG or PGM/PNM image");
 * ```
 */
export class CliError extends Error {
  /** Creates the error; `file` (when given) starts the message. */
  constructor(file: string | undefined, reason: string) {
    super(file === undefined ? reason : `${file}: ${reason}`);
    this.name = "CliError";
  }
}

/**
 * A wrong command line (unknown flag, missing argument): exit code 2.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { UsageError } from "./errors.ts";
 * strictEqual(new UsageError("missing --input").message, "missing --input");
 * ```
 */
export class UsageError extends Error {
  /** Creates the error with a one-line message. */
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/**
 * Wraps an error thrown while handling `file` into a {@link CliError} that names the file.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { errorFor } from "./errors.ts";
 * strictEqual(errorFor("a.bpc", new Error("truncated")).message, "a.bpc: truncated");
 * ```
 */
export function errorFor(file: string, error: unknown): CliError | UsageError {
  if (error instanceof CliError || error instanceof UsageError) return error;
  return new CliError(file, error instanceof Error ? error.message : String(error));
}
