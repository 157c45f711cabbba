/**
 * One fuzz case, from its coordinates to its verdict: case `index` of a target, under a run
 * seed, picks a seed file and a mutation with its own generator, runs the target on the mutant,
 * times it and samples the process's memory, and asks the oracle.
 *
 * @module
 */
import { type Model, parseModel } from "../../src/model_file.ts";
import { sameArray } from "./compare.ts";
import { mutatorsFor } from "./mutator_sets.ts";
import type { Mutant } from "./mutation.ts";
import { failure, judgeError, type Verdict } from "./oracle.ts";
import { caseSeed, Rng } from "./prng.ts";
import { buildSeeds } from "./seeds.ts";
import { fuzzes, type PreparedSeed, TARGET_NAMES, type TargetName, TARGETS } from "./targets.ts";

/** A case slower than this (library call only) is a hang. */
export const HANG_MS = 2000;
/** A process larger than this after a case is a memory failure (1.5 GiB). */
export const MEMORY_BOUND = 1.5 * 2 ** 30;

/** What a case did. */
export interface CaseResult {
  target: TargetName;
  index: number;
  seed: string;
  kind: string;
  description: string;
  verdict: Verdict;
  /** Wall time of the library call, in milliseconds. */
  ms: number;
  /** Size of the mutant. */
  bytes: number;
  /** Resident set size of the process after the case. */
  rss: number;
}

/** What is known of a case before the library runs: enough to report it if it never ends. */
export type CaseStart = Pick<
  CaseResult,
  "target" | "index" | "seed" | "kind" | "description" | "bytes"
>;

/** A seed ready to fuzz one target from: with its parsed model and the target's result on it. */
interface Ready {
  seed: PreparedSeed;
  original: unknown;
}

/** Everything cases need, built once per process. */
export interface Prepared {
  runSeed: number;
  models: Model[];
  seeds: Record<TargetName, Ready[]>;
  /** Seeds that do not give their known content (failures of kind `seed`; left out). */
  seedFailures: CaseResult[];
}

function seedFailure(target: TargetName, seed: string, detail: string): CaseResult {
  const verdict = failure("seed", detail);
  return {
    target,
    index: -1,
    seed,
    kind: "seed",
    description: "the seed itself",
    verdict,
    ms: 0,
    bytes: 0,
    rss: 0,
  };
}

/** Builds the seeds and checks that each target gives every seed's known content. */
export async function prepare(runSeed: number): Promise<Prepared> {
  const set = await buildSeeds();
  const models = await Promise.all(set.models.map((bytes) => parseModel(bytes)));
  const byBytes = (bytes: Uint8Array) => models.find((m) => sameArray(m.bytes, bytes));
  const prepared: Prepared = { runSeed, models, seeds: {} as Prepared["seeds"], seedFailures: [] };
  for (const name of TARGET_NAMES) {
    const target = TARGETS[name];
    prepared.seeds[name] = [];
    for (const raw of set.seeds.filter((s) => fuzzes(name, s))) {
      const seed: PreparedSeed = { ...raw, decodeModel: raw.model && byBytes(raw.model) };
      try {
        const original = await target.run(seed.bytes, seed);
        const problem = await target.checkSeed(original, seed);
        if (problem) prepared.seedFailures.push(seedFailure(name, seed.name, problem));
        else prepared.seeds[name].push({ seed, original });
      } catch (e) {
        prepared.seedFailures.push(
          seedFailure(name, seed.name, `${(e as Error).name}: ${(e as Error).message}`),
        );
      }
    }
  }
  return prepared;
}

/** The seed and mutant of a case (a few draws, in case a mutation does not apply). */
function caseMutant(
  p: Prepared,
  target: TargetName,
  index: number,
): { ready: Ready; mutant: Mutant } {
  const rng = new Rng(caseSeed(p.runSeed, target, index));
  const pool = p.seeds[target];
  if (pool.length === 0) throw new Error(`no usable seed for target ${target}`);
  for (let attempt = 0; attempt < 100; attempt++) {
    const ready = rng.pick(pool);
    const mutator = rng.pickWeighted(mutatorsFor(ready.seed.format), (m) => m.weight ?? 1);
    const mutant = mutator.apply({ seed: ready.seed, models: p.models, rng });
    if (mutant && !sameArray(mutant.bytes, ready.seed.bytes)) return { ready, mutant };
  }
  throw new Error(`case ${target}:${index}: no mutation applies`);
}

/**
 * Runs case `index` of `target`, telling `starting` what it is about to run; `error` is what
 * the library threw, if anything.
 */
export async function runCase(
  p: Prepared,
  target: TargetName,
  index: number,
  starting?: (start: CaseStart) => Promise<void>,
): Promise<{ result: CaseResult; mutant: Mutant; error?: unknown }> {
  const { ready, mutant } = caseMutant(p, target, index);
  const { kind, description } = mutant;
  const bytes = mutant.bytes.length;
  await starting?.({ target, index, seed: ready.seed.name, kind, description, bytes });
  const t = TARGETS[target];
  let outcome: { value: unknown } | { error: unknown };
  const start = performance.now();
  try {
    outcome = { value: await t.run(mutant.bytes, ready.seed) };
  } catch (error) {
    outcome = { error };
  }
  const ms = performance.now() - start;
  let verdict = "value" in outcome
    ? await t.judge(outcome.value, ready.original, mutant, ready.seed)
    : judgeError(outcome.error, mutant);
  if (ms > HANG_MS) verdict = failure("hang", `took ${Math.round(ms)} ms`);
  const rss = Deno.memoryUsage().rss;
  if (rss > MEMORY_BOUND) {
    verdict = failure("memory", `process at ${(rss / 2 ** 20).toFixed(0)} MiB`);
  }
  const result = {
    target,
    index,
    seed: ready.seed.name,
    kind,
    description,
    verdict,
    ms,
    bytes,
    rss,
  };
  return { result, mutant, error: "error" in outcome ? outcome.error : undefined };
}
