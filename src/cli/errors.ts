/**
 * Errors the command line reports as one line and an exit code.
 *
 * @module
 */
import { type ErrorCode, FormatError } from "../errors.ts";

/**
 * A failure to report to the user: `file: reason` (or just the reason), exit code 1. The file and
 * the reason are also kept apart, for `--json`.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { CliError } from "./errors.ts";
 * const error = new CliError("scan.png", "not a PNG, PGM/PNM, TIFF, DICOM or FITS image");
 * strictEqual(error.message, "scan.png: not a PNG, PGM/PNM, TIFF, DICOM or FITS image");
 * ```
 */
export class CliError extends Error {
  /** What kind of failure it is, when the library said (for the advice {@link hintFor} adds). */
  readonly code: ErrorCode | undefined;
  /** The file the failure is about, if any. */
  readonly file: string | undefined;
  /** What went wrong, without the file name. */
  readonly reason: string;

  /** Creates the error; `file` (when given) starts the message. */
  constructor(file: string | undefined, reason: string, code?: ErrorCode) {
    super(file === undefined ? reason : `${file}: ${reason}`);
    this.name = "CliError";
    this.code = code;
    this.file = file;
    this.reason = reason;
  }
}

/** What the command line advises for each kind of library failure. */
const HINTS: Partial<Record<ErrorCode, string>> = {
  "model-required": "pass the model it was coded with: --model M.bpm",
  "model-mismatch": "pass the model it was coded with: --model M.bpm",
  "too-large": "raise --max-pixels to accept it",
  "multi-page": "put it in a folder and `bpcodec pack` the folder, which keeps every page",
  "device-failed": "run with --device cpu, which trains the same model",
};

/**
 * The command line's advice for a kind of library failure, if it has one.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { hintFor } from "./errors.ts";
 * strictEqual(hintFor("too-large"), "raise --max-pixels to accept it");
 * strictEqual(hintFor("invalid"), undefined);
 * ```
 */
export function hintFor(code: ErrorCode | undefined): string | undefined {
  return code && HINTS[code];
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
  const code = error instanceof FormatError ? error.code : undefined;
  return new CliError(file, error instanceof Error ? error.message : String(error), code);
}
