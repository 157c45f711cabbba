/**
 * The fuzz test: a few thousand deterministic mutants of every parser and decoder (see
 * `fuzz/oracle.ts` for what counts as a failure); `deno task fuzz` runs the long campaign.
 *
 * @module
 */
import { assert } from "./assert.ts";
import { runFuzz } from "./fuzz/pool.ts";
import { TARGET_NAMES } from "./fuzz/targets.ts";

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
