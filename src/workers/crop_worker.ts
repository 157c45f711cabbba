/**
 * The worker side of {@link CropWorkers}: receives the crops once, then runs the jobs it is
 * sent, one message per job.
 *
 * @module
 */
import { type Crop, type CropJob, runCropJob } from "../v2/crop_work.ts";
import type { V2Model } from "../v2/model.ts";

/** What the pool sends: new crops and models, or one job to run on them. */
export type CropWorkerRequest =
  | { type: "setup"; crops: readonly Crop[]; models: readonly V2Model[] }
  | { type: "job"; index: number; job: CropJob };

/** What the worker answers: a job's result, or why it failed. */
export type CropWorkerReply =
  | { index: number; result: number | Int32Array }
  | { index: number; error: string };

let crops: readonly Crop[] = [];
let models: readonly V2Model[] = [];

// deno-lint-ignore no-explicit-any
const scope = self as any;
scope.onmessage = (event: MessageEvent<CropWorkerRequest>) => {
  const request = event.data;
  if (request.type === "setup") {
    crops = request.crops;
    models = request.models;
    return;
  }
  let reply: CropWorkerReply;
  try {
    reply = { index: request.index, result: runCropJob(crops, models, request.job) };
  } catch (e) {
    reply = { index: request.index, error: e instanceof Error ? e.message : String(e) };
  }
  scope.postMessage(reply);
};
