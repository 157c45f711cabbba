/**
 * Assertions for the tests, in one place so that moving to `@std/assert` is a one-file change.
 * `assertRejects` and `assertThrows` read a class and a string as `@std/assert` does (an error
 * of that class whose message includes the string): node's `rejects` and `throws` take that
 * string as the message to fail with, and so checked the class alone.
 *
 * @module
 */
import { AssertionError, rejects, throws } from "node:assert/strict";

export {
  deepStrictEqual as assertEquals,
  match as assertMatch,
  notDeepStrictEqual as assertNotEquals,
  ok as assert,
} from "node:assert/strict";

/** What node's `rejects` and `throws` take to check an error. */
type Expected = NonNullable<Parameters<typeof throws>[1]>;

/** An error class and the text its message must include, as a validation function. */
function includes(
  expected: Expected,
  text: string | undefined,
): Expected {
  if (typeof expected !== "function" || text === undefined) return expected;
  const errorClass = expected as new (...args: never[]) => Error;
  if (errorClass !== Error && !(errorClass.prototype instanceof Error)) return expected;
  return (error: unknown) => {
    if (!(error instanceof errorClass) || !error.message.includes(text)) {
      throw new AssertionError({
        message: `expected ${errorClass.name} including ${JSON.stringify(text)}, got ${
          error instanceof Error ? `${error.constructor.name}: ${error.message}` : String(error)
        }`,
      });
    }
    return true;
  };
}

/** Asserts that `run` rejects: with `expected` (node's forms), or a class and a message part. */
export function assertRejects(
  run: (() => Promise<unknown>) | Promise<unknown>,
  expected?: Expected,
  text?: string,
): Promise<void> {
  if (expected === undefined) return rejects(run);
  const check = includes(expected, text);
  return check === expected ? rejects(run, expected, text) : rejects(run, check);
}

/** Asserts that `run` throws: with `expected` (node's forms), or a class and a message part. */
export function assertThrows(run: () => unknown, expected?: Expected, text?: string): void {
  if (expected === undefined) return throws(run);
  const check = includes(expected, text);
  if (check === expected) throws(run, expected, text);
  else throws(run, check);
}
