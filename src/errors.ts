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

/** What {@link quotedFileText} escapes: every character outside printable ASCII. */
const NOT_PRINTABLE_ASCII = /[^\x20-\x7e]/g;
/** What it escapes in `unicode` mode: what JSON leaves of what terminals act on. */
const TERMINAL_CONTROLS = /[\u007f-\u009f\u2028\u2029]/g;

/**
 * Text read from a file (a header card's value, a tag's string, an entry's name), quoted for a
 * message: cut to `options.max` characters (40 by default), in JSON string syntax, every
 * character outside printable ASCII as a `\uXXXX` escape (with `options.unicode`, only control
 * characters and line separators: names in any script stay readable), so that a message stays on
 * one line and sends no control sequence to a terminal, whatever the file holds.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { quotedFileText } from "./errors.ts";
 * strictEqual(quotedFileText("16"), '"16"');
 * strictEqual(quotedFileText("1\n6\u0085"), '"1\\n6\\u0085"');
 * strictEqual(quotedFileText("abcdef", { max: 3 }), '"abc\\u2026"');
 * strictEqual(quotedFileText("página\u001b", { unicode: true }), '"página\\u001b"');
 * ```
 */
export function quotedFileText(
  text: string,
  options: { max?: number; unicode?: boolean } = {},
): string {
  const max = options.max ?? 40;
  const cut = text.length > max ? `${text.slice(0, max)}\u2026` : text;
  return JSON.stringify(cut).replace(
    options.unicode ? TERMINAL_CONTROLS : NOT_PRINTABLE_ASCII,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/**
 * An entry's name (read from an archive or a folder) quoted for a message: {@link quotedFileText}
 * in `unicode` mode, cut to 200 characters.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { quotedName } from "./errors.ts";
 * strictEqual(quotedName("scans/página\n1.png"), '"scans/página\\n1.png"');
 * ```
 */
export function quotedName(name: string): string {
  return quotedFileText(name, { max: 200, unicode: true });
}
