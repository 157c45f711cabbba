/**
 * The fuzz test: a few thousand deterministic mutants of every parser and decoder (see
 * `fuzz/oracle.ts` for what counts as a failure); `deno task fuzz` runs the long campaign.
 * Two small tests first check the harness itself: the oracle's reading of errors, and that a
 * case is the same case wherever it runs.
 *
 * @module
 */
import { FormatError } from "../src/errors.ts";
import { assert, assertEquals } from "./assert.ts";
import { prepare, runCase } from "./fuzz/cases.ts";
import { judgeError } from "./fuzz/oracle.ts";
import { runFuzz } from "./fuzz/pool.ts";
import { TARGET_NAMES } from "./fuzz/targets.ts";

Deno.test("fuzz oracle: only a one-line FormatError is a refusal", () => {
  const mutant = { bytes: new Uint8Array(1), kind: "test", description: "test" };
  const judged = (e: unknown, sameValue = false) => {
    const v = judgeError(e, { ...mutant, sameValue });
    return v.outcome === "failure" ? v.failure : v.outcome;
  };
  assertEquals(judged(new FormatError("bad magic")), "refused");
  assertEquals(judged(new FormatError("bad magic"), true), "refused a valid file");
  assertEquals(judged(new FormatError("two\nlines")), "bad message");
  assertEquals(judged(new FormatError("")), "bad message");
  assertEquals(
    judged(new RangeError("Offset is outside the bounds of the DataView")),
    "wrong error type",
  );
  assertEquals(judged("a string"), "wrong error type");
});

Deno.test("fuzz: a case is drawn and judged alike every time (replayable with --only)", async () => {
  const [one, another] = [await prepare(7), await prepare(7)];
  for (const target of TARGET_NAMES) {
    const a = (await runCase(one, target, 3)).result;
    const b = (await runCase(another, target, 3)).result;
    assertEquals([b.seed, b.kind, b.description, b.verdict], [
      a.seed,
      a.kind,
      a.description,
      a.verdict,
    ]);
  }
});

Deno.test("fuzz: 3000 mutants over every target decode exactly, or are refused with a one-line FormatError", async () => {
  const report = await runFuzz({
    cases: 3000,
    seed: 1,
    jobs: 2,
    targets: TARGET_NAMES,
    // A hung case costs this much; a case over the hang bound (2 s) fails even when it ends.
    killMs: 3000,
  });
  assert(report.failures === 0, `fuzz run seed 1:\n${report.text()}`);
});
