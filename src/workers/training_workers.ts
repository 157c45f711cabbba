/**
 * Runs v2 training's CPU work on several Web Workers at once: the crop jobs of
 * `src/v2/crop_work.ts` (rate search, network, carry-over check) and the direct-slot counts of
 * whole images. Each job is independent and its result goes back to its place in job order
 * (counts are summed as exact integers), so the trained model is the same bytes whatever the
 * number of workers or the order in which they finish.
 *
 * @module
 */
import type { GrayImage } from "../image/gray_image.ts";
import type { Crop, CropJob, CropRunner } from "../v2/crop_work.ts";
import {
  asTrainingImages,
  countingProgress,
  type DirectSlotCounts,
  emptyDirectSlotCounts,
  TRAINING_FOLDS,
  type TrainingImages,
} from "../v2/direct_counts.ts";
import { DIRECT_SLOTS, type V2Model } from "../v2/model.ts";
import type { TrainingProgress } from "../v2/progress.ts";
import type { ImageCounts, TrainingWorkerReply, TrainingWorkerRequest } from "./training_worker.ts";

/** A chunk of sample records a worker packed for image `index`. */
type RecordChunk = { index: number; records: Uint32Array; bits: number };

/**
 * How many workers to use by default: one per logical core the runtime reports, at most 16.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { defaultWorkerCount } from "./training_workers.ts";
 * ok(defaultWorkerCount() >= 1);
 * ```
 */
export function defaultWorkerCount(): number {
  return Math.max(1, Math.min(16, navigator.hardwareConcurrency || 1));
}

/**
 * A pool of workers for v2 training. Workers start when the first jobs come, and
 * {@linkcode TrainingWorkers.close} ends them (call it, or the process stays alive).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { TrainingWorkers } from "./training_workers.ts";
 * import { cropBytes } from "../v2/crop_work.ts";
 * import { untrainedV2Model } from "../v2/model.ts";
 * const workers = new TrainingWorkers(2);
 * try {
 *   const crop = { samples: new Uint16Array(64).fill(3), width: 8, height: 8, bits: 2 };
 *   const model = untrainedV2Model();
 *   const [bytes] = await workers.run([crop], [model], [{ kind: "bytes", crop: 0, model: 0 }]);
 *   strictEqual(bytes, cropBytes(crop, model)); // as in this thread
 * } finally {
 *   workers.close();
 * }
 * ```
 */
export class TrainingWorkers implements CropRunner {
  readonly #count: number;
  #workers: Worker[] = [];

  /** A pool of `count` workers (at least 1). */
  constructor(count: number) {
    if (!Number.isInteger(count) || count < 1) {
      throw new RangeError(`the number of workers must be a whole number ≥ 1, not ${count}`);
    }
    this.#count = count;
  }

  /** Runs crop `jobs` over `crops` and `models`; results in job order. */
  run(
    crops: readonly Crop[],
    models: readonly V2Model[],
    jobs: readonly CropJob[],
  ): Promise<(number | Int32Array)[]> {
    return this.#runAll(
      { type: "setup", crops, models },
      jobs.length,
      (index) => ({ type: "crop", index, job: jobs[index] }),
    ) as Promise<(number | Int32Array)[]>;
  }

  /**
   * Counts the direct slots of `images` from `start`, one image per job: what
   * `countDirectSlots` gives (a `DirectSlotCounter` for `ModelTrainer`).
   */
  async countDirectSlots(
    images: TrainingImages | readonly GrayImage[],
    start: V2Model,
    progress?: TrainingProgress,
  ): Promise<DirectSlotCounts> {
    const source = asTrainingImages(images);
    const tell = countingProgress(progress, source.samples);
    let done = 0;
    tell(done);
    // Each image is fetched when a worker is free for it, so few are in memory at once.
    const perImage = await this.#runAll(
      null,
      source.count,
      async (index) => ({ type: "count", index, image: await source.image(index), start }),
      (reply) => {
        done += (reply as ImageCounts).samples;
        tell(done);
      },
    ) as ImageCounts[];
    const counts = emptyDirectSlotCounts();
    perImage.forEach(({ ones, totals }, i) => {
      const offset = (i % TRAINING_FOLDS) * DIRECT_SLOTS;
      for (let s = 0; s < DIRECT_SLOTS; s++) {
        counts.ones[offset + s] += ones[s];
        counts.totals[offset + s] += totals[s];
      }
    });
    return counts;
  }

  /**
   * Packs the sample records of `images` from `start` for GPU counting (`v2_records.ts`), an
   * image per job, and hands each chunk (about `chunkSamples` samples, whole rows) to
   * `onRecords` with the image's bit depth and index; a worker packs its next chunk once the
   * promise `onRecords` returned has resolved. Chunks of different images interleave.
   */
  async packRecords(
    images: TrainingImages | readonly GrayImage[],
    start: V2Model,
    chunkSamples: number,
    onRecords: (records: Uint32Array, bits: number, index: number) => Promise<void>,
  ): Promise<void> {
    const source = asTrainingImages(images);
    await this.#runAll(
      null,
      source.count,
      async (index) => ({
        type: "records",
        index,
        image: await source.image(index),
        start,
        chunkSamples,
      }),
      undefined,
      (chunk) => onRecords(chunk.records, chunk.bits, chunk.index),
    );
  }

  /** Ends the workers. */
  close(): void {
    for (const worker of this.#workers) worker.terminate();
    this.#workers = [];
  }

  /**
   * Sends `setup` (if any) to every worker, then requests `0 … count − 1`, each to the next free
   * worker; resolves with the results in request order. A request that cannot be made rejects
   * with its own error.
   */
  #runAll(
    setup: TrainingWorkerRequest | null,
    count: number,
    request: (index: number) => TrainingWorkerRequest | Promise<TrainingWorkerRequest>,
    onResult?: (result: unknown) => void,
    onChunk?: (chunk: RecordChunk) => Promise<void>,
  ): Promise<unknown[]> {
    if (count === 0) return Promise.resolve([]);
    while (this.#workers.length < Math.min(this.#count, count)) {
      this.#workers.push(
        new Worker(new URL("./training_worker.ts", import.meta.url).href, { type: "module" }),
      );
    }
    const results: unknown[] = new Array(count);
    let next = 0;
    let finished = 0;
    return new Promise((resolve, reject) => {
      let failed = false;
      const fail = (error: Error) => {
        if (failed) return;
        failed = true;
        reject(error);
      };
      const workerFailed = (message: string) =>
        fail(new Error(`a training worker failed: ${message}`));
      const send = (worker: Worker) => {
        if (next === count || failed) return;
        Promise.resolve(request(next++)).then((r) => worker.postMessage(r), fail);
      };
      for (const worker of this.#workers) {
        worker.onmessage = (event: MessageEvent<TrainingWorkerReply>) => {
          const reply = event.data;
          if ("error" in reply) return workerFailed(reply.error);
          if ("records" in reply) {
            const asked: TrainingWorkerRequest = { type: "more" };
            onChunk!(reply).then(() => worker.postMessage(asked), fail);
            return;
          }
          results[reply.index] = reply.result;
          onResult?.(reply.result);
          if (++finished === count) resolve(results);
          else send(worker);
        };
        worker.onerror = (event) => {
          event.preventDefault();
          workerFailed(event.message);
        };
        if (setup !== null) worker.postMessage(setup);
        send(worker);
      }
    });
  }
}
