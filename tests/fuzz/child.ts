/**
 * A fuzz case process: builds the seeds, then runs the cases the runner sends and answers each
 * with its result, one JSON line each (see `pool.ts`). It leaves after a case that took it past
 * the memory bound, so that the runner starts a fresh one.
 *
 * @module
 */
import { MEMORY_BOUND, prepare, runCase } from "./cases.ts";
import { readJsonLines, writeJsonLine } from "./json_lines.ts";
import type { TargetName } from "./targets.ts";

/** What the runner sends: the run seed first, then batches of cases. */
export type ChildRequest = { runSeed: number } | { cases: [TargetName, number][] };

/** The exit status after a case took the process past the memory bound. */
export const MEMORY_EXIT = 3;

if (import.meta.main) {
  const out = Deno.stdout.writable.getWriter();
  const requests = readJsonLines(Deno.stdin.readable);
  const first = (await requests.next()).value as { runSeed: number };
  const prepared = await prepare(first.runSeed);
  await writeJsonLine(out, { ready: prepared.seedFailures });
  for await (const request of requests) {
    for (const [target, index] of (request as { cases: [TargetName, number][] }).cases) {
      const { result } = await runCase(
        prepared,
        target,
        index,
        (start) => writeJsonLine(out, { start }),
      );
      await writeJsonLine(out, { result });
      if (result.rss > MEMORY_BOUND) Deno.exit(MEMORY_EXIT);
    }
    await writeJsonLine(out, { done: true });
  }
}
