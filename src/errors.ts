/**
 * Errors that bpcodec reports to its users.
 *
 * @module
 */

/**
 * A file or image that bpcodec cannot accept: malformed, truncated, of an unsupported kind, or
 * made with another model. The message says what is wrong, in one line, without the file name
 * (the caller that knows the name adds it).
 *
 * @example
 * ```ts
 * import { throws } from "node:assert/strict";
 * import { FormatError } from "./errors.ts";
 * throws(() => {
 *   throw new FormatError("bad magic: expected BPC1");
 * }, FormatError);
 * ```
 */
export class FormatError extends Error {
  /** Creates the error with a one-line message. */
  constructor(message: string) {
    super(message);
    this.name = "FormatError";
  }
}
