/**
 * The worker side of {@link TrainingWorkers}: runs the training jobs it is sent, one message
 * per job, and answers each with its result.
 *
 * @module
 */
import { type Crop, type CropJob, runCropJob } from "../v2/crop_work.ts";
import { addImageCounts, emptyDirectSlotCounts } from "../v2/direct_counts.ts";
import type { GrayImage } from "../image/gray_image.ts";
import { DIRECT_SLOTS, type V2Model } from "../v2/model.ts";

/**
 * What the pool sends: crops and models for the crop jobs that follow, a crop job, or an image
 * whose direct slots to count from a model.
 */
export type TrainingWorkerRequest =
  | { type: "setup"; crops: readonly Crop[]; models: readonly V2Model[] }
  | { type: "crop"; index: number; job: CropJob }
  | { type: "count"; index: number; image: GrayImage; start: V2Model };

/** One image's direct-slot counts: ones and uses per slot, and its samples. */
export interface ImageCounts {
  ones: Float64Array;
  totals: Float64Array;
  samples: number;
}

/** What the worker answers: a job's result, or why it failed. */
export type TrainingWorkerReply =
  | { index: number; result: number | Int32Array | ImageCounts }
  | { index: number; error: string };

let crops: readonly Crop[] = [];
let models: readonly V2Model[] = [];

function runRequest(request: TrainingWorkerRequest): number | Int32Array | ImageCounts | null {
  switch (request.type) {
    case "setup":
      crops = request.crops;
      models = request.models;
      return null;
    case "crop":
      return runCropJob(crops, models, request.job);
    case "count": {
      const counts = emptyDirectSlotCounts();
      addImageCounts(counts, request.image, 0, request.start);
      return {
        ones: counts.ones.slice(0, DIRECT_SLOTS),
        totals: counts.totals.slice(0, DIRECT_SLOTS),
        samples: request.image.data.length,
      };
    }
  }
}

// deno-lint-ignore no-explicit-any
const scope = self as any;
scope.onmessage = (event: MessageEvent<TrainingWorkerRequest>) => {
  const request = event.data;
  if (request.type === "setup") {
    runRequest(request);
    return;
  }
  let reply: TrainingWorkerReply;
  try {
    reply = { index: request.index, result: runRequest(request)! };
  } catch (e) {
    reply = { index: request.index, error: e instanceof Error ? e.message : String(e) };
  }
  scope.postMessage(reply);
};
