/**
 * Errors that bpcodec reports to its users.
 *
 * @module
 */

/**
 * What kind of failure a {@link FormatError} is, so that a caller (the command line) can add
 * its own advice (a flag to pass) without parsing the message:
 * - `invalid`: damaged, truncated or malformed input;
 * - `unsupported`: well-formed input of a kind bpcodec does not code (colour, transparency…);
 * - `too-large`: an image larger than the caller's pixel limit;
 * - `multi-page`: a file of several images (TIFF pages, DICOM frames) where one was wanted;
 * - `model-required`: the file was coded with a model that was not given;
 * - `model-mismatch`: the model given is not the one the file was coded with;
 * - `device-failed`: the GPU was lost or refused the work.
 *
 * @example
 * ```ts
 * import type { ErrorCode } from "./errors.ts";
 * const code: ErrorCode = "too-large";
 * ```
 */
export type ErrorCode =
  | "invalid"
  | "unsupported"
  | "too-large"
  | "multi-page"
  | "model-required"
  | "model-mismatch"
  | "device-failed";

/**
 * A file or image that bpcodec cannot accept: malformed, truncated, of an unsupported kind, or
 * made with another model. The message says what is wrong, in one line, without the file name
 * (the caller that knows the name adds it); {@link FormatError.code} says what kind of failure
 * it is.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { FormatError } from "./errors.ts";
 * const error = new FormatError("bad magic: expected BPC1");
 * strictEqual(error instanceof FormatError, true);
 * strictEqual(error.code, "invalid");
 * ```
 */
export class FormatError extends Error {
  /** What kind of failure this is. */
  readonly code: ErrorCode;

  /** Creates the error with a one-line message and its kind (`invalid` unless told). */
  constructor(message: string, code: ErrorCode = "invalid") {
    super(message);
    this.name = "FormatError";
    this.code = code;
  }
}

/**
 * The GPU failed: it was lost, or refused the work or a device. Training can be done again on
 * the CPU, which gives the same model.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { DeviceError, FormatError } from "./errors.ts";
 * const error = new DeviceError("the GPU device was lost");
 * strictEqual(error instanceof FormatError, true);
 * strictEqual(error.code, "device-failed");
 * ```
 */
export class DeviceError extends FormatError {
  /** Creates the error with a one-line message. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, "device-failed");
    this.name = "DeviceError";
    if (options?.cause !== undefined) this.cause = options.cause;
  }
}

/** Characters of file text that {@link quotedFileText} shows as they are. */
const PLAIN_TEXT = /[^\x20-\x7e]/g;

/**
 * Text read from a file (a header card's value, a tag's string), quoted for an error message:
 * cut to `max` characters, in JSON string syntax, every character outside printable ASCII as a
 * `\uXXXX` escape, so that a message stays on one line whatever the file holds.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { quotedFileText } from "./errors.ts";
 * strictEqual(quotedFileText("16"), '"16"');
 * strictEqual(quotedFileText("1\n6\u0085"), '"1\\n6\\u0085"');
 * strictEqual(quotedFileText("abcdef", 3), '"abc\\u2026"');
 * ```
 */
export function quotedFileText(text: string, max = 40): string {
  const cut = text.length > max ? `${text.slice(0, max)}\u2026` : text;
  return JSON.stringify(cut).replace(
    PLAIN_TEXT,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}
