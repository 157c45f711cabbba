/**
 * Assertions for the tests, in one place so that moving to `@std/assert` is a one-file change.
 *
 * @module
 */
export {
  deepStrictEqual as assertEquals,
  match as assertMatch,
  notDeepStrictEqual as assertNotEquals,
  ok as assert,
  rejects as assertRejects,
  throws as assertThrows,
} from "node:assert/strict";
