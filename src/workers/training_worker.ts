/**
 * The worker side of {@link TrainingWorkers}: runs the training jobs it is sent, one message
 * per job, and answers each with its result. Record jobs (for GPU counting) answer with chunks
 * of records first, each after the pool asked for more, so that packing never runs far ahead of
 * the GPU.
 *
 * @module
 */
import { packRecords } from "../gpu/v2_records.ts";
import { type Crop, type CropJob, runCropJob } from "../v2/crop_work.ts";
import { addImageCounts, emptyDirectSlotCounts, SampleContexts } from "../v2/direct_counts.ts";
import { significantBits } from "../v2/codec.ts";
import type { GrayImage } from "../image/gray_image.ts";
import { DIRECT_SLOTS, type V2Model } from "../v2/model.ts";

/**
 * What the pool sends: crops and models for the crop jobs that follow, a crop job, an image
 * whose direct slots to count from a model, an image whose sample records to pack in chunks of
 * about `chunkSamples`, or leave to send the next chunk.
 *
 * @example
 * ```ts
 * import type { TrainingWorkerRequest } from "./training_worker.ts";
 * const request: TrainingWorkerRequest = {
 *   type: "crop", index: 0, job: { kind: "bytes", crop: 0, model: 0 },
 * };
 * ```
 */
export type TrainingWorkerRequest =
  | { type: "setup"; crops: readonly Crop[]; models: readonly V2Model[] }
  | { type: "crop"; index: number; job: CropJob }
  | { type: "count"; index: number; image: GrayImage; start: V2Model }
  | { type: "records"; index: number; image: GrayImage; start: V2Model; chunkSamples: number }
  | { type: "more" };

/**
 * One image's direct-slot counts: ones and uses per slot, and its samples.
 *
 * @example
 * ```ts
 * import type { ImageCounts } from "./training_worker.ts";
 * const none: ImageCounts = { ones: new Float64Array(0), totals: new Float64Array(0), samples: 0 };
 * ```
 */
export interface ImageCounts {
  ones: Float64Array;
  totals: Float64Array;
  samples: number;
}

/**
 * What the worker answers: a job's result, a chunk of records, or why a job failed.
 *
 * @example
 * ```ts
 * import type { TrainingWorkerReply } from "./training_worker.ts";
 * const reply: TrainingWorkerReply = { index: 3, result: 1234 };
 * ```
 */
export type TrainingWorkerReply =
  | { index: number; result: number | Int32Array | ImageCounts }
  | { index: number; records: Uint32Array; bits: number }
  | { index: number; error: string };

let crops: readonly Crop[] = [];
let models: readonly V2Model[] = [];
/** Called when the pool asks for the next chunk of records. */
let more: () => void = () => {};

// deno-lint-ignore no-explicit-any
const scope = self as any;
const reply = (message: TrainingWorkerReply, transfer: Transferable[] = []) =>
  scope.postMessage(message, transfer);

function countImage(image: GrayImage, start: V2Model): ImageCounts {
  const counts = emptyDirectSlotCounts();
  addImageCounts(counts, image, 0, start);
  return {
    ones: counts.ones.slice(0, DIRECT_SLOTS),
    totals: counts.totals.slice(0, DIRECT_SLOTS),
    samples: image.data.length,
  };
}

/** Sends the image's records chunk by chunk, each once the pool asked for more; then the total. */
async function sendRecords(
  index: number,
  image: GrayImage,
  start: V2Model,
  chunkSamples: number,
): Promise<number> {
  const bits = significantBits(image.data);
  const contexts = new SampleContexts(image, bits, start);
  const rows = Math.max(1, Math.floor(chunkSamples / image.width));
  while (contexts.rowsLeft > 0) {
    const records = packRecords(contexts, image.width, rows);
    const asked = new Promise<void>((resolve) => more = resolve);
    reply({ index, records, bits }, [records.buffer]);
    await asked;
  }
  return image.data.length;
}

async function run(request: Exclude<TrainingWorkerRequest, { type: "setup" | "more" }>) {
  switch (request.type) {
    case "crop":
      return runCropJob(crops, models, request.job);
    case "count":
      return countImage(request.image, request.start);
    case "records":
      return await sendRecords(request.index, request.image, request.start, request.chunkSamples);
  }
}

scope.onmessage = async (event: MessageEvent<TrainingWorkerRequest>) => {
  const request = event.data;
  if (request.type === "setup") {
    crops = request.crops;
    models = request.models;
    return;
  }
  if (request.type === "more") return more();
  try {
    reply({ index: request.index, result: await run(request) });
  } catch (e) {
    reply({ index: request.index, error: e instanceof Error ? e.message : String(e) });
  }
};
