/**
 * Many files in one command (`encode`, `decode`): the inputs (files, folders searched
 * recursively, and `--files-from LIST`), where each output goes (beside its input, or mirrored
 * under `--output-dir`), the `--shard I/N` share of them, and running them several at a time,
 * reporting each, going on past a bad one with `--keep-going`.
 *
 * @module
 */
import { isAbsolute, join, normalize, relative, sep } from "node:path";
import { compareEntryNames } from "../archive_name.ts";
import { extensionOf } from "../image/image_file.ts";
import type { FlagSpec, ParsedArgs } from "./command.ts";
import { CliError, UsageError } from "./errors.ts";
import { describeIoError, readBytes, STDIO } from "./files.ts";
import { EXIT_SKIPPED, KEEP_GOING_FLAG } from "./limits_flag.ts";
import type { Reporter } from "./reporter.ts";
import { withCodingWorkers } from "./workers_flag.ts";
import type { CodingWorkers } from "../workers/coding_workers.ts";

/**
 * The flags of batch runs: `--output-dir`, `--files-from`, `--shard`, `--keep-going`.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { BATCH_FLAGS } from "./batch.ts";
 * ok("shard" in BATCH_FLAGS);
 * ```
 */
export const BATCH_FLAGS: Record<string, FlagSpec> = {
  "output-dir": {
    type: "string",
    help: "write each output here, mirroring the inputs' folders (default: beside each input)",
  },
  "files-from": {
    type: "string",
    help: "also code the files listed in this file, one path a line (- for stdin)",
  },
  shard: {
    type: "string",
    help: "only the I-th of N shares of the inputs, I/N with 0 ≤ I < N (e.g. an array task)",
  },
  ...KEEP_GOING_FLAG,
};

/**
 * One file to do: its input, its output, and its position in the whole list.
 *
 * @example
 * ```ts
 * import type { BatchJob } from "./batch.ts";
 * const job: BatchJob = { input: "scans/a.png", output: "out/scans/a.bpc", index: 0 };
 * ```
 */
export interface BatchJob {
  /** The input file. */
  input: string;
  /** The output file. */
  output: string;
  /** Its place in the list of all inputs (before sharding). */
  index: number;
}

/**
 * Reads `--shard I/N`: the share of the inputs to do (those whose place in the list is I modulo
 * N).
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { shardFlag } from "./batch.ts";
 * deepStrictEqual(shardFlag({ values: { shard: "3/10" }, positionals: [] }), { index: 3, count: 10 });
 * ```
 */
export function shardFlag(args: ParsedArgs): { index: number; count: number } | undefined {
  const text = args.values.shard;
  if (typeof text !== "string") return undefined;
  const match = /^(\d+)\/(\d+)$/.exec(text);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || index >= count) {
    throw new UsageError(`--shard must be I/N with 0 ≤ I < N (e.g. 3/10), not ${text}`);
  }
  return { index, count };
}

/**
 * Whether this command line asks for a batch run rather than one file: several inputs, or any
 * of `--output-dir`, `--files-from`, `--shard`.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { isBatch } from "./batch.ts";
 * strictEqual(isBatch({ values: {}, positionals: ["a.png"] }), false);
 * strictEqual(isBatch({ values: {}, positionals: ["a.png", "b.png"] }), true);
 * ```
 */
export function isBatch(args: ParsedArgs): boolean {
  return args.positionals.length > 1 ||
    ["output-dir", "files-from", "shard"].some((f) => args.values[f] !== undefined);
}

/** Lists the files under `folder` whose extension is one of `extensions`, sorted. */
async function filesUnder(folder: string, extensions: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  const visit = async (dir: string) => {
    for await (const entry of Deno.readDir(dir)) {
      const path = join(dir, entry.name);
      if (entry.isDirectory) await visit(path);
      else if (extensions.includes(extensionOf(entry.name))) found.push(path);
    }
  };
  try {
    await visit(folder);
  } catch (e) {
    throw new CliError(folder, describeIoError(e));
  }
  return found.sort((a, b) => compareEntryNames(a, b));
}

/**
 * The files a batch run does, in order: each positional (a folder is searched recursively for
 * files of `extensions`), then those `--files-from` lists; each output named by `outputName`
 * from the input's path relative to its root (the folder given, or the path itself), beside the
 * input or under `--output-dir`; only the `--shard` share. Two inputs with the same output are a
 * usage error, found before anything is done.
 *
 * @throws {UsageError} for stdin in a batch, `-o` with a batch, an unmirrorable path, a clash.
 * @throws {CliError} for a missing input or list.
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { batchJobs } from "./batch.ts";
 * const dir = Deno.makeTempDirSync();
 * Deno.mkdirSync(`${dir}/in/sub`, { recursive: true });
 * Deno.writeTextFileSync(`${dir}/in/sub/a.png`, "");
 * const jobs = await batchJobs(
 *   { values: { "output-dir": `${dir}/out` }, positionals: [`${dir}/in`] },
 *   ["png"],
 *   (path) => path.replace(/\.png$/, ".bpc"),
 * );
 * deepStrictEqual(jobs, [{ input: `${dir}/in/sub/a.png`, output: `${dir}/out/sub/a.bpc`, index: 0 }]);
 * ```
 */
export async function batchJobs(
  args: ParsedArgs,
  extensions: readonly string[],
  outputName: (path: string) => string,
): Promise<BatchJob[]> {
  if (args.values.output !== undefined) {
    throw new UsageError("-o/--output names one output: use --output-dir for several inputs");
  }
  const outputDir = typeof args.values["output-dir"] === "string"
    ? args.values["output-dir"]
    : undefined;
  const inputs: { path: string; relative: string }[] = [];
  const addFile = (path: string) => {
    if (outputDir !== undefined && (isAbsolute(path) || normalize(path).startsWith(".."))) {
      throw new UsageError(
        `${path} cannot be mirrored under --output-dir: give paths inside the current folder`,
      );
    }
    inputs.push({ path, relative: normalize(path) });
  };
  const listed = typeof args.values["files-from"] === "string"
    ? await readList(args.values["files-from"])
    : [];
  for (const path of [...args.positionals, ...listed]) {
    if (path === STDIO) throw new UsageError("- (stdin) names one input, not one of several");
    let info: Deno.FileInfo;
    try {
      info = await Deno.stat(path);
    } catch (e) {
      throw new CliError(path, describeIoError(e));
    }
    if (!info.isDirectory) {
      addFile(path);
      continue;
    }
    for (const file of await filesUnder(path, extensions)) {
      inputs.push({ path: file, relative: relative(path, file) });
    }
  }
  const shard = shardFlag(args);
  const jobs = inputs.map(({ path, relative }, index) => ({
    input: path,
    output: outputName(outputDir === undefined ? path : join(outputDir, relative)),
    index,
  })).filter((job) => !shard || job.index % shard.count === shard.index);
  const seen = new Map<string, string>();
  for (const job of jobs) {
    const key = normalize(job.output).split(sep).join("/");
    const other = seen.get(key);
    if (other !== undefined) {
      throw new UsageError(`${other} and ${job.input} would both be written to ${job.output}`);
    }
    seen.set(key, job.input);
  }
  return jobs;
}

/** The paths a `--files-from` list names: one a line, blank lines skipped. */
async function readList(path: string): Promise<string[]> {
  const text = new TextDecoder().decode(await readBytes(path));
  return text.split(/\r?\n/).filter((line) => line.trim() !== "");
}

/** The size of a job's input file (0 when it cannot be read: the job then reports why). */
function fileSize(job: BatchJob): number {
  try {
    return Deno.statSync(job.input).size;
  } catch {
    return 0;
  }
}

/** How many times the concurrency a batch may run ahead of the next file it reports. */
const BATCH_WINDOW = 4;

/**
 * Runs `work` for each job, `concurrency` at a time, reporting each result (`line`) or failure
 * in job order; a failure stops the run unless `keepGoing`. Returns the exit code: 0 when all
 * succeeded, {@link EXIT_SKIPPED} when some failed and were skipped.
 *
 * @throws the first failure, when not `keepGoing`.
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { runBatch } from "./batch.ts";
 * import { Reporter } from "./reporter.ts";
 * const jobs = [{ input: "a", output: "a.out", index: 0 }, { input: "b", output: "b.out", index: 1 }];
 * const work = (job: { input: string }) =>
 *   job.input === "b" ? Promise.reject(new Error("b: bad")) : Promise.resolve(job.input);
 * const code = await runBatch(jobs, work, {
 *   concurrency: 2, keepGoing: true, report: new Reporter({ quiet: true }), command: "test",
 *   line: (r) => r, json: (r) => r,
 * });
 * strictEqual(code, 3); // b was skipped
 * ```
 */
export async function runBatch<T>(
  jobs: BatchJob[],
  work: (job: BatchJob) => Promise<T>,
  options: {
    concurrency: number;
    keepGoing: boolean;
    report: Reporter;
    line: (result: T) => string;
    command: string;
    json: (result: T) => unknown;
    /** How long a job will take, relatively (e.g. its file's size): heavier ones start first. */
    weight?: (job: BatchJob) => number;
  },
): Promise<number> {
  const { concurrency, keepGoing, report } = options;
  const results: unknown[] = [];
  const failed: { input: string; error: string }[] = [];
  // A job starts whenever one ends (not only when the oldest does, so that one long file does
  // not hold the others back): the heaviest of the next BATCH_WINDOW × concurrency jobs not yet
  // reported that has not started, so that a long file does not start last and run alone.
  const ahead = new Map<
    number,
    { end: PromiseWithResolvers<T>; weight: number; begun: boolean }
  >();
  const entry = (i: number) => {
    let job = ahead.get(i);
    if (!job) {
      job = {
        end: Promise.withResolvers<T>(),
        weight: options.weight?.(jobs[i]) ?? 0,
        begun: false,
      };
      job.end.promise.catch(() => {}); // settled in order below
      ahead.set(i, job);
    }
    return job;
  };
  let running = 0;
  let reported = 0;
  let stopped = false;
  const start = () => {
    while (!stopped && running < concurrency) {
      const end = Math.min(jobs.length, reported + BATCH_WINDOW * concurrency);
      let pick: number | undefined;
      for (let i = reported; i < end; i++) {
        if (!entry(i).begun && (pick === undefined || entry(i).weight > entry(pick).weight)) {
          pick = i;
        }
      }
      if (pick === undefined) return;
      const picked = entry(pick);
      picked.begun = true;
      running++;
      work(jobs[pick]).then(picked.end.resolve, picked.end.reject).finally(() => {
        running--;
        start();
      });
    }
  };
  start();
  for (let k = 0; k < jobs.length; k++) {
    report.progress(k, jobs.length, jobs[k].input);
    try {
      const result = await entry(k).end.promise;
      report.line(options.line(result));
      results.push(options.json(result));
    } catch (e) {
      if (!keepGoing) {
        stopped = true; // no more files start; those running end on their own
        report.done();
        throw e;
      }
      const error = (e as Error).message;
      report.warning(`skipped: ${error}`);
      failed.push({ input: jobs[k].input, error });
    }
    ahead.delete(k);
    reported = k + 1;
    start();
  }
  report.done();
  report.line(`${options.command}: files=${jobs.length}, failed=${failed.length}`);
  report.result({ command: options.command, files: results, failed });
  return failed.length > 0 ? EXIT_SKIPPED : 0;
}

/**
 * A whole batch run of a command: the jobs of the command line ({@link batchJobs}), run on the
 * workers `--workers` asks for, one file more at once than there are workers, going on past a bad
 * file with `--keep-going` ({@link runBatch}). Returns the exit code.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { runBatchCommand } from "./batch.ts";
 * import { Reporter } from "./reporter.ts";
 * const dir = Deno.makeTempDirSync();
 * Deno.writeTextFileSync(`${dir}/a.txt`, "a");
 * const done: string[] = [];
 * const code = await runBatchCommand(
 *   { values: { workers: "1", "output-dir": `${dir}/out` }, positionals: [dir] },
 *   new Reporter({ quiet: true }),
 *   {
 *     command: "test", extensions: ["txt"], outputName: (path) => `${path}.out`,
 *     work: (job) => Promise.resolve(done.push(job.output)), line: String, json: (r) => r,
 *   },
 * );
 * strictEqual(code, 0);
 * strictEqual(done[0], `${dir}/out/a.txt.out`);
 * ```
 */
export async function runBatchCommand<T>(
  args: ParsedArgs,
  report: Reporter,
  options: {
    command: string;
    extensions: readonly string[];
    outputName: (path: string) => string;
    work: (job: BatchJob, pool: CodingWorkers | undefined) => Promise<T>;
    line: (result: T) => string;
    json: (result: T) => unknown;
  },
): Promise<number> {
  const jobs = await batchJobs(args, options.extensions, options.outputName);
  return await withCodingWorkers(args, (pool) =>
    runBatch(jobs, (job) => options.work(job, pool), {
      // One file more than there are workers, so that a worker that ends a file finds the next
      // one queued instead of waiting for this thread to read it.
      concurrency: pool ? pool.concurrency + 1 : 1,
      keepGoing: args.values["keep-going"] === true,
      report,
      command: options.command,
      line: options.line,
      json: options.json,
      weight: fileSize,
    }));
}
