/**
 * Runs v2 training's crop jobs (`src/v2/crop_work.ts`) on several Web Workers at once. Each job
 * is independent and its result goes back to its place in job order, so the trained model is
 * the same bytes whatever the number of workers or the order in which they finish.
 *
 * @module
 */
import type { Crop, CropJob, CropRunner } from "../v2/crop_work.ts";
import type { V2Model } from "../v2/model.ts";
import type { CropWorkerReply, CropWorkerRequest } from "./crop_worker.ts";

/**
 * How many workers to use by default: one per logical core the runtime reports, at most 16.
 *
 * @example
 * ```ts
 * import { defaultWorkerCount } from "./crop_workers.ts";
 * console.log(defaultWorkerCount() >= 1); // true
 * ```
 */
export function defaultWorkerCount(): number {
  return Math.max(1, Math.min(16, navigator.hardwareConcurrency || 1));
}

/**
 * A pool of workers that runs crop jobs. Workers start when the first jobs come, and
 * {@linkcode CropWorkers.close} ends them (call it, or the process stays alive).
 *
 * @example
 * ```ts
 * import { CropWorkers } from "./crop_workers.ts";
 * import { untrainedV2Model } from "../v2/model.ts";
 * const workers = new CropWorkers(2);
 * try {
 *   const crops = [{ samples: new Uint16Array(64).fill(3), width: 8, height: 8, bits: 2 }];
 *   const [bytes] = await workers.run(crops, [untrainedV2Model()], [
 *     { kind: "bytes", crop: 0, model: 0 },
 *   ]);
 *   console.log(typeof bytes); // number
 * } finally {
 *   workers.close();
 * }
 * ```
 */
export class CropWorkers implements CropRunner {
  readonly #count: number;
  #workers: Worker[] = [];

  /** A pool of `count` workers (at least 1). */
  constructor(count: number) {
    if (!Number.isInteger(count) || count < 1) {
      throw new RangeError(`the number of workers must be a whole number ≥ 1, not ${count}`);
    }
    this.#count = count;
  }

  /** Runs `jobs` over `crops` and `models`; results in job order. */
  run(
    crops: readonly Crop[],
    models: readonly V2Model[],
    jobs: readonly CropJob[],
  ): Promise<(number | Int32Array)[]> {
    if (jobs.length === 0) return Promise.resolve([]);
    while (this.#workers.length < Math.min(this.#count, jobs.length)) {
      this.#workers.push(
        new Worker(new URL("./crop_worker.ts", import.meta.url).href, { type: "module" }),
      );
    }
    const results: (number | Int32Array)[] = new Array(jobs.length);
    let next = 0;
    let finished = 0;
    return new Promise((resolve, reject) => {
      let failed = false;
      const fail = (message: string) => {
        if (failed) return;
        failed = true;
        reject(new Error(`a training worker failed: ${message}`));
      };
      const send = (worker: Worker) => {
        if (next === jobs.length) return;
        const index = next++;
        worker.postMessage({ type: "job", index, job: jobs[index] } satisfies CropWorkerRequest);
      };
      for (const worker of this.#workers) {
        worker.onmessage = (event: MessageEvent<CropWorkerReply>) => {
          const reply = event.data;
          if ("error" in reply) return fail(reply.error);
          results[reply.index] = reply.result;
          if (++finished === jobs.length) resolve(results);
          else send(worker);
        };
        worker.onerror = (event) => {
          event.preventDefault();
          fail(event.message);
        };
        worker.postMessage({ type: "setup", crops, models } satisfies CropWorkerRequest);
        send(worker);
      }
    });
  }

  /** Ends the workers. */
  close(): void {
    for (const worker of this.#workers) worker.terminate();
    this.#workers = [];
  }
}
