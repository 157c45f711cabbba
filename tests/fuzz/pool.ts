/**
 * Runs a fuzz campaign over several case processes (`child.ts`). Each process gets batches of
 * cases and answers each with its result. A process that says nothing for `killMs` is killed
 * and its current case counted as a hang; one that dies is counted as a crash of its current
 * case; either way the rest of its batch goes to a fresh process. Results do not depend on the
 * number of processes: every case has its own generator. Interrupting the run (SIGINT, SIGTERM)
 * kills the case processes too, hung ones included.
 *
 * @module
 */
import { type CaseResult, type CaseStart, HANG_MS } from "./cases.ts";
import { type ChildRequest, MEMORY_EXIT } from "./child.ts";
import { readJsonLines, writeJsonLine } from "./json_lines.ts";
import { failure } from "./oracle.ts";
import { FuzzReport } from "./report.ts";
import type { TargetName } from "./targets.ts";

/** What to run. */
export interface FuzzOptions {
  /** Cases in all, spread round-robin over `targets`. */
  cases: number;
  /** The run seed. */
  seed: number;
  /** Case processes at once. */
  jobs: number;
  targets: readonly TargetName[];
  /** Silence after which a process is killed (default 2.5 × the hang bound). */
  killMs?: number;
  /** Told how many cases are done, now and then. */
  progress?: (done: number, total: number) => void;
}

type CaseId = [TargetName, number];

const BATCH = 25;
/** How long a process may take to build its seeds. */
const STARTUP_MS = 120_000;

/** The result of a case that never answered: the process hung or died. */
function lost(start: CaseStart, kind: "hang" | "crash", detail: string): CaseResult {
  return { ...start, verdict: failure(kind, detail), ms: 0, rss: 0 };
}

/** Runs the campaign and returns its report. */
export async function runFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const { targets, seed } = options;
  const killMs = options.killMs ?? 2.5 * HANG_MS;
  const queue: CaseId[] = [];
  for (let k = 0; k < options.cases; k++) {
    queue.push([targets[k % targets.length], Math.floor(k / targets.length)]);
  }
  const report = new FuzzReport(seed);
  let seedsReported = false;
  let done = 0;
  const running = new Set<Deno.ChildProcess>();
  const interrupted = () => {
    for (const child of running) child.kill("SIGKILL");
    Deno.exit(130);
  };

  /** One process from start to exit; returns when the queue is empty or the process is gone. */
  async function drive(): Promise<void> {
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        "--quiet",
        "--v8-flags=--max-old-space-size=2048",
        new URL("./child.ts", import.meta.url).href,
      ],
      stdin: "piped",
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    running.add(child);
    const input = child.stdin.getWriter();
    let batch: CaseId[] = [];
    let current: CaseStart | undefined;
    let heard = performance.now();
    let limit = STARTUP_MS;
    let killed = false;
    const watchdog = setInterval(() => {
      if (performance.now() - heard > limit && !killed) {
        killed = true;
        child.kill("SIGKILL");
      }
    }, 100);
    // A write fails only when the process is gone; its status then tells why.
    const write = (request: ChildRequest) => writeJsonLine(input, request).catch(() => {});
    const send = async () => {
      batch = queue.splice(0, BATCH);
      limit = killMs;
      heard = performance.now();
      if (batch.length > 0) await write({ cases: batch });
      else await input.close().catch(() => {});
    };
    let started = false;
    await write({ runSeed: seed });
    for await (const message of readJsonLines(child.stdout)) {
      heard = performance.now();
      const m = message as {
        ready?: CaseResult[];
        start?: CaseStart;
        result?: CaseResult;
        done?: true;
      };
      if (m.start) {
        current = m.start;
      } else if (m.ready) {
        started = true;
        if (!seedsReported) m.ready.forEach((r) => report.add(r));
        seedsReported = true;
        await send();
      } else if (m.result) {
        report.add(m.result);
        batch.shift();
        options.progress?.(++done, options.cases);
      } else if (m.done) {
        await send();
      }
    }
    clearInterval(watchdog);
    const status = await child.status;
    running.delete(child);
    await input.close().catch(() => {});
    if (!started) throw new Error(`a fuzz case process did not start (status ${status.code})`);
    if (batch.length === 0) return;
    if (killed || status.code !== MEMORY_EXIT) {
      const [target, index] = batch.shift()!;
      const start = current?.target === target && current.index === index
        ? current
        : { target, index, seed: "?", kind: "?", description: "?", bytes: 0 };
      const how = status.signal ? `signal ${status.signal}` : `status ${status.code}`;
      report.add(
        killed
          ? lost(start, "hang", `no answer for ${killMs / 1000} s: killed`)
          : lost(start, "crash", `the case process ended (${how})`),
      );
      options.progress?.(++done, options.cases);
    }
    queue.unshift(...batch);
    return drive();
  }

  const signals = ["SIGINT", "SIGTERM"] as const;
  for (const signal of signals) Deno.addSignalListener(signal, interrupted);
  try {
    await Promise.all(Array.from({ length: Math.max(1, options.jobs) }, () => drive()));
  } finally {
    for (const signal of signals) Deno.removeSignalListener(signal, interrupted);
  }
  return report;
}
