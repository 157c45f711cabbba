/**
 * `deno task fuzz`: the long fuzz run, or one case replayed.
 *
 *     deno task fuzz [--cases 100000] [--seed 1] [--jobs N] [--targets png,bpc1,…]
 *     deno task fuzz --seed 1 --only TARGET:INDEX [--write mutant.bin]
 *
 * A run prints the count table and the failure groups, and exits with status 1 if any case
 * failed. `--only` runs one case in this process and prints its seed, mutation, verdict and,
 * when the library threw, the whole error; `--write` saves the mutant.
 *
 * @module
 */
import { parseArgs } from "../../src/deps/cli_args.ts";
import { prepare, runCase } from "./cases.ts";
import { runFuzz } from "./pool.ts";
import { TARGET_NAMES, type TargetName } from "./targets.ts";

function targetName(name: string): TargetName {
  if (!(TARGET_NAMES as readonly string[]).includes(name)) {
    throw new Error(`unknown target ${name}: one of ${TARGET_NAMES.join(", ")}`);
  }
  return name as TargetName;
}

async function replay(seed: number, only: string, write?: string): Promise<number> {
  const [name, index] = only.split(":");
  const prepared = await prepare(seed);
  const { result, mutant, error } = await runCase(prepared, targetName(name), Number(index));
  console.log(
    `case ${only} (run seed ${seed}): seed file ${result.seed}, ${mutant.bytes.length} bytes`,
  );
  console.log(`mutation ${result.kind}: ${result.description}`);
  console.log(`library call: ${result.ms.toFixed(1)} ms`);
  const v = result.verdict;
  console.log(
    `verdict: ${v.outcome}${
      "detail" in v ? ` — ${"failure" in v ? `${v.failure}: ` : ""}${v.detail}` : ""
    }`,
  );
  if (error !== undefined) console.log("thrown:", error);
  if (write) {
    await Deno.writeFile(write, mutant.bytes);
    console.log(`mutant written to ${write}`);
  }
  return v.outcome === "failure" ? 1 : 0;
}

async function main(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      cases: { type: "string", default: "100000" },
      seed: { type: "string", default: "1" },
      jobs: { type: "string", default: String(Math.min(8, navigator.hardwareConcurrency || 1)) },
      targets: { type: "string", default: TARGET_NAMES.join(",") },
      only: { type: "string" },
      write: { type: "string" },
    },
  });
  const seed = Number(values.seed);
  if (values.only) return replay(seed, values.only, values.write);
  const cases = Number(values.cases);
  const started = performance.now();
  let shown = 0;
  const report = await runFuzz({
    cases,
    seed,
    jobs: Number(values.jobs),
    targets: values.targets.split(",").map(targetName),
    progress(done, total) {
      if (done * 20 >= (shown + 1) * total) {
        shown = Math.floor((done * 20) / total);
        console.error(
          `fuzz: ${done}/${total} cases, ${((performance.now() - started) / 1000).toFixed(0)} s`,
        );
      }
    },
  });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(
    `bpcodec fuzz: ${report.cases} cases, run seed ${seed}, ${values.jobs} processes, ${seconds} s\n`,
  );
  console.log(report.text());
  return report.failures > 0 ? 1 : 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
