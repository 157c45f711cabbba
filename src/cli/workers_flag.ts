/**
 * `--workers N`: how many Web Workers a command codes (or trains) on; one per core by default.
 *
 * @module
 */
import { CodingWorkers } from "../workers/coding_workers.ts";
import { defaultWorkerCount } from "../workers/training_workers.ts";
import type { FlagSpec, ParsedArgs } from "./command.ts";
import { UsageError } from "./errors.ts";

/** `--workers`, for the commands that code images. */
export const WORKERS_FLAG: Record<string, FlagSpec> = {
  workers: {
    type: "string",
    help: "how many workers code tiles and images (default: one per core, at most 16)",
  },
};

/**
 * Reads `--workers` (default: one per core, at most 16).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { workersFlag } from "./workers_flag.ts";
 * strictEqual(workersFlag({ values: { workers: "3" }, positionals: [] }), 3);
 * ```
 */
export function workersFlag(args: ParsedArgs): number {
  const text = args.values.workers;
  if (typeof text !== "string") return defaultWorkerCount();
  const workers = Number(text);
  if (!/^\d+$/.test(text) || workers < 1 || workers > 256) {
    throw new UsageError(`--workers must be a whole number from 1 to 256, not ${text}`);
  }
  return workers;
}

/**
 * Runs `work` with a pool of the workers `--workers` asks for (none for one worker: then tiles
 * are coded in this thread), closing the pool afterwards.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { withCodingWorkers } from "./workers_flag.ts";
 * const args = { values: { workers: "1" }, positionals: [] };
 * strictEqual(await withCodingWorkers(args, (pool) => Promise.resolve(pool)), undefined);
 * ```
 */
export async function withCodingWorkers<T>(
  args: ParsedArgs,
  work: (pool: CodingWorkers | undefined) => Promise<T>,
): Promise<T> {
  const count = workersFlag(args);
  const pool = count > 1 ? new CodingWorkers(count) : undefined;
  try {
    return await work(pool);
  } finally {
    pool?.close();
  }
}
