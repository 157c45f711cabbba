/**
 * Runs the command line as a user would, in a subprocess.
 *
 * @module
 */
import { assertEquals, assertMatch } from "./assert.ts";
import { ROOT } from "./helpers.ts";

/** What one run printed and returned. */
export interface CliRun {
  code: number;
  /** stdout as text. */
  stdout: string;
  /** stdout as bytes, for data written to `-`. */
  stdoutBytes: Uint8Array;
  stderr: string;
}

/** How to run it. */
export interface CliRunOptions {
  /** The `cli.ts` to run (a path or URL); the repository's by default. */
  cli?: string;
  /** Bytes to feed to stdin; stdin is empty (`/dev/null`) without them. */
  stdin?: Uint8Array;
  /** Environment variables to set besides this process's (e.g. another `PATH`). */
  env?: Record<string, string>;
}

/**
 * Runs `deno run -A <cli> ...args` in `cwd`. A `cli` served over HTTP is fetched afresh: Deno
 * caches remote modules by URL, and a loopback server's port may be one an earlier run (of other
 * code) was served from.
 */
export async function runCli(
  args: string[],
  cwd: string,
  { cli = `${ROOT}cli.ts`, stdin, env = {} }: CliRunOptions = {},
): Promise<CliRun> {
  const reload = /^https?:/.test(cli) ? [`--reload=${new URL(cli).origin}`] : [];
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", ...reload, cli, ...args],
    cwd,
    stdin: stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1", ...env },
  }).spawn();
  const feed = async () => {
    if (stdin === undefined) return;
    const writer = child.stdin.getWriter();
    // The command may exit before it reads everything (e.g. on a usage error).
    await writer.write(stdin).catch(() => {});
    await writer.close().catch(() => {});
  };
  const [out] = await Promise.all([child.output(), feed()]);
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return {
    code: out.code,
    stdout: decode(out.stdout),
    stdoutBytes: out.stdout,
    stderr: decode(out.stderr),
  };
}

/** Asserts a failure of exit code 1 with one stderr line matching `reason`. */
export function assertOneLine(run: { code: number; stderr: string }, reason: RegExp): void {
  assertEquals(run.code, 1, run.stderr);
  assertEquals(run.stderr.trim().split("\n").length, 1, run.stderr);
  assertMatch(run.stderr, reason);
}
