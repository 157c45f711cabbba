/**
 * Choice of a model's learning rates for a set of images: a deterministic coordinate search that
 * keeps, for each rate in turn, the candidate value giving the fewest coded bytes.
 *
 * The images are represented by their central crops of at most 384 × 384 samples, coded at their
 * significant bit depth. Rates are tried in the order `lmsRateShift`,
 * `slowLmsRateShift`, `mixerRate`, values in the listed order; a value replaces the current one
 * only if it saves more than 1/256 of the bytes, so small, likely accidental gains keep the
 * starting rates. The candidates of one rate are coded together (in parallel with a worker
 * runner), then weighed in the listed order.
 *
 * @module
 */
import { type Crop, type CropRunner, IN_THREAD } from "./crop_work.ts";
import type { V2Model, V2Parameters } from "./model.ts";
import type { TrainingProgress } from "./progress.ts";

/** The learning rates searched and their candidate values, in search order. */
const CANDIDATES: readonly [keyof V2Parameters, readonly number[]][] = [
  ["lmsRateShift", [1, 2, 3, 4]],
  ["slowLmsRateShift", [4, 5, 6, 7, 8]],
  ["mixerRate", [3, 4, 6, 9, 12]],
];

/**
 * The total v2 stream bytes of `crops` coded from `base` with each of `parameters`.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { codedBytes } from "./parameter_search.ts";
 * import { untrainedV2Model } from "./model.ts";
 * const model = untrainedV2Model();
 * const crop = { samples: new Uint16Array(64).fill(200), width: 8, height: 8, bits: 8 };
 * const [bytes] = await codedBytes([crop], model, [model.parameters]);
 * ok(bytes < 64);
 * ```
 */
export async function codedBytes(
  crops: readonly Crop[],
  base: V2Model,
  parameters: readonly V2Parameters[],
  runner: CropRunner = IN_THREAD,
): Promise<number[]> {
  const models = parameters.map((p) => ({ ...base, parameters: p }));
  const jobs = models.flatMap((_, model) =>
    crops.map((_, crop) => ({ kind: "bytes" as const, crop, model }))
  );
  const results = await runner.run(crops, models, jobs);
  const totals = models.map(() => 0);
  jobs.forEach((job, j) => totals[job.model] += results[j] as number);
  return totals;
}

/**
 * Returns `start` with the learning rates that code `crops` best when coding from `base` (its
 * tables and weights, with the candidate rates), and the crops' total bytes with them.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { searchV2Parameters } from "./parameter_search.ts";
 * import { untrainedV2Model } from "./model.ts";
 * const samples = new Uint16Array(256).map((_, i) => (i * 13) & 255);
 * const crop = { samples, width: 16, height: 16, bits: 8 };
 * const model = untrainedV2Model();
 * const { parameters, bytes } = await searchV2Parameters([crop], model, model.parameters);
 * ok(parameters.mixerRate > 0);
 * ok(bytes > 0);
 * ```
 */
export async function searchV2Parameters(
  crops: readonly Crop[],
  base: V2Model,
  start: V2Parameters,
  runner: CropRunner = IN_THREAD,
  progress?: TrainingProgress,
): Promise<{ parameters: V2Parameters; bytes: number }> {
  const steps = 1 + CANDIDATES.length;
  progress?.(0, steps, "choosing learning rates");
  let best = { ...start };
  let [bestBytes] = await codedBytes(crops, base, [best], runner);
  for (const [step, [name, values]] of CANDIDATES.entries()) {
    progress?.(step + 1, steps, "choosing learning rates");
    // Trials differ from `best` in `name` only, so they can be coded together.
    const trials = values.filter((v) => v !== best[name]).map((v) => ({ ...best, [name]: v }));
    const bytes = await codedBytes(crops, base, trials, runner);
    trials.forEach((trial, t) => {
      if (bytes[t] < bestBytes - (bestBytes >> 8)) {
        best = trial;
        bestBytes = bytes[t];
      }
    });
  }
  return { parameters: best, bytes: bestBytes };
}
