/**
 * Runs the command line as a user would, in a subprocess.
 *
 * @module
 */
import { ROOT } from "./helpers.ts";

/** What one run printed and returned. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `deno run -A <cli> ...args` in `cwd`; `cli` defaults to the repository's `cli.ts`. */
export async function runCli(args: string[], cwd: string, cli = `${ROOT}cli.ts`): Promise<CliRun> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", cli, ...args],
    cwd,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: decode(out.stdout), stderr: decode(out.stderr) };
}
